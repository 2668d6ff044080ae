// npm run bench:search:plans (a benchmark tool, not in the app's build): EXPLAIN (ANALYZE, BUFFERS) of
// every SQL statement the portal's search runs for the requests of tools/bench/search.mjs, on the benchmark database it filled (run that
// first). The statements are the repository's own (captured from TypeORM), not copies. Prints
// Markdown for docs/performance.md. Read-only; loopback; not part of the tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataSourceOptions } from '@ppt/db';
import { PORTAL_ENTITIES } from '@ppt/portal-db';
import { plainToInstance } from 'class-transformer';
import { DataSource, type Logger } from 'typeorm';
import { SearchListingsQueryDto } from '../modules/listings/dto/search.dto';
import { PortalListingsRepository } from '../modules/listings/portal-listings.repository';
import { decodeCursor, encodeCursor } from '../modules/listings/portal-listings.service';

const { queries: QUERIES } = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'tools', 'bench', 'search-queries.json'), 'utf8'),
) as {
  queries: string[];
};

const print = (text: string) => process.stdout.write(`${text}\n`);

/** The benchmark database (as its owner: EXPLAIN ANALYZE reads only). */
const url = process.argv[2] ?? 'postgres://postgres:postgres@127.0.0.1:5432/ppt_bench_search';

async function main(): Promise<void> {
  const captured: { sql: string; params: unknown[] }[] = [];
  const logger: Logger = {
    logQuery: (sql, params) => {
      if (/^\s*SELECT/i.test(sql)) captured.push({ sql, params: Array.isArray(params) ? params : [] });
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const ds = await new DataSource({
    ...buildDataSourceOptions({ url, applicationName: 'search-plans' }, { entities: PORTAL_ENTITIES }),
    logging: ['query'],
    logger,
  }).initialize();
  try {
    const repository = new PortalListingsRepository(ds);
    const dto = (query: string) =>
      plainToInstance(SearchListingsQueryDto, Object.fromEntries(new URLSearchParams(query)));
    const firstPage = await repository.search(dto(QUERIES[2]));
    const firstListing = firstPage.hits[0].listing;
    for (const [i, query] of QUERIES.entries()) {
      captured.length = 0;
      if (query === 'SIMILAR') {
        await repository.similar(firstListing, 6);
      } else if (query === 'PAGE2') {
        const next = firstPage.next;
        if (!next) throw new Error('no second page');
        await repository.search(dto(QUERIES[2]), decodeCursor(encodeCursor(next)));
      } else {
        await repository.search(dto(query));
      }
      const label =
        { PAGE2: 'page 2 of #3 by cursor', SIMILAR: '/listings/:id/similar' }[query] ??
        (query || '(no filter)');
      print(`#### ${i + 1}. \`${label}\`\n`);
      for (const { sql, params } of [...captured]) {
        const rows = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${sql}`, params)) as {
          'QUERY PLAN': string;
        }[];
        print('```');
        print(rows.map((r) => r['QUERY PLAN']).join('\n'));
        print('```\n');
      }
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
