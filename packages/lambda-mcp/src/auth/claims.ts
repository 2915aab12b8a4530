// Verified JWT claims as the SDK's `AuthInfo`, the one shape both protocol eras hand the factory, and the scope
// test a tool uses to decide whether its caller may run it. No `jose` here: `hasScope` is public and light.
import { type AuthInfo, OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';

/**
 * The `AuthInfo` of a verified token: `clientId` from `client_id`, `azp` or `cid` (Okta), else `sub`; `scopes` from
 * `scope` (space-separated) or `scp` (array or string); `expiresAt` = `exp`; `resource` when the matched `aud` is
 * a URL; `extra` with `sub` and `iss`. Throws `OAuthError(invalid_token)` for a token naming no client.
 *
 * @example
 * authInfoFromClaims('eyJ…', { client_id: 'agent', scope: 'mcp:tools', exp: 1900000000, iss: 'https://as' }, 'https://mcp/mcp');
 */
export function authInfoFromClaims(
  token: string,
  claims: Record<string, unknown>,
  audience?: string,
): AuthInfo {
  const clientId = [claims.client_id, claims.azp, claims.cid, claims.sub].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  if (!clientId) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Token names no client');
  const extra: Record<string, unknown> = {};
  if (typeof claims.sub === 'string') extra.sub = claims.sub;
  if (typeof claims.iss === 'string') extra.iss = claims.iss;
  const info: AuthInfo = { token, clientId, scopes: scopesOf(claims), extra };
  if (typeof claims.exp === 'number') info.expiresAt = claims.exp;
  const resource = resourceOf(claims.aud, audience);
  if (resource) info.resource = resource;
  return info;
}

/**
 * Whether the caller's verified token holds `scope`; false without auth info. Tools gate administrative actions
 * with it and `ctx.auth.adminScope`.
 *
 * @example
 * if (!hasScope(ctx.authInfo, ctx.auth?.adminScope ?? 'mcp:admin')) throw new Error('admin only');
 */
export function hasScope(authInfo: AuthInfo | undefined, scope: string): boolean {
  return authInfo?.scopes.includes(scope) ?? false;
}

function scopesOf(claims: Record<string, unknown>): string[] {
  const words = (text: string) => text.split(' ').filter(Boolean);
  if (typeof claims.scope === 'string') return words(claims.scope);
  if (Array.isArray(claims.scp)) return claims.scp.filter((s): s is string => typeof s === 'string');
  if (typeof claims.scp === 'string') return words(claims.scp);
  return [];
}

/** The audience the token was accepted for, as a URL when it is one. */
function resourceOf(aud: unknown, audience: string | undefined): URL | undefined {
  const values = Array.isArray(aud) ? aud : [aud];
  const chosen = audience !== undefined && values.includes(audience) ? audience : values[0];
  if (typeof chosen !== 'string' || !/^https?:\/\//i.test(chosen)) return undefined;
  try {
    return new URL(chosen);
  } catch {
    return undefined;
  }
}
