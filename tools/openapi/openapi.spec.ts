import type { OpenAPIObject } from '@nestjs/swagger';
import { execFileSync } from 'node:child_process';
import * as ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakingChanges, type OpenApiDoc } from './breaking-changes';
import { CHANGELOG, CONTRACTS, generateDocument, renderClientTypes, serialiseDocument } from './contract';

const ROOT = join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as OpenApiDoc & OpenAPIObject;

interface CheckReport {
  file: string;
  schemaErrors: unknown[];
  redocly: { errors: number; warnings: number; problems: string[] };
}

/** The official OpenAPI JSON schema and Redocly's recommended rules (tools/openapi/check-document.mjs). */
function check(...files: string[]): CheckReport[] {
  const out = execFileSync(process.execPath, [join(ROOT, 'tools/openapi/check-document.mjs'), ...files], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CheckReport);
}

describe.each(CONTRACTS)('$app OpenAPI document', (contract) => {
  let generated: OpenAPIObject;
  beforeAll(() => {
    generated = generateDocument(contract.app);
  }, 120_000);

  it('is the committed one (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(contract.document, 'utf8')).toBe(serialiseDocument(generated));
  });

  it('validates against the OpenAPI schema and passes Redocly with no error or warning', () => {
    const [report] = check(contract.document);
    expect(report?.schemaErrors).toEqual([]);
    expect(report?.redocly.problems).toEqual([]);
  }, 60_000);

  it('tells the whole truth for every operation: summary, tags, security, a 4xx with the error envelope', () => {
    const gaps: string[] = [];
    for (const [path, item] of Object.entries(generated.paths)) {
      for (const [method, op] of Object.entries(item) as [string, Record<string, unknown>][]) {
        const name = `${method.toUpperCase()} ${path}`;
        const responses = op['responses'] as Record<string, { $ref?: string; content?: unknown }>;
        if (!op['summary']) gaps.push(`${name}: no summary`);
        if (!(op['tags'] as string[] | undefined)?.length) gaps.push(`${name}: no tags`);
        if (!Array.isArray(op['security'])) gaps.push(`${name}: no security`);
        const hasInput =
          !!op['requestBody'] || ((op['parameters'] as unknown[] | undefined)?.length ?? 0) > 0;
        const errors = Object.entries(responses).filter(([status]) => /^4\d\d$/.test(status));
        if (hasInput && !errors.some(([status]) => status === '400')) gaps.push(`${name}: input but no 400`);
        for (const [status, response] of errors) {
          if (!response.$ref && !response.content) gaps.push(`${name}: ${status} without a body schema`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it('types every query parameter (no free-form object where a client sends a scalar)', () => {
    const untyped: string[] = [];
    for (const [path, item] of Object.entries(generated.paths)) {
      for (const [method, op] of Object.entries(item) as [
        string,
        { parameters?: Record<string, unknown>[] },
      ][]) {
        for (const p of op.parameters ?? []) {
          const schema = p['schema'] as Record<string, unknown> | undefined;
          if (!schema?.['type'] && !schema?.['$ref'] && !schema?.['enum'])
            untyped.push(`${method.toUpperCase()} ${path} ${String(p['in'])}.${String(p['name'])}`);
        }
      }
    }
    expect(untyped).toEqual([]);
  });

  it('names every breaking change since the last released document in docs/api-changelog.md', () => {
    const changelog = readFileSync(CHANGELOG, 'utf8');
    const unannounced = breakingChanges(
      readJson(contract.released),
      generated as unknown as OpenApiDoc,
    ).filter((change) => !changelog.includes(change));
    expect(unannounced).toEqual([]);
    // The document's version is the changelog's latest for this app.
    expect(changelog).toContain(`## ${contract.app} ${generated.info.version}`);
  });

  it('generates the committed client types (run `npm run openapi`)', () => {
    expect(readFileSync(contract.clientTypes, 'utf8')).toBe(renderClientTypes(generated, contract.app));
  }, 60_000);
});

describe('the document checks notice', () => {
  it('an invalid document and a Redocly finding', () => {
    const broken = readJson(CONTRACTS[1].document);
    // A path parameter nobody declares: both the schema-level lint and Redocly must object.
    (broken.paths as Record<string, unknown>)['/api/v1/things/{thingId}'] = {
      get: {
        summary: 'x',
        responses: { '200': { description: 'OK' } },
        security: [],
        tags: ['x'],
        operationId: 'x',
      },
    };
    delete (broken.info as unknown as Record<string, unknown>)['title'];
    const file = join(tmpdir(), `openapi-broken-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(broken));
    const [report] = check(file);
    expect(report?.schemaErrors.length).toBeGreaterThan(0);
    expect(report?.redocly.problems.join('\n')).toContain('path-parameters-defined');
  }, 60_000);

  it('a removed operation, a renamed response field and a narrowed request type', () => {
    const released = readJson(CONTRACTS[0].document);
    const current = structuredClone(released);
    delete current.paths['/api/v1/buildings']?.['post'];
    const building = current.components!.schemas!['BuildingResponse']!;
    building.properties!['title'] = building.properties!['name']!;
    delete building.properties!['name'];
    const query = (
      current.paths['/api/v1/buildings']!['get'] as { parameters: { name: string; schema: object }[] }
    ).parameters;
    query.find((p) => p.name === 'limit')!.schema = { type: 'string' };
    expect(breakingChanges(released, current)).toEqual(
      expect.arrayContaining([
        'removed operation POST /api/v1/buildings',
        'removed response field BuildingResponse.name',
        'changed type GET /api/v1/buildings query.limit: integer → string',
      ]),
    );
    expect(breakingChanges(released, released)).toEqual([]);
  });
});

describe('the typed client (@ppt/api-client)', () => {
  /** Type errors of a program using the client, compiled with the repository's settings. */
  function typeErrors(source: string): string[] {
    const file = join(tmpdir(), `api-client-${process.pid}-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(file, source);
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'libs/api-client/tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    const program = ts.createProgram([file], { ...config!.options, noEmit: true });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  const program = (query: string) => `
    import { createApiServerClient } from '@ppt/api-client';
    export async function page(token: string) {
      const api = createApiServerClient({ baseUrl: 'http://localhost:3000', headers: { Authorization: 'Bearer ' + token } });
      const { data, error } = await api.GET('/api/v1/buildings', { params: { query: ${query} } });
      if (error) return error.error.code;
      return data.items.map((b) => b.name).concat(String(data.total));
    }`;

  it('pages buildings with { limit: 10, offset: 10 } and refuses a string limit', () => {
    expect(typeErrors(program('{ limit: 10, offset: 10 }'))).toEqual([]);
    expect(typeErrors(program("{ limit: '10', offset: 10 }")).join('\n')).toContain(
      "'string' is not assignable",
    );
  }, 120_000);
});
