/* eslint-disable no-console, @typescript-eslint/no-require-imports -- a command-line tool; lazy requires on purpose */
// Writes one app's OpenAPI document to a file: `print-document.ts <api-server|reality-server> <out.json>`.
// One process per app, and only that app's modules loaded: feature error tables register their codes
// when their module loads, and each document must list its own app's codes only.
import { writeFileSync } from 'node:fs';
import type * as ApiServerOpenApi from '../../apps/api-server/src/api-server.openapi';
import type * as RealityServerOpenApi from '../../apps/reality-server/src/reality-server.openapi';

async function main(): Promise<void> {
  const [app, out] = process.argv.slice(2);
  if (!out) throw new Error('usage: print-document.ts <api-server|reality-server> <out.json>');
  let document: unknown;
  if (app === 'api-server') {
    const { generateApiServerDocument } =
      require('../../apps/api-server/src/api-server.openapi') as typeof ApiServerOpenApi;
    document = await generateApiServerDocument();
  } else if (app === 'reality-server') {
    const { generateRealityServerDocument } =
      require('../../apps/reality-server/src/reality-server.openapi') as typeof RealityServerOpenApi;
    document = await generateRealityServerDocument();
  } else throw new Error(`unknown app ${app}`);
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
