// Verified claims → the SDK's AuthInfo: which claim names the client, where scopes come from, what becomes
// `resource`, and the scope test tools use.
import { OAuthError } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { authInfoFromClaims, hasScope } from './claims.js';

const base = { iss: 'https://as.example', exp: 1_900_000_000 };

describe('authInfoFromClaims', () => {
  it('maps client_id, scope, exp, a URL aud and sub/iss into AuthInfo', () => {
    expect(
      authInfoFromClaims(
        't',
        {
          ...base,
          client_id: 'agent',
          sub: 'alice',
          scope: 'mcp:tools  mcp:admin',
          aud: 'https://mcp.example/mcp',
        },
        'https://mcp.example/mcp',
      ),
    ).toEqual({
      token: 't',
      clientId: 'agent',
      scopes: ['mcp:tools', 'mcp:admin'],
      expiresAt: 1_900_000_000,
      resource: new URL('https://mcp.example/mcp'),
      extra: { sub: 'alice', iss: 'https://as.example' },
    });
  });

  it('takes the client from client_id, then azp, then cid, then sub', () => {
    const clientOf = (claims: Record<string, unknown>) =>
      authInfoFromClaims('t', { ...base, ...claims }).clientId;
    expect(clientOf({ client_id: 'a', azp: 'b', cid: 'c', sub: 'd' })).toBe('a');
    expect(clientOf({ azp: 'b', cid: 'c', sub: 'd' })).toBe('b');
    expect(clientOf({ cid: 'c', sub: 'd' })).toBe('c');
    expect(clientOf({ sub: 'd' })).toBe('d');
    expect(() => authInfoFromClaims('t', base)).toThrow(OAuthError);
  });

  it('reads scopes from `scp` as an array or a string when there is no `scope`', () => {
    expect(authInfoFromClaims('t', { ...base, sub: 's', scp: ['a', 'b', 3] }).scopes).toEqual(['a', 'b']);
    expect(authInfoFromClaims('t', { ...base, sub: 's', scp: 'a b' }).scopes).toEqual(['a', 'b']);
    expect(authInfoFromClaims('t', { ...base, sub: 's' }).scopes).toEqual([]);
  });

  it('sets resource only for a URL audience, the matched one of several', () => {
    const info = authInfoFromClaims(
      't',
      { ...base, sub: 's', aud: ['api://x', 'https://mcp.example/mcp'] },
      'https://mcp.example/mcp',
    );
    expect(info.resource?.href).toBe('https://mcp.example/mcp');
    expect(
      authInfoFromClaims('t', { ...base, sub: 's', aud: 'api://x' }, 'api://x').resource,
    ).toBeUndefined();
  });
});

describe('hasScope', () => {
  it('is true only for a scope the verified token holds', () => {
    const info = { token: 't', clientId: 'c', scopes: ['mcp:tools', 'mcp:admin'] };
    expect(hasScope(info, 'mcp:admin')).toBe(true);
    expect(hasScope(info, 'mcp')).toBe(false);
    expect(hasScope(undefined, 'mcp:admin')).toBe(false);
  });
});
