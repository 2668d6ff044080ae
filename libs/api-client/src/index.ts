import createClient, { type ClientOptions } from 'openapi-fetch';
import type { components as ApiServerComponents, paths as ApiServerPaths } from './generated/api-server';
import type {
  components as RealityServerComponents,
  paths as RealityServerPaths,
} from './generated/reality-server';

export type { ApiServerComponents, ApiServerPaths, RealityServerComponents, RealityServerPaths };

/** A JSON error envelope as both APIs send it: `{"error":{"code","message","details"?,"requestId"}}`. */
export interface ApiErrorEnvelope {
  error: {
    code: string;
    message: string;
    details?: { field?: string; message: string }[];
    requestId?: string;
  };
}

/**
 * A typed client of the PM API (api-server): paths, parameters, bodies and answers come from its
 * OpenAPI document (docs/openapi/api-server.json). `baseUrl` is the server's origin, e.g. http://localhost:3000.
 */
export function createApiServerClient(options: ClientOptions & { baseUrl: string }) {
  return createClient<ApiServerPaths>(options);
}

/** A typed client of the Reality Portal API (reality-server), from docs/openapi/reality-server.json. */
export function createRealityServerClient(options: ClientOptions & { baseUrl: string }) {
  return createClient<RealityServerPaths>(options);
}

/** Whether an answer's body is the error envelope (every error except the OAuth endpoints' RFC 6749 ones). */
export function isErrorEnvelope(body: unknown): body is ApiErrorEnvelope {
  const error = (body as { error?: unknown } | null)?.error;
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
  );
}
