import { MODULE_METADATA } from '@nestjs/common/constants';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `*.module.ts` under src/modules, recursively. */
function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return moduleFiles(path);
    return entry.name.endsWith('.module.ts') ? [path] : [];
  });
}

/**
 * A provider class declared in two modules is two instances (two limiters, two caches, two sets of
 * queue listeners): each one belongs in one module that the others import.
 */
describe('reality-server module wiring', () => {
  it('declares every provider class in one module only', () => {
    const declaredIn = new Map<unknown, string[]>();
    for (const file of moduleFiles(join(__dirname, 'modules'))) {
      for (const [name, exported] of Object.entries(require(file) as Record<string, unknown>)) {
        if (typeof exported !== 'function') continue;
        const providers = (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, exported) ?? []) as unknown[];
        for (const provider of providers) {
          if (typeof provider !== 'function') continue;
          declaredIn.set(provider, [...(declaredIn.get(provider) ?? []), name]);
        }
      }
    }
    expect(declaredIn.size).toBeGreaterThan(10);
    const twice = [...declaredIn]
      .filter(([, modules]) => modules.length > 1)
      .map(([provider, modules]) => `${(provider as { name: string }).name}: ${modules.join(', ')}`);
    expect(twice).toEqual([]);
  });
});
