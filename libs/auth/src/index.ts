export type { AuthOptions, ServiceClientValidator, SessionValidator } from './auth.options';
export { AuthModule, type AuthModuleOptions } from './auth.module';
export { ACCESS_TOKEN_TYPE, bearerChallenge, CLOCK_TOLERANCE_S } from './bearer-challenge';
export { AUTH_OPTIONS } from './auth.tokens';
export {
  CurrentPrincipal,
  CurrentService,
  CurrentUser,
  principalOf,
  RequirePermission,
  Scopes,
} from './decorators';
export { AuthenticationGuard, AuthorizationGuard } from './guards';
export { permissionMatrix, permissionsDocument } from './permission-matrix';
export {
  can,
  grantOf,
  Permission,
  PLATFORM_ADMIN,
  ROLE_PERMISSIONS,
  ROLES,
  rolesWith,
  SIGNED_IN,
  type Actor,
  type Grant,
  type OwnedResource,
  type Role,
} from './permissions';
export { JwtStrategy, TokenRejected } from './jwt.strategy';
export { MemoryTtlCache } from './memory-cache';
export {
  listenForSessionRevocations,
  sessionChangedChannel,
  sessionRevokedChannel,
  SESSION_CHANGED_CHANNEL,
  SESSION_REVOKED_CHANNEL,
  type SessionRevocationHandlers,
} from './session-revocations';
export type { AccessTokenClaims, Principal, ServicePrincipal, UserPrincipal } from './principal';
export { readPem, SigningKeys, thumbprint, type PublicJwk } from './signing-keys';
export { verifyToken } from './verify-token';
// Single sign-on for the Reality Portal (tokens issued by api-server, sessions confirmed by introspection).
export { AnswerSigner } from './sso/answer-signer';
export { ApiServerReadiness } from './sso/api-server.readiness';
export { IdentityProviderClient, type IntrospectionAnswer } from './sso/identity-provider.client';
export { SsoAuthenticator } from './sso/sso-authenticator';
export { SsoErrorCode } from './sso/sso.errors';
export { SsoModule, type SsoModuleOptions } from './sso/sso.module';
export type { SsoOptions } from './sso/sso.options';
export { OptionalVisitor, Visitor } from './sso/visitor.decorators';
export { OptionalSignIn, VisitorGuard } from './sso/visitor.guard';
export { visitorOf, type VisitorPrincipal } from './sso/visitor';
