// A minimal authorization server for token edge cases: signing keys the test makes with `jose` (RS256 and
// ES256), their JWKS and the issuer's RFC 8414 metadata on a free loopback port, a count of every fetch, and a
// switch that takes the JWKS endpoint down. Tokens are signed here, so each test can bend one claim at a time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/** One signing key with its public JWK. */
export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A started key server; see {@link startKeyServer}. */
export interface KeyServer {
  issuer: string;
  jwksUrl: string;
  /** The keys published in the JWKS (tests may push or remove keys to simulate rotation). */
  published: TestKey[];
  /** Requests served, per path. */
  hits: Record<string, number>;
  /** While true, the JWKS path answers 503 (metadata keeps answering). */
  down: boolean;
  close(): Promise<void>;
}

/**
 * Makes a signing key.
 *
 * @example
 * const key = await makeKey('RS256', 'k1');
 */
export async function makeKey(alg: TestKey['alg'], kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * Starts the key server publishing `keys` at `/jwks`, with metadata at `/.well-known/oauth-authorization-server`.
 *
 * @example
 * const as = await startKeyServer([await makeKey('RS256', 'k1')]);
 */
export async function startKeyServer(keys: TestKey[]): Promise<KeyServer> {
  const state: KeyServer = {
    issuer: '',
    jwksUrl: '',
    published: [...keys],
    hits: {},
    down: false,
    close: async () => {},
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', state.issuer).pathname;
    state.hits[path] = (state.hits[path] ?? 0) + 1;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (path === '/.well-known/oauth-authorization-server') {
      json(200, {
        issuer: state.issuer,
        jwks_uri: state.jwksUrl,
        token_endpoint: `${state.issuer}/token`,
        response_types_supported: ['code'],
      });
    } else if (path === '/jwks') {
      if (state.down) json(503, { error: 'down' });
      else json(200, { keys: state.published.map((key) => key.publicJwk) });
    } else {
      json(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.jwksUrl = `${state.issuer}/jwks`;
  state.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return state;
}

/** Options of {@link signToken}: claims to set (undefined removes a default), and header overrides. */
export interface SignOptions {
  claims?: JWTPayload & Record<string, unknown>;
  /** Seconds from now; default 3600. */
  expiresIn?: number;
  kid?: string;
  /** Leave `kid` out of the header. */
  noKid?: boolean;
}

/**
 * Signs an access token with `key`: `iss`, `aud`, `client_id`, `sub`, `scope`, `iat`, `exp` by default.
 *
 * @example
 * const token = await signToken(key, { issuer, audience, claims: { scope: 'mcp:tools' } });
 */
export async function signToken(
  key: TestKey,
  o: { issuer: string; audience: string } & SignOptions,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: o.issuer,
    aud: o.audience,
    client_id: 'client-a',
    sub: 'user-a',
    scope: 'mcp:tools',
    iat: now,
    exp: now + (o.expiresIn ?? 3600),
    ...o.claims,
  };
  for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, ...(!o.noKid && { kid: o.kid ?? key.kid }), typ: 'at+jwt' })
    .sign(key.privateKey);
}
