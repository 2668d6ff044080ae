/** The SecretBox context of an organisation's provider key: a sealed key copied elsewhere does not open. */
export const apiKeyContext = (organizationId: string) => `${organizationId}:assistant-api-key`;
