export type { AuthOptions, SessionValidator } from './auth.options';
export { AuthModule, type AuthModuleOptions } from './auth.module';
export { AUTH_OPTIONS } from './auth.tokens';
export { CurrentPrincipal, CurrentService, CurrentUser, PlatformAdminOnly, principalOf, Roles, Scopes } from './decorators';
export { AuthenticationGuard, AuthorizationGuard } from './guards';
export { JwtStrategy, TokenRejected } from './jwt.strategy';
export type { AccessTokenClaims, Principal, ServicePrincipal, UserPrincipal } from './principal';
export { readPem, SigningKeys, thumbprint, type PublicJwk } from './signing-keys';
export { verifyToken } from './verify-token';
