// The OAuth 2.1 resource-server settings: what a caller sets (`AuthOptions`, or the AUTH_* variables), checked
// once at start-up so a typo stops the process with a ConfigError naming the setting instead of letting every
// token fail. Kept free of `jose`: resolving options must not load the verifier on a server without auth.
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { ConfigError } from '../errors.js';

/** The scope that grants a caller the administrative tools unless configured otherwise. */
export const DEFAULT_ADMIN_SCOPE = 'mcp:admin';

/** Signature algorithms a token may use: asymmetric only, never `none` and never an HMAC. */
export const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;

/** Turns on token verification for every MCP request (see `LambdaMcpOptions.auth`). */
export interface AuthOptions {
  /** The authorization server's issuer URL; tokens must carry it as `iss` (`AUTH_ISSUER`). */
  issuer: string;
  /**
   * The `aud` a token must carry (`AUTH_AUDIENCE`). Default: the resource URL of the endpoint (the request's
   * origin and endpoint path). When it is an http(s) URL it is also the resource advertised in the metadata.
   */
  audience?: string;
  /**
   * Where the signing keys are (`AUTH_JWKS_URL`). Default: `jwks_uri` from the issuer's
   * `/.well-known/oauth-authorization-server`, else its `/.well-known/openid-configuration`.
   */
  jwksUrl?: string;
  /** Scopes every request needs (`AUTH_REQUIRED_SCOPES`, comma-separated). Default none. */
  requiredScopes?: readonly string[];
  /**
   * The OAuth clients whose tokens are accepted (`AUTH_CLIENT_IDS`, comma-separated), matched against
   * `client_id` (or `azp`, `cid`). With it and without `audience`, a token that carries no `aud` is accepted
   * (Amazon Cognito access tokens carry none); one that does must still name this resource. Default: any client.
   */
  clientIds?: readonly string[];
  /** The scope that grants the administrative tools (`AUTH_ADMIN_SCOPE`). Default `mcp:admin`. */
  adminScope?: string;
  /** Replaces the JWT verifier (opaque tokens, introspection); must fill `expiresAt`. */
  verifier?: OAuthTokenVerifier;
}

/** {@link AuthOptions} checked, with defaults applied; what the core and the verifier read. */
export interface ResolvedAuth {
  issuer: string;
  audience?: string;
  /** The configured resource URL (from an http(s) `audience`), else undefined: built per request. */
  resource?: URL;
  jwksUrl?: string;
  requiredScopes: readonly string[];
  clientIds?: readonly string[];
  adminScope: string;
  verifier?: OAuthTokenVerifier;
  /**
   * Scopes advertised as `scopes_supported`: the required ones only. Clients that follow the MCP scope
   * selection ask for every advertised scope, so the admin scope is not among them: least privilege by
   * default, and an administrator asks for it by name.
   */
  scopesSupported: string[];
}

/** The names settings are reported under: the option paths, or the environment variables. */
interface Names {
  issuer: string;
  audience: string;
  jwksUrl: string;
  requiredScopes: string;
  clientIds: string;
  adminScope: string;
}

const OPTION_NAMES: Names = {
  issuer: 'auth.issuer',
  audience: 'auth.audience',
  jwksUrl: 'auth.jwksUrl',
  requiredScopes: 'auth.requiredScopes',
  clientIds: 'auth.clientIds',
  adminScope: 'auth.adminScope',
};

const ENV_NAMES: Names = {
  issuer: 'AUTH_ISSUER',
  audience: 'AUTH_AUDIENCE',
  jwksUrl: 'AUTH_JWKS_URL',
  requiredScopes: 'AUTH_REQUIRED_SCOPES',
  clientIds: 'AUTH_CLIENT_IDS',
  adminScope: 'AUTH_ADMIN_SCOPE',
};

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks `options` and applies the defaults; throws a ConfigError naming the setting for an invalid value.
 *
 * @example
 * resolveAuth({ issuer: 'https://auth.example.com' }).adminScope; // 'mcp:admin'
 */
