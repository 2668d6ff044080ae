import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const FIXTURES = join(__dirname, 'fixtures', 'openimmo');
const transferSchema = readFileSync(join(FIXTURES, 'openimmo_127b.xsd'));
const feedbackSchema = readFileSync(join(FIXTURES, 'openimmo-feedback_125.xsd'));

/** libxml2's schema validation (xmllint, as WebAssembly) of `xml` against an official OpenImmo XSD. */
async function validate(xml: string, schema: Buffer, schemaName: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'openimmo.xml', contents: xml }],
    schema: [{ fileName: schemaName, contents: schema }],
    // A VOLL transfer of many listings is several MB of XML.
    initialMemoryPages: 512,
    maxMemoryPages: 16384,
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

/** Schema errors of an openimmo.xml (empty = valid OpenImmo 1.2.7). */
export function openImmoSchemaErrors(xml: string): Promise<string[]> {
  return validate(xml, transferSchema, 'openimmo_127b.xsd');
}

/** Schema errors of an import report (empty = valid openimmo_feedback 1.2.5). */
export function feedbackSchemaErrors(xml: string): Promise<string[]> {
  return validate(xml, feedbackSchema, 'openimmo-feedback_125.xsd');
}
