/* eslint-disable no-console -- a command-line tool */
// npm run openapi: writes both apps' documents (docs/openapi/*.json) and the typed client's types
// (libs/api-client/src/generated/*.ts). `-- --release` also records them as the last released documents.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CONTRACTS, generateDocument, renderClientTypes, serialiseDocument } from './contract';

async function main(): Promise<void> {
  const release = process.argv.includes('--release');
  for (const contract of CONTRACTS) {
    const document = generateDocument(contract.app);
    writeFileSync(contract.document, serialiseDocument(document));
    mkdirSync(dirname(contract.clientTypes), { recursive: true });
    writeFileSync(contract.clientTypes, renderClientTypes(document, contract.app));
    if (release) {
      mkdirSync(dirname(contract.released), { recursive: true });
      copyFileSync(contract.document, contract.released);
    }
    console.log(`${contract.app}: ${contract.document}${release ? ' (released)' : ''}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
