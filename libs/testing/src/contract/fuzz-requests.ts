type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}

/** One generated request: the path filled in, its query, JSON body and whether it carries credentials. */
export interface FuzzRequest {
  operation: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authenticated: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const REF = '#/components/schemas/';

/**
 * A deterministic stream of requests for every operation of a document: the first for each is built
 * from the schemas' examples (a request the server should accept), the others from random values of
 * the declared types, half of them bent out of the schema (wrong type, out of range, null, unknown
 * field), which the server must refuse with a 4xx, never a 5xx. Reads run before writes, deletions
 * last, so the writes find the fixtures the reads did not change.
 */
export function fuzzRequests(
  document: Json,
  {
    seed,
    perOperation,
    fixedPathValues = {},
  }: { seed: number; perOperation: number; fixedPathValues?: Record<string, string> },
): FuzzRequest[] {
  const random = mulberry32(seed);
  const schemas = ((document['components'] as Json | undefined)?.['schemas'] ?? {}) as Record<string, Schema>;
  const generator = new ValueGenerator(random, schemas);
  const requests: FuzzRequest[] = [];
  for (const [path, item] of Object.entries(document['paths'] as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const parameters = (op['parameters'] ?? []) as Parameter[];
      const body = (op['requestBody'] as Json | undefined)?.['content'] as
        Record<string, { schema?: Schema }> | undefined;
      const bodySchema = body?.['application/json']?.schema;
      const security = (op['security'] ?? []) as Json[];
      const authenticated = security.some((r) => Object.keys(r).length > 0);
      for (let i = 0; i < perOperation; i++) {
        const mode = i === 0 ? 'example' : random() < 0.5 ? 'random' : 'invalid';
        let filled = path;
        const query: Record<string, string> = {};
        for (const p of parameters) {
          if (p.in === 'path') {
            const value =
              fixedPathValues[p.name] && mode === 'example'
                ? fixedPathValues[p.name]
                : generator.value(p.schema ?? {}, mode);
            filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(value)));
          } else if (p.in === 'query' && (p.required || random() < 0.6)) {
            const value = generator.value(p.schema ?? {}, mode);
            if (value !== undefined && value !== null)
              query[p.name] = Array.isArray(value) ? value.join(',') : String(value);
          }
        }
        requests.push({
          operation: `${method.toUpperCase()} ${path}`,
          method,
          path: filled,
          query,
          body: bodySchema ? generator.value(bodySchema, mode) : undefined,
          authenticated,
        });
      }
    }
  }
  const order = (r: FuzzRequest) => (r.method === 'get' ? 0 : r.method === 'delete' ? 2 : 1);
  return requests.sort((a, b) => order(a) - order(b));
}

class ValueGenerator {
  constructor(
    private readonly random: () => number,
    private readonly schemas: Record<string, Schema>,
  ) {}

  value(schema: Schema, mode: 'example' | 'random' | 'invalid', depth = 0): unknown {
    const resolved = this.resolve(schema);
    if (mode === 'example' && resolved.example !== undefined) return resolved.example;
    if (mode === 'invalid' && this.random() < 0.3) return this.invalid(resolved);
    if (depth > 4) return undefined;
    const variant = resolved.oneOf ?? resolved.anyOf;
    if (variant?.length) return this.value(this.pick(variant), mode, depth + 1);
    if (resolved.enum?.length) return this.pick(resolved.enum);
    switch (resolved.type) {
      case 'integer':
      case 'number': {
        const min = resolved.minimum ?? 0;
        const max = Math.min(resolved.maximum ?? 1000, min + 1000);
        const n = min + this.random() * (max - min);
        return resolved.type === 'integer' ? Math.floor(n) : Math.round(n * 100) / 100;
      }
      case 'boolean':
        return this.random() < 0.5;
      case 'array': {
        const count = Math.floor(this.random() * 3);
        return Array.from({ length: count }, () => this.value(resolved.items ?? {}, mode, depth + 1));
      }
      case 'string':
        return this.string(resolved);
      default: {
        if (!resolved.properties) return resolved.type === 'object' ? {} : this.string(resolved);
        const out: Json = {};
        const required = new Set(resolved.required ?? []);
        for (const [key, property] of Object.entries(resolved.properties)) {
          if (!required.has(key) && this.random() < 0.4) continue;
          const value = this.value(property, mode === 'example' ? 'example' : mode, depth + 1);
          if (value !== undefined) out[key] = value;
        }
        if (mode === 'invalid' && this.random() < 0.3) out['unexpectedField'] = 'x';
        return out;
      }
    }
  }

  private invalid(schema: Schema): unknown {
    const options: unknown[] = [
      null,
      'not-a-number',
      -1,
      1e308,
      '',
      [],
      { nested: true },
      'x'.repeat(5000),
      true,
    ];
    if (schema.type === 'string') options.push(42, '\u0000', '../../etc/passwd');
    return this.pick(options);
  }

  private string(schema: Schema): string {
    switch (schema.format) {
      case 'uuid':
        return (
          '00000000-0000-4000-8000-' +
          Math.floor(this.random() * 1e12)
            .toString()
            .padStart(12, '0')
        );
      case 'date-time':
        return new Date(Date.UTC(2026, 0, 1 + Math.floor(this.random() * 365))).toISOString();
      case 'date':
        return new Date(Date.UTC(2026, 0, 1 + Math.floor(this.random() * 365))).toISOString().slice(0, 10);
      case 'email':
        return `fuzz${Math.floor(this.random() * 1e6)}@example.com`;
      default: {
        const length = Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 12, 12));
        return Array.from(
          { length },
          () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(this.random() * 36)],
        ).join('');
      }
    }
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    for (let i = 0; i < 10; i++) {
      if (current.$ref?.startsWith(REF)) current = this.schemas[current.$ref.slice(REF.length)] ?? {};
      else if (current.allOf?.length === 1 && !current.properties)
        current = { ...(current.allOf[0] as Schema) };
      else if (current.allOf?.length) {
        const parts = current.allOf.map((part) => this.resolve(part));
        current = {
          type: 'object',
          properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
          required: parts.flatMap((p) => p.required ?? []),
        };
      } else break;
    }
    return current;
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)] as T;
  }
}

/** A small seeded PRNG: the same seed gives the same requests, so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
