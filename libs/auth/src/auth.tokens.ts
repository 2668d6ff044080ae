/** Injection tokens and metadata keys of the auth lib. */
export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
export const SESSION_VALIDATOR = Symbol('SESSION_VALIDATOR');
export const SERVICE_CLIENT_VALIDATOR = Symbol('SERVICE_CLIENT_VALIDATOR');
export const PERMISSION_KEY = 'auth:permission';
export const SCOPES_KEY = 'auth:scopes';
