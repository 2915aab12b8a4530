// The gate's answers before any key is needed (challenge headers, the query-string rule, a custom verifier bound
// to the resource) and the metadata documents: paths, resource URL, CORS, methods.
import { type AuthInfo, OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { resolveAuth } from './config.js';
import { createAuthGate } from './gate.js';
import { metadataResponse, resourceFor } from './metadata.js';

const issuer = 'https://auth.example.com';
const now = () => Date.now();
const onerror = (error: Error) => {
  throw error;
};

/** A verifier that accepts the token `good` (for `resource`, with `scopes`) and refuses anything else. */
function verifier(scopes: string[], resource = 'https://mcp.example/mcp') {
  return {
    verifyAccessToken: async (token: string): Promise<AuthInfo> => {
      if (token !== 'good') throw new OAuthError(OAuthErrorCode.InvalidToken, 'Unknown token');
      return {
        token,
        clientId: 'c',
        scopes,
        expiresAt: Math.floor(Date.now() / 1000) + 60,
        resource: new URL(resource),
      };
    },
  };
}

const request = (url: string, headers: Record<string, string> = {}, method = 'POST') =>
  new Request(url, { method, headers });

describe('the auth gate', () => {
  const metadata = 'https://mcp.example/.well-known/oauth-protected-resource/mcp';

  it('challenges a request without credentials with resource_metadata and scope, no error code', async () => {
    const gate = createAuthGate(resolveAuth({ issuer, requiredScopes: ['a', 'b'] }), { now, onerror });
    const response = (await gate.authenticate(request('https://mcp.example/mcp'))) as Response;
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${metadata}", scope="a b"`,
    );
    expect(gate.jwt).toBeUndefined(); // no token seen: jose not loaded
  });

  it('refuses an access_token query parameter before reading any header', async () => {
    const gate = createAuthGate(resolveAuth({ issuer, verifier: verifier([]) }), { now, onerror });
    const response = (await gate.authenticate(
      request('https://mcp.example/mcp?access_token=good', { authorization: 'Bearer good' }),
    )) as Response;
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="Access tokens must be sent in the Authorization header, never in the URI query string", resource_metadata="${metadata}"`,
    );
  });

  it('uses a custom verifier, binds its tokens to the resource, and answers 403 with the missing scope', async () => {
    const auth = resolveAuth({ issuer, requiredScopes: ['mcp:tools'], verifier: verifier(['mcp:tools']) });
    const gate = createAuthGate(auth, { now, onerror });
    const ok = await gate.authenticate(request('https://mcp.example/mcp', { authorization: 'bearer good' }));
    expect(ok).toMatchObject({ clientId: 'c', resourceMetadataUrl: metadata });
    const elsewhere = (await gate.authenticate(
      request('https://other.example/mcp', { authorization: 'Bearer good' }),
    )) as Response;
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get('www-authenticate')).toContain(
      'error_description="Token was not issued for this resource"',
    );
    const narrow = createAuthGate(
      resolveAuth({ issuer, requiredScopes: ['mcp:tools'], verifier: verifier([]) }),
      {
        now,
        onerror,
      },
    );
    const refused = (await narrow.authenticate(
      request('https://mcp.example/mcp', { authorization: 'Bearer good' }),
    )) as Response;
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="Insufficient scope", scope="mcp:tools", resource_metadata="${metadata}"`,
    );
    expect(await refused.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'Insufficient scope',
    });
  });
});

describe('protected resource metadata', () => {
  const auth = resolveAuth({ issuer, requiredScopes: ['mcp:tools'] });

  it('builds the resource from the request origin and the endpoint path, or takes the configured one', () => {
    expect(resourceFor(auth, request('https://mcp.example/mcp')).href).toBe('https://mcp.example/mcp');
    expect(resourceFor(auth, request('https://mcp.example/x'), '/mcp').href).toBe('https://mcp.example/mcp');
    const fixed = resolveAuth({ issuer, audience: 'https://api.example/prod/mcp' });
    expect(resourceFor(fixed, request('https://abc.execute-api.example/mcp')).href).toBe(
      'https://api.example/prod/mcp',
    );
  });

  it('serves the document at the root and suffixed paths, and nothing at other paths', async () => {
    const expected = {
      resource: 'https://mcp.example/mcp',
      authorization_servers: [issuer],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
    };
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const response = metadataResponse(auth, request(`https://mcp.example${path}`, {}, 'GET')) as Response;
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual(expected);
    }
    const custom = metadataResponse(
      auth,
      request('https://mcp.example/.well-known/oauth-protected-resource', {}, 'GET'),
      '/api',
    );
    expect(((await (custom as Response).json()) as { resource: string }).resource).toBe(
      'https://mcp.example/api',
    );
    expect(metadataResponse(auth, request('https://mcp.example/mcp', {}, 'GET'))).toBeUndefined();
    expect(
      metadataResponse(auth, request('https://mcp.example/.well-known/oauth-protected-resourcex', {}, 'GET')),
    ).toBeUndefined();
  });

  it('accepts a stage-stripped suffix of a configured resource, refuses other suffixes and methods', async () => {
    const staged = resolveAuth({ issuer, audience: 'https://api.example/prod/mcp' });
    const at = (path: string, method = 'GET') =>
      metadataResponse(staged, request(`https://api.example${path}`, {}, method)) as Response;
    expect(
      ((await at('/.well-known/oauth-protected-resource/mcp').json()) as { resource: string }).resource,
    ).toBe('https://api.example/prod/mcp');
    expect(at('/.well-known/oauth-protected-resource/prod/mcp').status).toBe(200);
    expect(at('/.well-known/oauth-protected-resource/other').status).toBe(404);
    const post = at('/.well-known/oauth-protected-resource', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const head = at('/.well-known/oauth-protected-resource', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(at('/.well-known/oauth-protected-resource', 'OPTIONS').status).toBe(204);
  });

  it('answers a custom verifier that fails (not a verdict on the token) with a 503 to retry, and reports it', async () => {
    const reported: Error[] = [];
    const broken = {
      verifyAccessToken: async (): Promise<AuthInfo> => Promise.reject(new Error('ECONNRESET')),
    };
    const gate = createAuthGate(resolveAuth({ issuer, verifier: broken }), {
      now,
      onerror: (error) => reported.push(error),
    });
    const failure = await gate
      .authenticate(request('https://mcp.example/mcp', { authorization: 'Bearer good' }))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect((failure as Error).message).toBe('Service Unavailable: the token verifier failed');
    expect(reported.map((error) => error.message)).toEqual([
      'Service Unavailable: the token verifier failed: ECONNRESET',
    ]);
  });
});
