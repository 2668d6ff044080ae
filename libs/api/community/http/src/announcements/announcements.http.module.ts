import { Module } from '@nestjs/common';
import { AnnouncementsCoreModule } from '@ppt/api-community-core';
import { AnnouncementsController } from './announcements.controller';

/** Announcements's routes; the rules live in AnnouncementsCoreModule. */
@Module({ imports: [AnnouncementsCoreModule], controllers: [AnnouncementsController] })
export class AnnouncementsHttpModule {}
