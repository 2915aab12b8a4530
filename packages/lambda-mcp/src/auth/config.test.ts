// The auth settings: defaults, the checks that stop start-up (each naming its option or variable), and how the
// AUTH_* variables map onto the option.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { authFromEnv, DEFAULT_ADMIN_SCOPE, resolveAuth } from './config.js';

describe('resolveAuth', () => {
  it('applies the defaults and advertises the required scopes only (never the admin scope)', () => {
    expect(resolveAuth({ issuer: 'https://auth.example.com', requiredScopes: ['mcp:tools'] })).toEqual({
      issuer: 'https://auth.example.com',
      requiredScopes: ['mcp:tools'],
      adminScope: DEFAULT_ADMIN_SCOPE,
      scopesSupported: ['mcp:tools'],
    });
  });

  it('keeps the issuer exactly as given (it is compared with `iss` as a string)', () => {
    expect(resolveAuth({ issuer: 'https://auth.example.com/tenant/' }).issuer).toBe(
      'https://auth.example.com/tenant/',
    );
  });

  it('takes an http(s) audience as the resource URL too, and any other audience as a plain value', () => {
    expect(
      resolveAuth({ issuer: 'https://a.example', audience: 'https://mcp.example/prod/mcp#x' }).resource?.href,
    ).toBe('https://mcp.example/prod/mcp');
    const opaque = resolveAuth({ issuer: 'https://a.example', audience: 'api://mcp' });
    expect(opaque.audience).toBe('api://mcp');
    expect(opaque.resource).toBeUndefined();
  });

  it('allows plain http only on loopback', () => {
    expect(resolveAuth({ issuer: 'http://127.0.0.1:9000' }).issuer).toBe('http://127.0.0.1:9000');
    expect(resolveAuth({ issuer: 'http://localhost:9000' }).issuer).toBe('http://localhost:9000');
    expect(() => resolveAuth({ issuer: 'http://auth.example.com' })).toThrow(
      'auth.issuer must be an https URL (http only on localhost); got "http://auth.example.com"',
    );
  });

  it('names the option of each invalid value', () => {
    const bad: [Parameters<typeof resolveAuth>[0], string][] = [
      [{ issuer: 'nope' }, 'auth.issuer must be an absolute URL; got "nope"'],
      [
        { issuer: 'https://a.example#f' },
        'auth.issuer must not have a query or fragment; got "https://a.example#f"',
      ],
      [{ issuer: 'https://a.example', audience: ' ' }, 'auth.audience must be a non-empty string'],
      [{ issuer: 'https://a.example', jwksUrl: 'file:///keys' }, 'auth.jwksUrl must be an https URL'],
      [
        { issuer: 'https://a.example', requiredScopes: ['two words'] },
        'auth.requiredScopes must be OAuth scope tokens',
      ],
      [{ issuer: 'https://a.example', adminScope: '' }, 'auth.adminScope must be OAuth scope tokens'],
      [
        { issuer: 'https://a.example', clientIds: [] },
        'auth.clientIds must name at least one client id, none empty',
      ],
      [
        { issuer: 'https://a.example', verifier: {} as never },
        'auth.verifier must have a verifyAccessToken(token) method',
      ],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveAuth(options)).toThrow(ConfigError);
      expect(() => resolveAuth(options)).toThrow(message);
    }
  });
});

describe('authFromEnv', () => {
  it('is off without AUTH_ISSUER', () => {
    expect(authFromEnv({})).toBeUndefined();
    expect(authFromEnv({ AUTH_ISSUER: '  ' })).toBeUndefined();
  });

  it('refuses AUTH_* settings without AUTH_ISSUER, which would leave the endpoint open', () => {
    for (const key of [
      'AUTH_AUDIENCE',
      'AUTH_JWKS_URL',
      'AUTH_REQUIRED_SCOPES',
      'AUTH_CLIENT_IDS',
      'AUTH_ADMIN_SCOPE',
    ]) {
      expect(() => authFromEnv({ [key]: 'x' })).toThrow(`${key} is set but AUTH_ISSUER is not`);
    }
  });

  it('splits AUTH_REQUIRED_SCOPES on commas and names the variable of a bad value', () => {
    expect(
      authFromEnv({ AUTH_ISSUER: 'https://a.example', AUTH_REQUIRED_SCOPES: ' mcp:tools ,mcp:read' }),
    ).toEqual({
      issuer: 'https://a.example',
      requiredScopes: ['mcp:tools', 'mcp:read'],
    });
    expect(() => authFromEnv({ AUTH_ISSUER: 'https://a.example', AUTH_REQUIRED_SCOPES: 'a,' })).toThrow(
      'AUTH_REQUIRED_SCOPES must be comma-separated scopes; got "a,"',
    );
    expect(() => authFromEnv({ AUTH_ISSUER: 'ftp://a.example' })).toThrow(
      /^AUTH_ISSUER must be an https URL/,
    );
    expect(() => authFromEnv({ AUTH_ISSUER: 'https://a.example', AUTH_JWKS_URL: 'x' })).toThrow(
      /^AUTH_JWKS_URL must be an absolute URL/,
    );
    expect(() => authFromEnv({ AUTH_ISSUER: 'https://a.example', AUTH_ADMIN_SCOPE: 'a\\b' })).toThrow(
      /^AUTH_ADMIN_SCOPE must be OAuth scope tokens/,
    );
  });
});
