// Who a caller is, as one string a session or task record can be bound to: the verified token's client and,
// when the token names one, its subject. A leaf, so the legs, the task runtime and the stores agree on it.
import type { AuthInfo } from '@modelcontextprotocol/server';

/**
 * The principal of a verified caller: `client <clientId>` or `client <clientId> sub <sub>` (each part
 * percent-encoded, so no two callers share a string), or `undefined` without auth info.
 *
 * @example
 * principalOf({ token: 't', clientId: 'agent', scopes: [], extra: { sub: 'alice' } }); // 'client agent sub alice'
 */
export function principalOf(authInfo: AuthInfo | undefined): string | undefined {
  if (!authInfo) return undefined;
  const sub = authInfo.extra?.sub;
  const client = `client ${encodeURIComponent(authInfo.clientId)}`;
  return typeof sub === 'string' && sub !== '' ? `${client} sub ${encodeURIComponent(sub)}` : client;
}
