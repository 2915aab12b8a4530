// A real OAuth 2.1 authorization server on loopback for the auth tests: `oidc-provider` issuing client-credentials
// JWT access tokens bound (RFC 8707 resource indicator) to one MCP resource URL. Tests use it instead of a
// hand-made token mint so discovery, client authentication and the token format are the ones a real server sends.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The part of `oidc-provider`'s API used here (the package ships no type declarations). */
interface ProviderInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
interface ProviderClass {
  new (issuer: string, configuration: Record<string, unknown>): ProviderInstance;
  errors: { InvalidTarget: new () => Error };
}

/** A started authorization server; see {@link startOidcProvider}. */
export interface OidcProvider {
  /** The issuer URL, e.g. `http://127.0.0.1:41234` (what `AUTH_ISSUER` is set to). */
  issuer: string;
  /** The provider's JWKS URL (also discoverable from its metadata). */
  jwksUrl: string;
  /** A confidential client allowed the `client_credentials` grant (`client_secret_basic` or `_post`). */
  clientId: string;
  clientSecret: string;
  /** Obtains an access token (a JWT, `aud` = the resource) with the given scopes through the token endpoint. */
  tokenFor(scopes: string[]): Promise<string>;
  /** Stops the server (and drops its open connections). */
  close(): Promise<void>;
}

/**
 * The provider's storage, in this process's memory (its own development adapter works the same but warns on
 * every start); one instance per provider, so nothing is shared between tests.
 */
function memoryAdapter() {
  const items = new Map<string, Record<string, unknown>>();
  return class MemoryAdapter {
    constructor(readonly model: string) {}
    #key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>) {
      items.set(this.#key(id), payload);
    }
    async find(id: string) {
      return items.get(this.#key(id));
    }
    async findByUid(uid: string) {
      return [...items.values()].find((item) => item.uid === uid);
    }
    async findByUserCode(userCode: string) {
      return [...items.values()].find((item) => item.userCode === userCode);
    }
    async consume(id: string) {
      const item = items.get(this.#key(id));
      if (item) item.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      items.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, item] of items) if (item.grantId === grantId) items.delete(key);
    }
  };
}

/** Options of {@link startOidcProvider}. */
export interface OidcProviderOptions {
  /** The MCP endpoint URL tokens are issued for (the resource indicator and the tokens' `aud`). */
  resource: string;
  /** Scopes the resource server accepts and the client may request. Default `['mcp:tools', 'mcp:admin']`. */
  scopes?: string[];
}

/**
 * Starts `oidc-provider` on a free loopback port with `clientCredentials` and `resourceIndicators` enabled; every
 * resource indicator other than `o.resource` is refused, and a token request without one gets `o.resource`.
 *
 * @example
 * const as = await startOidcProvider({ resource: 'http://127.0.0.1:3000/mcp' });
 * const token = await as.tokenFor(['mcp:tools']);
 * await as.close();
 */
export async function startOidcProvider(o: OidcProviderOptions): Promise<OidcProvider> {
  const scopes = o.scopes ?? ['mcp:tools', 'mcp:admin'];
  const clientId = 'lambda-mcp-test-client';
  const clientSecret = 'test-secret-'.padEnd(48, 'x');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'oidc-test-rs256',
    alg: 'RS256',
    use: 'sig',
  };

  // Loaded by name at run time: the package is ESM without types, declared above as far as used.
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderClass };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: scopes.join(' '),
      },
    ],
    adapter: memoryAdapter(),
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    jwks: { keys: [signingKey as never] },
    scopes,
    ttl: { ClientCredentials: 600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => o.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => {
          if (resourceIndicator !== o.resource) throw new Provider.errors.InvalidTarget();
          return {
            scope: scopes.join(' '),
            audience: o.resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  // The provider logs its own development warnings through `console`; tests have no use for them.
  provider.on('server_error', () => {});
  server.on('request', provider.callback());

  const tokenEndpoint = `${issuer}/token`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId,
    clientSecret,
    async tokenFor(requested: string[]) {
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: o.resource,
          ...(requested.length > 0 ? { scope: requested.join(' ') } : {}),
        }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!response.ok || !body.access_token) {
        throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
      }
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
