import { Global, Injectable, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { validateEnv } from '@ppt/config';
import { AuditService } from '@ppt/api-shared';
import { testSigningKey } from '@ppt/testing';
import { ApiServerEnv } from './api-server.env';
import { AppModule } from './app.module';
import { WorkerModule } from './worker.module';

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => Type };

/** Every module reachable from `root`, once each (a module imported twice is one module). */
async function modulesOf(root: ModuleRef, seen = new Map<object, { name: string; providers: Provider[] }>()) {
  let ref: ModuleRef = await root;
  if (ref && 'forwardRef' in ref) ref = ref.forwardRef();
  if (!ref || seen.has(ref)) return seen;
  const cls = typeof ref === 'function' ? ref : ref.module;
  const dynamic = typeof ref === 'function' ? undefined : ref;
  const providers = [
    ...((Reflect.getMetadata(MODULE_METADATA.PROVIDERS, cls) as Provider[] | undefined) ?? []),
    ...(dynamic?.providers ?? []),
  ];
  seen.set(ref, { name: cls.name, providers });
  const imports = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls) as ModuleRef[] | undefined) ?? []),
    ...((dynamic?.imports as ModuleRef[] | undefined) ?? []),
  ];
  for (const imported of imports) await modulesOf(imported, seen);
  return seen;
}

/** Class tokens declared as providers by more than one module, with the modules that declare them. */
async function providedTwice(...roots: ModuleRef[]): Promise<Record<string, string[]>> {
  const seen = new Map<object, { name: string; providers: Provider[] }>();
  for (const root of roots) await modulesOf(root, seen);
  const declaredBy = new Map<unknown, string[]>();
  for (const { name, providers } of seen.values()) {
    for (const provider of providers) {
      const token = typeof provider === 'function' ? provider : provider.provide;
      if (typeof token !== 'function') continue; // string/symbol tokens (queues, config) are per registration
      // The same module class in both compositions (PlatformModule.forRoot for http and for worker) is one module.
      const by = declaredBy.get(token) ?? [];
      if (!by.includes(name)) declaredBy.set(token, [...by, name]);
    }
  }
  return Object.fromEntries(
    [...declaredBy].filter(([, by]) => by.length > 1).map(([token, by]) => [(token as Type).name, by]),
  );
}

describe('composition (AppModule, WorkerModule)', () => {
  const env = validateEnv(ApiServerEnv, {
    AUTH_JWT_PRIVATE_KEY: testSigningKey(),
    DATABASE_URL: 'postgres://app@127.0.0.1:5432/ppt',
  });

  it('declares every provider in exactly one module across the HTTP app and the worker', async () => {
    expect(await providedTwice(AppModule.register(env), WorkerModule.register(env))).toEqual({});
  });

  it('notices a module that declares another module’s provider again (as the old job modules did)', async () => {
    @Injectable()
    class OverdueJob {}
    @Module({ providers: [AuditService, OverdueJob] })
    class RedeclaringJobModule {}
    @Global()
    @Module({ imports: [RedeclaringJobModule] })
    class Composition {}
    expect(await providedTwice(AppModule.register(env), Composition)).toEqual({
      AuditService: ['AuditCoreModule', 'RedeclaringJobModule'],
    });
  });
});
