import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CoreEnv } from './core-env';

/**
 * Provides the environment, validated before boot (see loadEnv), as a typed frozen object: inject the
 * app's own env class, or CoreEnv from a lib. ConfigService serves the same values to code that
 * expects @nestjs/config.
 */
@Module({})
export class AppConfigModule {
  static forRoot<T extends CoreEnv>(env: T): DynamicModule {
    const envClass = env.constructor as new () => T;
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ ...env })],
        }),
      ],
      providers: [
        { provide: envClass, useValue: env },
        { provide: CoreEnv, useValue: env },
      ],
      exports: [envClass, CoreEnv],
    };
  }
}