export function resolveAuth(options: AuthOptions, names: Names = OPTION_NAMES): ResolvedAuth {
  const issuer = checkUrl(options.issuer, names.issuer, true);
  const audience = options.audience;
  if (audience !== undefined && (typeof audience !== 'string' || audience.trim() === '')) {
    throw new ConfigError(`${names.audience} must be a non-empty string`);
  }
  const resource = audience !== undefined ? httpUrl(audience) : undefined;
  const jwksUrl = options.jwksUrl === undefined ? undefined : checkUrl(options.jwksUrl, names.jwksUrl);
  const requiredScopes = [...(options.requiredScopes ?? [])];
  for (const scope of requiredScopes) checkScope(scope, names.requiredScopes);
  const clientIds = options.clientIds === undefined ? undefined : [...options.clientIds];
  if (
    clientIds &&
    (clientIds.length === 0 || clientIds.some((id) => typeof id !== 'string' || id.trim() === ''))
  ) {
    throw new ConfigError(`${names.clientIds} must name at least one client id, none empty`);
  }
  const adminScope = options.adminScope ?? DEFAULT_ADMIN_SCOPE;
  checkScope(adminScope, names.adminScope);
  if (options.verifier !== undefined && typeof options.verifier?.verifyAccessToken !== 'function') {
    throw new ConfigError('auth.verifier must have a verifyAccessToken(token) method');
  }
  return {
    issuer,
    ...(audience !== undefined && { audience }),
    ...(resource && { resource }),
    ...(jwksUrl && { jwksUrl }),
    requiredScopes,
    ...(clientIds && { clientIds }),
    adminScope,
    ...(options.verifier && { verifier: options.verifier }),
    scopesSupported: [...requiredScopes],
  };
}

/**
 * Reads `AUTH_ISSUER` (turns auth on), `AUTH_AUDIENCE`, `AUTH_JWKS_URL`, `AUTH_REQUIRED_SCOPES` and
 * `AUTH_CLIENT_IDS` (comma-separated) and `AUTH_ADMIN_SCOPE`; `undefined` when no AUTH_* variable is set. Throws a ConfigError naming the key for an
 * invalid value, and for AUTH_* settings without `AUTH_ISSUER` (which would otherwise leave the endpoint open).
 *
 * @example
 * authFromEnv({ AUTH_ISSUER: 'https://auth.example.com', AUTH_REQUIRED_SCOPES: 'mcp:tools' });
 */
export function authFromEnv(env: NodeJS.ProcessEnv): AuthOptions | undefined {
  const read = (key: string) => {
    const value = env[key]?.trim();
    return value === '' ? undefined : value;
  };
  const issuer = read(ENV_NAMES.issuer);
  const others = [
    ENV_NAMES.audience,
    ENV_NAMES.jwksUrl,
    ENV_NAMES.requiredScopes,
    ENV_NAMES.clientIds,
    ENV_NAMES.adminScope,
  ];
  if (issuer === undefined) {
    const set = others.find((key) => read(key) !== undefined);
    if (set) throw new ConfigError(`${set} is set but AUTH_ISSUER is not; set AUTH_ISSUER to turn auth on`);
    return undefined;
  }
  const list = (key: string, what: string) => {
    const items = read(key)
      ?.split(',')
      .map((item) => item.trim());
    if (items?.some((item) => item === '')) {
      throw new ConfigError(`${key} must be comma-separated ${what}; got "${env[key]}"`);
    }
    return items;
  };
  const scopes = list(ENV_NAMES.requiredScopes, 'scopes');
  const clientIds = list(ENV_NAMES.clientIds, 'client ids');
  const options: AuthOptions = { issuer };
  const audience = read(ENV_NAMES.audience);
  if (audience !== undefined) options.audience = audience;
  const jwksUrl = read(ENV_NAMES.jwksUrl);
  if (jwksUrl !== undefined) options.jwksUrl = jwksUrl;
  if (scopes) options.requiredScopes = scopes;
  if (clientIds) options.clientIds = clientIds;
  const adminScope = read(ENV_NAMES.adminScope);
  if (adminScope !== undefined) options.adminScope = adminScope;
  resolveAuth(options, ENV_NAMES);
  return options;
}

/** Whether `url` may be fetched over plain http: only on loopback, for local runs and tests. */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

function checkUrl(value: unknown, name: string, isIssuer = false): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigError(`${name} must be an absolute URL; got "${String(value)}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    throw new ConfigError(`${name} must be an https URL (http only on localhost); got "${String(value)}"`);
  }
  if (isIssuer && (url.search || url.hash)) {
    throw new ConfigError(`${name} must not have a query or fragment; got "${String(value)}"`);
  }
  // The issuer is compared with `iss` exactly as configured; other URLs are used as parsed.
  return isIssuer ? String(value) : url.href;
}

function checkScope(scope: unknown, name: string): void {
  if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
    throw new ConfigError(`${name} must be OAuth scope tokens (no spaces or quotes); got "${String(scope)}"`);
  }
}

/** `value` as an http(s) URL without fragment, or undefined when it is not one. */
function httpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    url.hash = '';
    return url;
  } catch {
    return undefined;
  }
}
