import type { OpenAPIObject } from '@nestjs/swagger';
import { errorCodesByStatus, OPENAPI_PUBLIC } from '@ppt/observability';

/** How an app's routes authenticate, as the document's security schemes. */
export interface OpenApiSecurity {
  /** Scheme of every route that is neither @Public() nor says otherwise (e.g. api-server's `bearer`). */
  defaultScheme: string;
  schemes: Record<string, SecuritySchemeObject>;
  /** Authentication itself may be unknowable for a while (the portal asks api-server): 503 on signed-in routes. */
  authenticationMayBeUnavailable?: boolean;
}

export interface SecuritySchemeObject {
  type: 'http' | 'apiKey' | 'oauth2' | 'openIdConnect';
  scheme?: string;
  bearerFormat?: string;
  description?: string;
  [key: string]: unknown;
}

export interface DocumentCompletion {
  security: OpenApiSecurity;
  servers: { url: string; description: string }[];
  contact: { name: string; email?: string; url?: string };
  license: { name: string; url?: string; identifier?: string };
}

/** Read by completeOpenApiDocument: the route answers 429 (and 503 when its limit cannot be read). */
export const OPENAPI_RATE_LIMITED = 'x-ppt-rate-limited';
/** Set by @OptionalSignIn() (libs/auth): a bearer token is optional. */
export const OPENAPI_OPTIONAL_SIGN_IN = 'x-ppt-optional-sign-in';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const WRITES = new Set(['put', 'post', 'delete', 'patch']);

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
  security?: Record<string, string[]>[];
  [extension: `x-${string}`]: unknown;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid (VALIDATION_FAILED lists each field in `details`)',
  401: 'No valid credentials were sent',
  403: 'The caller may not do this',
  404: 'Not found (or not visible to the caller)',
  409: 'Refused: it conflicts with the current state',
  413: 'The request body is too large',
  415: 'The request body is of a media type or encoding this operation does not read',
  422: 'Refused by a business rule',
  429: 'Too many attempts; wait for Retry-After seconds',
  500: 'Unexpected server error (INTERNAL_ERROR; details are in the server log under the request id)',
  503: 'A dependency is unavailable; try again after Retry-After seconds',
};

/**
 * Makes the generated document tell the whole truth in one place instead of in every controller: the
 * error answers each operation can give (with the error envelope, each status's codes as an enum taken
 * from the features' error tables), its security (none for @Public(), optional for @OptionalSignIn(),
 * else the app's default scheme), a summary and tags where the controller gave none, and the document's
 * servers, contact and licence. Whatever a controller declared itself is kept.
 */
export function completeOpenApiDocument(
  document: OpenAPIObject,
  completion: DocumentCompletion,
): OpenAPIObject {
  const doc = structuredClone(document) as OpenAPIObject & {
    components: Json & { schemas: Json; responses?: Json };
  };
  doc.info = { ...doc.info, contact: completion.contact, license: completion.license };
  doc.servers = completion.servers;
  doc.components = { ...doc.components, schemas: doc.components?.schemas ?? {} } as typeof doc.components;
  doc.components['securitySchemes'] = completion.security.schemes;
  addErrorComponents(doc.components);
  allowNullInNullableEnums(doc);
  const usedStatuses = new Set<number>();

  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      completeOperation(operation, path, method, completion.security, usedStatuses);
    }
  }
  for (const status of errorCodesByStatus().keys()) {
    if (!usedStatuses.has(status)) {
      delete (doc.components.responses as Json)[`Error${status}`];
      delete doc.components.schemas[`Error${status}`];
    }
  }
  doc.tags = [
    ...new Set(Object.values(doc.paths).flatMap((item) => operationsOf(item).flatMap((op) => op.tags ?? []))),
  ]
    .sort()
    .map((name) => ({
      name,
      description: doc.tags?.find((t) => t.name === name)?.description ?? `${humanise(name)} operations`,
    }));
  return doc;
}

function operationsOf(item: unknown): Operation[] {
  return METHODS.map((m) => (item as Record<string, Operation | undefined>)[m]).filter(
    (op): op is Operation => !!op,
  );
}

