// The CLI's identities, as `test`, `connect` and `call` take them: a bearer token given outright (`--token`, or
// LAMBDA_MCP_TOKEN when the flag is absent) and/or client credentials (`--client-credentials <id>:<secret>`)
// for which a token is fetched from the authorization server the resource names, with the scopes `--scope` asks.

/** A confidential OAuth client's credentials (`--client-credentials <id>:<secret>`). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The auth flags of a command; all absent means requests go out without a token. */
export interface AuthSettings {
  /** `--token` (or LAMBDA_MCP_TOKEN): sent as is on every request. */
  token?: string;
  /** `--client-credentials`: a token is obtained with them (client_credentials grant). */
  clientCredentials?: ClientCredentials;
  /** `--scope`: the space-separated scopes to request instead of those the resource advertises. */
  scope?: string;
}

/**
 * Parses `--client-credentials <id>:<secret>` (split at the first colon: a secret may contain colons), or
 * throws an Error saying what is wrong (the command line turns it into a usage error, exit 2).
 *
 * @example
 * parseClientCredentials('my-client:s3cret'); // { clientId: 'my-client', clientSecret: 's3cret' }
 */
export function parseClientCredentials(value: string): ClientCredentials {
  const colon = value.indexOf(':');
  if (colon < 0) throw new Error('must be <client-id>:<client-secret> (no colon found)');
  const clientId = value.slice(0, colon);
  const clientSecret = value.slice(colon + 1);
  if (clientId === '') throw new Error('must be <client-id>:<client-secret> (the client id is empty)');
  if (clientSecret === '') throw new Error('must be <client-id>:<client-secret> (the secret is empty)');
  return { clientId, clientSecret };
}

/**
 * Checks a bearer token as given (`--token`, LAMBDA_MCP_TOKEN): one line of visible ASCII without spaces, as
 * RFC 6750's b64token allows; a "Bearer " prefix pasted with it is dropped. Throws an Error saying what is wrong.
 *
 * @example
 * parseToken('Bearer eyJhbGciOi…'); // 'eyJhbGciOi…'
 */
export function parseToken(value: string): string {
  const token = value.replace(/^\s*Bearer(?:\s+|$)/i, '').trim();
  if (token === '') throw new Error('must not be empty');
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token))
    throw new Error('must be a bearer token (letters, digits and -._~+/ only, no spaces)');
  return token;
}

/** Whether any identity is configured. */
export function hasIdentity(settings: AuthSettings | undefined): boolean {
  return settings?.token !== undefined || settings?.clientCredentials !== undefined;
}
