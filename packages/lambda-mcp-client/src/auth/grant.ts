// The client-credentials grant against the authorization server a protected MCP resource names, with the SDK's
// own OAuth client code: an MCP request without a token (its 401 challenge carries `resource_metadata` and
// maybe `scope`), the resource's RFC 9728 metadata (from the challenge, else the well-known URLs), the first of
// its `authorization_servers`, that server's RFC 8414 / OpenID metadata, then a token request with HTTP Basic
// client authentication, the RFC 8707 `resource` and the scopes chosen as the MCP spec orders them.
import {
  type AuthorizationServerMetadata,
  ClientCredentialsProvider,
  checkResourceAllowed,
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
  fetchToken,
} from '@modelcontextprotocol/client';
import type { FetchFn } from '../sdk.js';
import type { ClientCredentials } from './settings.js';
import { CachedTokenSource, type IssuedToken } from './token-source.js';

/** What discovery found: where to ask for a token, for which resource, with which scopes. */
export interface TokenRequestPlan {
  authorizationServerUrl: string;
  metadata: AuthorizationServerMetadata;
  /** The resource indicator sent as `resource` (the metadata's `resource`). */
  resource: string;
  /** Space-separated; absent when neither the flag, the challenge nor the metadata names any. */
  scope?: string;
}

/** The message of anything thrown. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Finds the token endpoint for the MCP resource at `url`: the 401 challenge of a request without a token,
 * the protected resource metadata it points to (or the well-known one), then its first authorization
 * server's metadata. Rejects, saying which step failed, when any is missing or inconsistent.
 *
 * @example
 * const plan = await discoverTokenRequest(new URL('https://mcp.example.com/mcp'), fetch);
 * console.log(plan.metadata.token_endpoint, plan.scope);
 */
export async function discoverTokenRequest(
  url: URL,
  fetchFn: FetchFn,
  scopeFlag?: string,
): Promise<TokenRequestPlan> {
  let challenge: ReturnType<typeof extractWWWAuthenticateParams> = {};
  try {
    const probe = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'lambda-mcp-client-auth', method: 'ping' }),
    });
    await probe.body?.cancel();
    if (probe.status === 401) challenge = extractWWWAuthenticateParams(probe);
  } catch (error) {
    throw new Error(`could not reach ${url.href} to find its authorization server: ${reason(error)}`);
  }
  let info: Awaited<ReturnType<typeof discoverOAuthServerInfo>>;
  try {
    info = await discoverOAuthServerInfo(url, {
      fetchFn,
      ...(challenge.resourceMetadataUrl && { resourceMetadataUrl: challenge.resourceMetadataUrl }),
    });
  } catch (error) {
    throw new Error(`could not discover the authorization server of ${url.href}: ${reason(error)}`);
  }
  const resourceMetadata = info.resourceMetadata;
  if (!resourceMetadata?.authorization_servers?.length) {
    const where = challenge.resourceMetadataUrl?.href ?? 'the well-known oauth-protected-resource URLs';
    throw new Error(
      `${url.href} publishes no protected resource metadata naming an authorization server (${where}); ` +
        'pass a token with --token instead',
    );
  }
  if (!checkResourceAllowed({ requestedResource: url, configuredResource: resourceMetadata.resource })) {
    throw new Error(
      `the protected resource metadata is for ${resourceMetadata.resource}, not ${url.href}: refusing to ask ` +
        'for a token for another resource',
    );
  }
  const metadata = info.authorizationServerMetadata;
  if (!metadata?.token_endpoint) {
    throw new Error(`the authorization server ${info.authorizationServerUrl} publishes no token_endpoint`);
  }
  const scope = scopeFlag ?? challenge.scope ?? resourceMetadata.scopes_supported?.join(' ');
  return {
    authorizationServerUrl: info.authorizationServerUrl,
    metadata,
    resource: resourceMetadata.resource,
    ...(scope && { scope }),
  };
}

/**
 * Requests a token with `credentials` as `plan` says (HTTP Basic client authentication where the server
 * offers it), through the SDK's `fetchToken`.
 *
 * @example
 * const { accessToken, expiresIn } = await requestToken(plan, { clientId: 'c', clientSecret: 's' }, fetch);
 */
export async function requestToken(
  plan: TokenRequestPlan,
  credentials: ClientCredentials,
  fetchFn: FetchFn,
): Promise<IssuedToken> {
  const provider = new ClientCredentialsProvider({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    clientName: 'lambda-mcp-client',
    expectedIssuer: plan.metadata.issuer,
    ...(plan.scope && { scope: plan.scope }),
  });
  let tokens: Awaited<ReturnType<typeof fetchToken>>;
  try {
    tokens = await fetchToken(provider, plan.authorizationServerUrl, {
      metadata: plan.metadata,
      resource: plan.resource,
      ...(plan.scope && { scope: plan.scope }),
      fetchFn,
    });
  } catch (error) {
    throw new Error(
      `the token endpoint ${plan.metadata.token_endpoint} refused the client credentials: ${reason(error)}`,
    );
  }
  if (tokens.token_type.toLowerCase() !== 'bearer') {
    throw new Error(
      `the token endpoint issued a ${tokens.token_type} token; only Bearer tokens are supported`,
    );
  }
  return {
    accessToken: tokens.access_token,
    ...(tokens.expires_in !== undefined && { expiresIn: tokens.expires_in }),
  };
}

/**
 * The token source of `--client-credentials`: discovery on first use (once), then a token cached until
 * shortly before it expires.
 *
 * @example
 * const source = clientCredentialsSource(url, { clientId: 'c', clientSecret: 's' }, undefined, fetch);
 * const token = await source.token();
 */
export function clientCredentialsSource(
  url: URL,
  credentials: ClientCredentials,
  scope: string | undefined,
  fetchFn: FetchFn,
): CachedTokenSource {
  let plan: Promise<TokenRequestPlan> | undefined;
  return new CachedTokenSource(async () => {
    plan ??= discoverTokenRequest(url, fetchFn, scope).catch((error: unknown) => {
      plan = undefined;
      throw error;
    });
    return requestToken(await plan, credentials, fetchFn);
  }, `--client-credentials ${credentials.clientId}`);
}