function completeOperation(
  operation: Operation,
  path: string,
  method: string,
  security: OpenApiSecurity,
  usedStatuses: Set<number>,
): void {
  const isPublic = operation[OPENAPI_PUBLIC] === true;
  const optionalSignIn = operation[OPENAPI_OPTIONAL_SIGN_IN] === true;
  const rateLimited = operation[OPENAPI_RATE_LIMITED] === true;
  delete operation[OPENAPI_PUBLIC];
  delete operation[OPENAPI_OPTIONAL_SIGN_IN];
  delete operation[OPENAPI_RATE_LIMITED];

  const declared = (operation.security ?? []).filter((requirement) =>
    Object.keys(requirement).every((name) => name in security.schemes),
  );
  if (isPublic) {
    // A public route may still authenticate its client in another way (the token endpoint's client).
    operation.security = declared.filter((r) => !(security.defaultScheme in r));
    if (operation.security.length) operation.security.push({});
  } else if (optionalSignIn) {
    operation.security = [{ [security.defaultScheme]: [] }, {}];
  } else {
    operation.security = declared.length ? declared : [{ [security.defaultScheme]: [] }];
  }
  const authenticated = operation.security.some((r) => Object.keys(r).length > 0);

  const hasInput = !!operation.requestBody || (operation.parameters ?? []).length > 0;
  // A resource named in the path, or by id anywhere in a signed-in request (`?listingId=`, a body's
  // `buildingId`), may not exist or not be visible to the caller.
  const namesResource = /\{[^}]+\}/.test(path) || (authenticated && hasInput);
  const statuses: number[] = [];
  if (hasInput) statuses.push(400);
  // A rate-limited door checks a secret (password, client secret, invitation token): 401 when it is wrong.
  // (and 403 when the account may not use it yet, e.g. an unverified e-mail address).
  if (authenticated || rateLimited) statuses.push(401);
  if ((authenticated || rateLimited) && !optionalSignIn) statuses.push(403);
  if (namesResource) statuses.push(404);
  // A write may meet any refusal the features define: 409 conflict, 410 gone, 415 content it will
  // not keep (sniffed from stored bytes, not only the request's media type), 422 a business rule.
  if (WRITES.has(method)) statuses.push(...featureRefusals());
  if (operation.requestBody) statuses.push(413, 415);
  if (rateLimited) statuses.push(429);
  // 503 with Retry-After: a write that must reach Redis too (sessions, revocations, limits) or a
  // secret store refuses rather than half-succeed; the portal cannot check a sign-in without api-server.
  if (rateLimited || WRITES.has(method) || (authenticated && security.authenticationMayBeUnavailable)) {
    statuses.push(503);
  }

  // Any operation can fail unexpectedly: INTERNAL_ERROR with the envelope, never a stack trace.
  statuses.push(500);
  const codes = errorCodesByStatus();
  for (const status of statuses) {
    if (operation.responses[String(status)] || !codes.has(status)) continue;
    operation.responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
    usedStatuses.add(status);
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    // Nest leaves the description of a decorated success empty; an empty string is no description.
    if (!response['$ref'] && !response['description']) response['description'] = successDescription(status);
    // An error answer the controller described in words only still carries the envelope (and headers).
    const code = Number(status);
    if (code >= 400 && !response['$ref'] && !response['content'] && codes.has(code)) {
      const standard = `Error${code}`;
      response['content'] = { 'application/json': { schema: { $ref: `#/components/schemas/${standard}` } } };
      usedStatuses.add(code);
      const headers = errorHeaders(code);
      if (Object.keys(headers).length) response['headers'] = { ...headers, ...(response['headers'] as Json) };
    }
  }

  const [controller, handler] = (operation.operationId ?? '').split('_');
  if (!operation.tags?.length) operation.tags = [kebab((controller ?? 'default').replace(/Controller$/, ''))];
  if (!operation.summary) operation.summary = summaryOf(handler ?? method, controller ?? '');
}

