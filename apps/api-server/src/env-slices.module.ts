import { Global, Module } from '@nestjs/common';
import { AssistantEnv } from '@ppt/api-assistant-core';
import { NotificationDeliveryEnv, RealtimeEnv } from '@ppt/api-community-core';
import { DocumentSearchEnv, DocumentsEnv } from '@ppt/api-documents-core';
import { AlertsEnv, HealthHistoryEnv, IdentityEnv } from '@ppt/api-identity-core';
import { SyndicationEnv } from '@ppt/api-marketing-core';
import { MailEnv } from '@ppt/api-shared';
import { ApiServerEnv } from './api-server.env';

/** Each context reads its own slice of the environment; the app's validated env is every slice. */
const SLICES = [IdentityEnv, MailEnv, DocumentsEnv, SyndicationEnv, AssistantEnv, DocumentSearchEnv, RealtimeEnv, NotificationDeliveryEnv, HealthHistoryEnv, AlertsEnv] as const;

// Compile-time proof that ApiServerEnv has every field of every slice (with the same types).
const _everySlice = (env: ApiServerEnv): IdentityEnv & MailEnv & DocumentsEnv & SyndicationEnv => env;
void _everySlice;

/** Provides each context's env slice as the one validated ApiServerEnv (no second validation, no copy). */
@Global()
@Module({
  providers: SLICES.map((slice) => ({ provide: slice, useExisting: ApiServerEnv })),
  exports: [...SLICES],
})
export class EnvSlicesModule {}
