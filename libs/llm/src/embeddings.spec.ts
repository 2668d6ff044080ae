import { embeddingIdentity, EMBEDDING_IDENTITY_MAX_LENGTH } from './embeddings';
import { breakerKeyOf, embeddingsBreakerKeyOf, endpointOf } from './providers';

describe('embedding identity and endpoint names', () => {
  it('names an endpoint without credentials, query or trailing slashes, host in lower case', () => {
    // Userinfo set apart, so no credential-shaped literal sits in the source.
    const withUserinfo = new URL('https://API.Example.COM:8443/v1/?key=k#x');
    withUserinfo.username = 'user';
    withUserinfo.password = 'pw';
    expect(endpointOf(withUserinfo.href)).toBe(
      'https://api.example.com:8443/v1',
    );
    expect(endpointOf('http://127.0.0.1:11434/v1//')).toBe('http://127.0.0.1:11434/v1');
    // Not a URL: still no userinfo or query.
    expect(endpointOf('weird://u:p@host path?key=1')).not.toMatch(/u:p|key/);
  });

  it('builds the identity from the chat breaker key, so two spellings of one endpoint are one model', () => {
    const a = embeddingIdentity({ baseUrl: 'https://API.openai.com/v1/', model: 'text-embedding-3-small' });
    const b = embeddingIdentity({ baseUrl: 'https://api.openai.com/v1?key=sk-1', model: 'text-embedding-3-small' });
    expect(a).toBe('openai https://api.openai.com/v1 text-embedding-3-small');
    expect(b).toBe(a);
    expect(a.startsWith(breakerKeyOf({ provider: 'openai', baseUrl: 'https://api.openai.com/v1' }))).toBe(true);
    expect(embeddingsBreakerKeyOf({ provider: 'openai', baseUrl: 'https://api.openai.com/v1/' })).toBe(
      'embeddings openai https://api.openai.com/v1',
    );
    expect(a.length).toBeLessThan(EMBEDDING_IDENTITY_MAX_LENGTH);
  });
});