/**
 * OpenAPI 3.0.3 §4.7.25.1: `nullable: true` does not widen an `enum`, so a nullable enum (Nest emits
 * `{ nullable: true, enum: [...] }` for `role: Role | null`) must list `null` itself, or validators
 * refuse the null the server sends.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNullInNullableEnums);
  if (!node || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema['nullable'] === true && Array.isArray(schema['enum']) && !schema['enum'].includes(null)) {
    schema['enum'] = [...schema['enum'], null];
  }
  for (const value of Object.values(schema)) allowNullInNullableEnums(value);
}

function successDescription(status: string): string {
  if (status === '201') return 'Created';
  if (status === '202') return 'Accepted';
  if (status === '204') return 'Done; no content';
  if (status.startsWith('3')) return 'Redirect';
  return 'OK';
}

function addErrorComponents(components: Json & { schemas: Json; responses?: Json }): void {
  components.schemas['ErrorDetail'] = {
    type: 'object',
    description: 'One reason the request was refused (for VALIDATION_FAILED: one field)',
    required: ['message'],
    properties: {
      field: { type: 'string', example: 'name', description: 'Path of the offending field' },
      message: { type: 'string', example: 'name must be a string' },
    },
    additionalProperties: true,
  };
  const responses: Json = { ...(components.responses ?? {}) };
  for (const [status, codes] of errorCodesByStatus()) {
    if (status > 500 && status !== 503) continue;
    components.schemas[`Error${status}`] = {
      type: 'object',
      description: `The error envelope of a ${status} answer`,
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: codes, example: codes[0] },
            message: { type: 'string', example: ERROR_DESCRIPTIONS[status] ?? 'Refused' },
            details: { type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } },
            requestId: { type: 'string', example: '6b0e2d4f-8a1c-4e3b-9d5f-7c2a4e6b8d10' },
            traceId: {
              type: 'string',
              pattern: '^[0-9a-f]{32}$',
              example: '4bf92f3577b34da6a3ce929d0e0e4736',
              description: 'W3C trace id of the request (when tracing is on)',
            },
          },
        },
      },
    };
    const headers = errorHeaders(status);
    responses[`Error${status}`] = {
      description: ERROR_DESCRIPTIONS[status] ?? `Error ${status}`,
      ...(Object.keys(headers).length ? { headers } : {}),
      content: { 'application/json': { schema: { $ref: `#/components/schemas/Error${status}` } } },
    };
  }
  components.responses = responses;
}

// Decided by the rules above (405 is routing's: a documented operation's method is allowed).
const STATUSES_BY_OWN_RULE = new Set([400, 401, 403, 404, 405, 413, 429]);

/** The 4xx statuses of the registered error codes other than those the rules above decide on. */
function featureRefusals(): number[] {
  return [...errorCodesByStatus().keys()].filter((s) => s >= 400 && s < 500 && !STATUSES_BY_OWN_RULE.has(s));
}

/** The headers that come with an error status (challenge, Retry-After, RateLimit fields). */
function errorHeaders(status: number): Json {
  const headers: Json = {};
  if (status === 401) {
    headers['WWW-Authenticate'] = {
      description: 'The authentication challenge (RFC 6750 Bearer, or Basic on the token endpoint)',
      schema: { type: 'string' },
    };
  }
  if (status === 429 || status === 503) {
    headers['Retry-After'] = {
      description: 'Seconds to wait before trying again',
      schema: { type: 'integer' },
    };
  }
  if (status === 429) {
    headers['RateLimit'] = {
      description: 'draft-ietf-httpapi-ratelimit-headers: `"<policy>";r=<remaining>;t=<seconds until reset>`',
      schema: { type: 'string', example: '"sign-in";r=0;t=60' },
    };
    headers['RateLimit-Policy'] = {
      description: 'draft-ietf-httpapi-ratelimit-headers: `"<policy>";q=<quota>;w=<window seconds>`',
      schema: { type: 'string', example: '"sign-in";q=10;w=900' },
    };
  }
  return headers;
}

const GENERIC_HANDLERS = new Set([
  'list',
  'get',
  'create',
  'update',
  'remove',
  'delete',
  'replace',
  'find',
  'search',
]);
/** One-word handlers that are verbs: "Add favorite". Any other one word is a noun: "Meter readings". */
const VERBS = new Set([
  'accept',
  'add',
  'approve',
  'archive',
  'assign',
  'cancel',
  'close',
  'comment',
  'complete',
  'confirm',
  'decline',
  'download',
  'delegate',
  'disable',
  'enable',
  'open',
  'pay',
  'publish',
  'reject',
  'reopen',
  'resolve',
  'restore',
  'retry',
  'revoke',
  'run',
  'send',
  'sign',
  'start',
  'upload',
  'withdraw',
]);

/**
 * `BuildingsController_list` → "List buildings", `FavoritesController_add` → "Add favorite",
 * `MetersController_readings` → "Meter readings", `AuthController_switchOrganization` → "Switch organization".
 */
function summaryOf(handler: string, controller: string): string {
  const words = humanise(handler);
  const plural = humanise(controller.replace(/Controller$/, '')).toLowerCase();
  const subject = handler === 'list' || handler === 'search' ? plural : singular(plural);
  if (words.includes(' ') || !subject || subject === words.toLowerCase()) return words;
  if (GENERIC_HANDLERS.has(handler) || VERBS.has(handler)) return `${words} ${subject}`;
  return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} ${words.toLowerCase()}`;
}

function singular(words: string): string {
  if (words.endsWith('ies')) return `${words.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes)$/.test(words)) return words.slice(0, -2);
  if (words.endsWith('ics')) return words;
  return words.endsWith('s') && !words.endsWith('ss') ? words.slice(0, -1) : words;
}

function humanise(name: string): string {
  const words = name
    .replace(/[-_]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
