import type { MembershipRole } from '@ppt/db';

/** A signed-in person, acting in one organisation (or none: a portal visitor without membership). */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  sessionId: string;
  organizationId: string | null;
  role: MembershipRole | null;
  platformAdmin: boolean;
}

/** A service holding a client-credentials token (reality-server, an integration). */
export interface ServicePrincipal {
  kind: 'service';
  clientId: string;
  scopes: string[];
}

export type Principal = UserPrincipal | ServicePrincipal;

/** Claims of our RS256 access tokens (RFC 9068 plus our own). */
export interface AccessTokenClaims {
  iss: string;
  /** User tokens: api-server and the portal; service tokens: api-server only. */
  aud: string | string[];
  /** The OAuth client the token was issued to (the platform's own apps for a user's sign-in). */
  client_id?: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** `access` for a user's token, `service` for client credentials. */
  typ: 'access' | 'service';
  sid?: string;
  /** The session's generation when the token was issued; only the current one is accepted (0 when absent). */
  gen?: number;
  org?: string | null;
  role?: MembershipRole | null;
  /** Set (true) only for platform administrators. */
  padm?: boolean;
  scope?: string;
}
