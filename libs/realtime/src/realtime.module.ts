import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type Type } from '@nestjs/common';
import { RealtimeHub } from './realtime-hub';
import { RealtimePublisher } from './realtime-publisher';
import {
  REALTIME_AUTHENTICATOR,
  REALTIME_OPTIONS,
  ROOM_POLICY,
  type RealtimeAuthenticator,
  type RealtimeOptions,
  type RoomPolicy,
} from './realtime.tokens';

export interface RealtimeModuleOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => RealtimeOptions;
  authenticator: Type<RealtimeAuthenticator>;
  policy: Type<RoomPolicy>;
}

/**
 * The hub (room registry, Redis fan-out, resume) and the publisher; the app adds its gateway class
 * (the `@WebSocketGateway` at /ws), its authenticator and its room policy.
 */
@Module({})
export class RealtimeModule {
  static forRoot(options: RealtimeModuleOptions): DynamicModule {
    return {
      module: RealtimeModule,
      imports: options.imports ?? [],
      providers: [
        { provide: REALTIME_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        options.authenticator,
        options.policy,
        { provide: REALTIME_AUTHENTICATOR, useExisting: options.authenticator },
        { provide: ROOM_POLICY, useExisting: options.policy },
        RealtimeHub,
        RealtimePublisher,
      ],
      exports: [RealtimeHub, RealtimePublisher],
    };
  }

  /**
   * The publisher alone, for a process that sends events to an app's sockets without serving any (a
   * worker): it publishes on the app's direct channel, which every gateway of that app hears.
   */
  static forPublisher(app: string): DynamicModule {
    return {
      module: RealtimeModule,
      providers: [
        { provide: REALTIME_OPTIONS, useValue: { app } satisfies Pick<RealtimeOptions, 'app'> },
        RealtimePublisher,
      ],
      exports: [RealtimePublisher],
    };
  }
}
