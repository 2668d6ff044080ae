import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
const file = process.argv[2];
const doc = JSON.parse(readFileSync(file, 'utf8'));
const v = new Validator();
const r = await v.validate(structuredClone(doc));
const methods = ['get','put','post','delete','patch','options','head'];
let ops = 0, no4xx = 0, noSummary = 0, untypedQuery = 0, noSecurityDecl = 0;
for (const [p, item] of Object.entries(doc.paths)) for (const m of methods) {
  const op = item[m]; if (!op) continue; ops++;
  if (!Object.keys(op.responses ?? {}).some((s) => /^4/.test(s))) no4xx++;
  if (!op.summary) noSummary++;
  if (!op.security) noSecurityDecl++;
  for (const prm of op.parameters ?? []) if (prm.in === 'query' && (!prm.schema || (!prm.schema.type && !prm.schema.$ref && !prm.schema.enum && !prm.schema.oneOf && !prm.schema.anyOf) )) untypedQuery++;
}
console.log(JSON.stringify({ file, valid: r.valid, validatorErrors: r.valid ? 0 : (Array.isArray(r.errors) ? r.errors.length : 1), ops, no4xx, noSummary, untypedQuery, noSecurityDecl, servers: !!doc.servers, license: !!doc.info.license }));
if (!r.valid && process.env.SHOW) console.log(JSON.stringify(r.errors, null, 1).slice(0, 4000));
