/**
 * An organisation id that came from a trusted place: the tenant the auth guard resolved (through the
 * tenant unit of work, which also sets row-level security to it) or a row the database returned. Tenant
 * repositories take only this type, so a call with a plain string from a request body does not compile.
 */
export type OrganizationId = string & { readonly __brand: 'OrganizationId' };

/**
 * The one constructor of OrganizationId. Lint (no-restricted-syntax in eslint.config.mjs) allows calls
 * only in the files that hold a trusted id; everywhere else, take it from a tenant transaction.
 */
export function trustedOrganizationId(value: string): OrganizationId {
  return value as OrganizationId;
}
