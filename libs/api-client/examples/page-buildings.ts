// Signs in, pages through the organisation's buildings ten at a time and handles a refusal.
// Type-checked with the client (`tsc -p libs/api-client/tsconfig.json`); see docs/api-client.md.
// eslint-disable-next-line @nx/enforce-module-boundaries -- the example imports the package as its users do
import { createApiServerClient, isErrorEnvelope } from '@ppt/api-client';

export async function listAllBuildings(baseUrl: string, email: string, password: string): Promise<string[]> {
  const api = createApiServerClient({ baseUrl });

  const login = await api.POST('/api/v1/auth/login', { body: { email, password } });
  if (login.error) {
    // 401 INVALID_CREDENTIALS, 429 with Retry-After, 400 VALIDATION_FAILED with details per field…
    throw new Error(`sign-in refused: ${login.error.error.code} (${login.response.status})`);
  }
  const headers = { Authorization: `Bearer ${login.data.accessToken}` };

  const names: string[] = [];
  for (let offset = 0; ; offset += 10) {
    const page = await api.GET('/api/v1/buildings', { params: { query: { limit: 10, offset } }, headers });
    if (page.error) {
      if (isErrorEnvelope(page.error) && page.error.error.code === 'NO_ORGANIZATION') {
        throw new Error('choose an organisation first (POST /api/v1/auth/switch-organization)');
      }
      throw new Error(`listing buildings failed: ${page.error.error.message}`);
    }
    names.push(...page.data.items.map((building) => building.name));
    if (offset + page.data.items.length >= page.data.total) return names;
  }
}

/** The second page, as in the contract's "done when": `{ limit: 10, offset: 10 }`. */
export async function secondPageOfBuildings(baseUrl: string, accessToken: string) {
  const api = createApiServerClient({ baseUrl, headers: { Authorization: `Bearer ${accessToken}` } });
  const { data } = await api.GET('/api/v1/buildings', { params: { query: { limit: 10, offset: 10 } } });
  return data?.items ?? [];
}
