import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bounded contexts' edges are lint rules (eslint.config.mjs, @nx/enforce-module-boundaries): this lints
 * real files placed inside the context libs and expects the rule to refuse what the architecture forbids
 * (docs/architecture.md), and to accept the public way.
 */
const ROOT = join(__dirname, '..', '..');
const RULES = ['@nx/enforce-module-boundaries', 'no-restricted-imports', 'no-restricted-syntax'];

const created: string[] = [];
afterAll(() => created.forEach((file) => rmSync(file, { force: true })));

/** Lints a temporary file in `dir` (a lib's src folder) with the repository's config; the rule's messages. */
function boundaryErrors(dir: string, code: string): string[] {
  const file = join(ROOT, dir, `boundary-probe-${process.pid}-${created.length}.ts`);
  created.push(file);
  writeFileSync(file, code);
  try {
    // ESLint's own CLI in a child process: its flat config is an ES module, which Jest's VM cannot import.
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', file],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed: ${run.stderr}`);
    const [result] = JSON.parse(run.stdout) as Array<{
      messages: Array<{ ruleId: string | null; message: string }>;
    }>;
    return result.messages.filter((m) => RULES.includes(m.ruleId ?? '')).map((m) => m.message);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('context boundaries (lint)', () => {
  it('refuses a deliberate import of another context’s repository by its path', () => {
    const errors = boundaryErrors(
      'libs/api/finance/core/src/finance',
      `import { BuildingsRepository } from '../../../../property/core/src/buildings/buildings.repository';\n` +
        `export const probe = BuildingsRepository;\n`,
    );
    expect(errors).toEqual([expect.stringMatching(/relative or absolute path/)]);
  }, 120_000);

  it('refuses a deep import through another context’s alias', () => {
    const errors = boundaryErrors(
      'libs/api/finance/core/src/finance',
      `import { BuildingsRepository } from '@ppt/api-property-core/src/buildings/buildings.repository';\n` +
        `export const probe = BuildingsRepository;\n`,
    );
    expect(errors).toEqual([expect.stringMatching(/Import a lib through its index/)]);
  }, 120_000);

  it('refuses a core that reaches into an HTTP lib', () => {
    const errors = boundaryErrors(
      'libs/api/finance/core/src/finance',
      `import { AuditHttpModule } from '@ppt/api-identity-http';\nexport const probe = AuditHttpModule;\n`,
    );
    expect(errors).toEqual([expect.stringMatching(/"type:api-core" can only depend on libs tagged with/)]);
  }, 120_000);

  it('refuses the portal any api-server context', () => {
    const errors = boundaryErrors(
      'apps/reality-server/src',
      `import { BuildingsService } from '@ppt/api-property-core';\nexport const probe = BuildingsService;\n`,
    );
    expect(errors).toEqual([
      expect.stringMatching(/"scope:reality-server" can not depend on libs tagged with "scope:api-server"/),
    ]);
  }, 120_000);

  it('refuses the portal a PM entity (@ppt/api-db is tagged scope:api-server)', () => {
    const errors = boundaryErrors(
      'apps/reality-server/src',
      `import { Organization } from '@ppt/api-db';\nexport const probe = Organization;\n`,
    );
    expect(errors).toEqual([
      expect.stringMatching(/"scope:reality-server" can not depend on libs tagged with "scope:api-server"/),
    ]);
  }, 120_000);

  it('refuses the portal’s entity lib a PM entity, even as a type', () => {
    const errors = boundaryErrors(
      'libs/portal/db/src',
      `import type { ListingStatus } from '@ppt/api-db';\nexport type Probe = ListingStatus;\n`,
    );
    expect(errors).toEqual([
      expect.stringMatching(/"scope:reality-server" can not depend on libs tagged with "scope:api-server"/),
    ]);
  }, 120_000);

  it('accepts the portal’s own entities, the shared database plumbing and the membership roles', () => {
    const errors = boundaryErrors(
      'apps/reality-server/src',
      `import { buildDataSourceOptions, MEMBERSHIP_ROLES } from '@ppt/db';\n` +
        `import { PORTAL_ENTITIES } from '@ppt/portal-db';\n` +
        `export const probe = [buildDataSourceOptions, MEMBERSHIP_ROLES, PORTAL_ENTITIES];\n`,
    );
    expect(errors).toEqual([]);
  }, 120_000);

  it('accepts another context’s public service API', () => {
    const errors = boundaryErrors(
      'libs/api/finance/core/src/finance',
      `import { BuildingsService } from '@ppt/api-property-core';\nexport const probe = BuildingsService;\n`,
    );
    expect(errors).toEqual([]);
  }, 120_000);

  it('refuses a feature that makes its own OrganizationId (only the unit of work and rows are trusted)', () => {
    const errors = boundaryErrors(
      'libs/api/finance/core/src/finance',
      `import { trustedOrganizationId } from '@ppt/db';\nexport const probe = trustedOrganizationId('forged');\n`,
    );
    expect(errors).toEqual([expect.stringMatching(/Take the OrganizationId from a tenant transaction/)]);
  }, 120_000);

  it('refuses a feature that casts a string to OrganizationId', () => {
    const errors = boundaryErrors(
      'libs/api/finance/core/src/finance',
      `import type { OrganizationId } from '@ppt/db';
export const probe = 'forged' as OrganizationId;
`,
    );
    expect(errors).toEqual([expect.stringMatching(/Never cast to OrganizationId/)]);
  }, 120_000);
});

describe('context public APIs', () => {
  const indexes = ['identity', 'property', 'community', 'documents', 'finance', 'marketing']
    .flatMap((context) => ['core', 'http'].map((kind) => `libs/api/${context}/${kind}/src/index.ts`))
    .concat('libs/api/shared/src/index.ts', 'libs/api/testing/src/index.ts');

  it.each(indexes)('%s exports no repository', (index) => {
    const source = readFileSync(join(ROOT, index), 'utf8');
    expect(source.match(/\w*Repository\b|\.repository'/g) ?? []).toEqual([]);
  });

  it('has an index for every api lib (and nothing else imports a lib by path)', () => {
    const contexts = readdirSync(join(ROOT, 'libs/api'), { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    );
    expect(contexts.map((d) => d.name).sort()).toEqual(
      // testing: the service tier's context (@ppt/api-testing), for int-specs only; db: the PM entities
      // (@ppt/api-db), a data-access lib of api-server's scope rather than a context.
      [
        'assistant',
        'community',
        'db',
        'documents',
        'finance',
        'identity',
        'marketing',
        'property',
        'shared',
        'testing',
      ].sort(),
    );
  });
});

describe('database libs', () => {
  // The entities live in the libs of the app that owns their schema; the plumbing both apps share maps none,
  // so importing it gives the portal no PM table (and the portal lint rule above keeps it that way).
  const entityDecorators = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /@Entity\(/.test(readFileSync(join(ROOT, dir, file), 'utf8')))
      .map((file) => `${dir}/${file}`);

  it('@ppt/db (shared plumbing) declares no entity', () => {
    expect(entityDecorators('libs/db/src')).toEqual([]);
  });

  it('the PM and portal entities are in their own libs', () => {
    expect(entityDecorators('libs/api/db/src')).toContain('libs/api/db/src/organization.entity.ts');
    expect(entityDecorators('libs/portal/db/src')).toEqual(['libs/portal/db/src/portal.entities.ts']);
  });
});
