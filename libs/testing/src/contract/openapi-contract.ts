import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;
interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema?: Json }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const DOCUMENT_ID = 'openapi.json';

/** One answer as the server gave it. `route` is the Express route template (`/api/v1/buildings/:id`). */
export interface ObservedResponse {
  method: string;
  route: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

/**
 * An app's OpenAPI document as a checker of its answers: the status must be one the operation
 * documents, and a JSON body must match that answer's schema (ajv, OpenAPI 3.0 `nullable` included).
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly operations = new Map<
    string,
    { path: string; responses: Record<string, ResponseObject> }
  >();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // OpenAPI's own formats: sizes and encodings, not constraints a JSON value can break.
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary'])
      this.ajv.addFormat(format, true);
    // The whole document is one schema resource: `#/components/schemas/X` resolves inside it.
    this.ajv.addSchema(toJsonSchema(document) as Json, DOCUMENT_ID);
    for (const [path, item] of Object.entries((document['paths'] ?? {}) as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as { responses?: Record<string, ResponseObject> } | undefined;
        if (!operation) continue;
        const route = path.replace(/\{([^}]+)\}/g, ':$1');
        this.operations.set(`${method.toUpperCase()} ${route}`, {
          path,
          responses: operation.responses ?? {},
        });
      }
    }
  }

  /** Whether the document describes this route at all (docs UI, metrics and operator pages are left out). */
  documents(method: string, route: string): boolean {
    return this.operations.has(`${method.toUpperCase()} ${route}`);
  }

  /** What is wrong with the answer, as readable lines; empty when it keeps the contract. */
  violations(observed: ObservedResponse): string[] {
    const name = `${observed.method.toUpperCase()} ${observed.route}`;
    const operation = this.operations.get(name);
    if (!operation) return [];
    const where = `${observed.method.toUpperCase()} ${operation.path} → ${observed.status}`;
    const key = String(observed.status);
    const ranged = `${key[0]}XX`;
    const responseKey = [key, ranged, 'default'].find((k) => k in operation.responses);
    if (!responseKey) {
      return [`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    }
    const response = this.resolveResponse(operation.responses[responseKey] as ResponseObject);
    const isJson = /\bjson\b/.test(observed.contentType ?? '');
    const schema = response.content?.['application/json']?.schema;
    if (!isJson || observed.body === undefined || observed.body === '') return [];
    if (!schema) {
      return response.content ? [] : [`${where}: a JSON body the document does not describe`];
    }
    const validate = this.validatorFor(schema);
    if (validate(observed.body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: body${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
  }

  private resolveResponse(response: ResponseObject): ResponseObject {
    if (!response.$ref) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const components = this.document['components'] as { responses?: Record<string, ResponseObject> };
    return components.responses?.[name] ?? {};
  }

  /** One compiled validator per distinct schema (most error answers share one). */
  private validatorFor(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(toJsonSchema(schema) as Json));
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** Points the schema's local `$ref`s into the document resource added under DOCUMENT_ID. */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${DOCUMENT_ID}#/`)) as Json;
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: `anyOf: [null, the schema]`. (Ajv's own `nullable`
 * only widens `type`, so Nest's nullable `allOf: [$ref]` would still refuse the null the server sends.)
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    // `example`s are data, not schemas: left exactly as written.
    out[key] = key === 'example' || key === 'examples' ? value : toJsonSchema(value);
  }
  if (out['nullable'] !== true) return out;
  delete out['nullable'];
  return { anyOf: [{ type: 'null' }, out] };
}
