import { Module } from '@nestjs/common';
import { ListingsModule } from '../listings/listings.module';
import { PortalRealtimeCoreModule } from '../realtime/realtime.core.module';
import { FavoritesController } from './favorites.controller';
import { FavoritesRepository } from './favorites.repository';
import { FavoritesService } from './favorites.service';

@Module({
  imports: [ListingsModule, PortalRealtimeCoreModule],
  controllers: [FavoritesController],
  providers: [FavoritesRepository, FavoritesService],
})
export class FavoritesModule {}
