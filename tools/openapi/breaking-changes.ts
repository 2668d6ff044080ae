/**
 * What a client written against `released` would trip over in `current`: removed operations and
 * parameters, new required inputs, removed or retyped response fields, answers that may now be null,
 * request enums that accept less. Each change is one line that docs/api-changelog.md must name verbatim
 * (tools/openapi/openapi.spec.ts), so a breaking change is never shipped unannounced.
 */
type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
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
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const REF = '#/components/schemas/';

export function breakingChanges(released: OpenApiDoc, current: OpenApiDoc): string[] {
  const changes = new Set<string>();
  for (const [path, item] of Object.entries(released.paths)) {
    for (const method of METHODS) {
      const before = item[method] as Operation | undefined;
      if (!before) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const after = current.paths[path]?.[method] as Operation | undefined;
      if (!after) {
        changes.add(`removed operation ${name}`);
        continue;
      }
      compareParameters(before, after, name, released, current, changes);
      compareRequestBodies(before, after, name, released, current, changes);
      for (const [status, response] of Object.entries(before.responses ?? {})) {
        if (!/^2\d\d$/.test(status)) continue;
        const oldSchema = response.content?.['application/json']?.schema;
        const newSchema = after.responses?.[status]?.content?.['application/json']?.schema;
        if (!oldSchema) continue;
        if (!after.responses?.[status]) changes.add(`removed response ${name} ${status}`);
        else if (!newSchema) changes.add(`removed response body ${name} ${status}`);
        else compareOutput(oldSchema, newSchema, `${name} ${status}`, released, current, changes, new Set());
      }
    }
  }
  return [...changes].sort();
}

function compareParameters(
  before: Operation,
  after: Operation,
  name: string,
  released: OpenApiDoc,
  current: OpenApiDoc,
  changes: Set<string>,
): void {
  const key = (p: Parameter) => `${p.in}.${p.name}`;
  const old = new Map((before.parameters ?? []).map((p) => [key(p), p]));
  for (const parameter of after.parameters ?? []) {
    const was = old.get(key(parameter));
    // A path parameter is part of the path: declaring one the path already had changes nothing.
    if (parameter.required && !was?.required && parameter.in !== 'path')
      changes.add(`new required parameter ${name} ${key(parameter)}`);
    if (was?.schema && parameter.schema) {
      compareInput(
        was.schema,
        parameter.schema,
        `${name} ${key(parameter)}`,
        released,
        current,
        changes,
        new Set(),
      );
    }
  }
  const now = new Set((after.parameters ?? []).map(key));
  for (const parameter of before.parameters ?? []) {
    // A removed path parameter changed the path itself, reported as a removed operation.
    if (parameter.in !== 'path' && !now.has(key(parameter)))
      changes.add(`removed parameter ${name} ${key(parameter)}`);
  }
}

function compareRequestBodies(
  before: Operation,
  after: Operation,
  name: string,
  released: OpenApiDoc,
  current: OpenApiDoc,
  changes: Set<string>,
): void {
  if (after.requestBody?.required && !before.requestBody?.required)
    changes.add(`new required request body ${name}`);
  for (const [mediaType, content] of Object.entries(before.requestBody?.content ?? {})) {
    const next = after.requestBody?.content?.[mediaType];
    if (!next) {
      if (after.requestBody) changes.add(`removed request media type ${name} ${mediaType}`);
      continue;
    }
    if (content.schema && next.schema) {
      compareInput(content.schema, next.schema, `${name} body`, released, current, changes, new Set());
    }
  }
}

/** A response: every field the client read must still come, with the same type, not newly null. */
function compareOutput(
  oldSchema: Schema,
  newSchema: Schema,
  where: string,
  released: OpenApiDoc,
  current: OpenApiDoc,
  changes: Set<string>,
  seen: Set<string>,
): void {
  const [old, oldWhere] = resolve(oldSchema, where, released);
  const [now] = resolve(newSchema, where, current);
  if (seen.has(oldWhere)) return;
  seen.add(oldWhere);
  // number → integer narrows what a client may see (fine); any other change of type breaks it.
  if (old.type && now.type && old.type !== now.type && !(old.type === 'number' && now.type === 'integer')) {
    changes.add(`changed type ${oldWhere}: ${old.type} → ${now.type}`);
  }
  if (!nullable(old) && nullable(now)) changes.add(`may now be null ${oldWhere}`);
  const required = new Set(now.required ?? []);
  for (const [key, property] of Object.entries(old.properties ?? {})) {
    const next = now.properties?.[key];
    if (!next) changes.add(`removed response field ${oldWhere}.${key}`);
    else {
      if ((old.required ?? []).includes(key) && !required.has(key))
        changes.add(`now optional ${oldWhere}.${key}`);
      compareOutput(property, next, `${oldWhere}.${key}`, released, current, changes, seen);
    }
  }
  if (old.items && now.items)
    compareOutput(old.items, now.items, `${oldWhere}[]`, released, current, changes, seen);
}

/** A request: everything the client sent must still be accepted. */
function compareInput(
  oldSchema: Schema,
  newSchema: Schema,
  where: string,
  released: OpenApiDoc,
  current: OpenApiDoc,
  changes: Set<string>,
  seen: Set<string>,
): void {
  const [old, oldWhere] = resolve(oldSchema, where, released);
  const [now] = resolve(newSchema, where, current);
  if (seen.has(oldWhere)) return;
  seen.add(oldWhere);
  // integer → number accepts more (fine); any other change of type refuses what clients send.
  if (old.type && now.type && old.type !== now.type && !(old.type === 'integer' && now.type === 'number')) {
    changes.add(`changed type ${oldWhere}: ${old.type} → ${now.type}`);
  }
  if (nullable(old) && !nullable(now)) changes.add(`no longer accepts null ${oldWhere}`);
  if (old.enum && now.enum) {
    for (const value of old.enum) {
      if (!now.enum.includes(value)) changes.add(`no longer accepts ${JSON.stringify(value)} at ${oldWhere}`);
    }
  }
  const wasRequired = new Set(old.required ?? []);
  for (const key of now.required ?? []) {
    if (!wasRequired.has(key)) changes.add(`new required field ${oldWhere}.${key}`);
  }
  for (const [key, property] of Object.entries(old.properties ?? {})) {
    const next = now.properties?.[key];
    // The validation pipe refuses unknown fields: a field taken away makes old requests fail.
    if (!next) changes.add(`removed request field ${oldWhere}.${key}`);
    else compareInput(property, next, `${oldWhere}.${key}`, released, current, changes, seen);
  }
  if (old.items && now.items)
    compareInput(old.items, now.items, `${oldWhere}[]`, released, current, changes, seen);
}

function nullable(schema: Schema): boolean {
  return schema.nullable === true || (schema.enum?.includes(null) ?? false);
}

/**
 * Follows `$ref`s and single-member `allOf` wrappers (Nest's way to make a $ref nullable) to the
 * schema; changes inside a named schema are reported under its name, once for all its uses.
 */
function resolve(schema: Schema, where: string, doc: OpenApiDoc): [Schema, string] {
  let current: Schema = schema;
  let name = where;
  let extra: Schema = {};
  for (let depth = 0; depth < 10; depth++) {
    if (current.$ref?.startsWith(REF)) {
      name = current.$ref.slice(REF.length);
      current = doc.components?.schemas?.[name] ?? {};
    } else if (current.allOf?.length === 1 && !current.properties) {
      extra = { ...extra, ...(current.nullable ? { nullable: true } : {}) };
      current = current.allOf[0] as Schema;
    } else break;
  }
  return [{ ...current, ...extra } as Schema & Json, name];
}
