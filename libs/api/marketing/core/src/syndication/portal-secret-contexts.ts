/**
 * The SecretBox contexts of a portal target's sealed fields (authenticated data): a sealed value
 * copied to another organisation, portal or field does not open there.
 */
export const credentialsContext = (organizationId: string, portal: string) => `${organizationId}:${portal}`;

export const inboundSecretsContext = (organizationId: string, portal: string) =>
  `${organizationId}:${portal}:inbound`;
