/* eslint-disable no-console -- a command-line tool */
// Writes one app's OpenAPI document to a file: `print-document.ts <api-server|reality-server> <out.json>`.
// One process per app: the error-code registry is per process, and each document must list the codes
// of its own app only (generating both in one process would give each the other's codes too).
import { writeFileSync } from 'node:fs';

async function main(): Promise<void> {
  const [app, out] = process.argv.slice(2);
  if (!out) throw new Error('usage: print-document.ts <api-server|reality-server> <out.json>');
  let document: unknown;
  if (app === 'api-server') {
    const { generateApiServerDocument } = await import('../../apps/api-server/src/api-server.openapi');
    document = await generateApiServerDocument();
  } else if (app === 'reality-server') {
    const { generateRealityServerDocument } =
      await import('../../apps/reality-server/src/reality-server.openapi');
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
