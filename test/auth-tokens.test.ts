// OAuth resource-server edge cases over the real core and the real node adapter: tokens this test signs with
// its own RS256 and ES256 keys, published by a loopback JWKS + issuer-metadata server whose every hit is counted.
// Each bad token gets the exact 401 challenge, a missing scope the 403 with `scope=`, an unreachable JWKS a 503
// (while a cached key keeps working), a 2025 session stays with the principal that opened it, and the factory
// sees the verified `authInfo` in both eras.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type AuthInfo, McpServer } from '@modelcontextprotocol/server';
import { exportSPKI, SignJWT } from 'jose';
import {
  ConfigError,
  createLambdaMcp,
  type LambdaMcpContext,
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  optionsFromEnv,
} from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { type LocalMcpServer, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  albEvent,
  functionUrlEvent,
  restApiEvent,
} from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { ACCEPT_BOTH, initializeMessage, TEST_KEY } from './helpers.js';
import { type KeyServer, makeKey, signToken, startKeyServer, type TestKey } from './support/jwt-keys.js';

let rs: TestKey;
let es: TestKey;
let as: KeyServer;
const servers: LocalMcpServer[] = [];
/** Added to the handlers' clock, to step past the JWKS refetch cooldown without waiting. */
let clockShift = 0;

/** What the factory saw of the caller, per request. */
const seen: { era: string; authInfo?: AuthInfo; auth?: LambdaMcpContext['auth'] }[] = [];

function factory(ctx: LambdaMcpContext): McpServer {
  seen.push({
    era: ctx.era,
    ...(ctx.authInfo && { authInfo: ctx.authInfo }),
    ...(ctx.auth && { auth: ctx.auth }),
  });
  const server = new McpServer(
    { name: 'auth-test', version: '1.0.0' },
    { requestState: { verify: ctx.requestState.verify } },
  );
  server.registerTool('whoami', { description: 'Who is calling' }, async () => ({
    content: [
      {
        type: 'text',
        text: JSON.stringify({ clientId: ctx.authInfo?.clientId, isAdmin: ctx.auth?.isAdmin ?? null }),
      },
    ],
  }));
  return server;
}

async function start(options: LambdaMcpOptions = {}) {
  const errors: Error[] = [];
  const handler: LambdaMcpHandler = createLambdaMcp(factory, {
    requestStateKey: TEST_KEY,
    auth: { issuer: as.issuer, requiredScopes: ['mcp:tools'] },
    now: () => Date.now() + clockShift,
    onerror: (error) => errors.push(error),
    ...options,
  });
  const local = await serveLocal(handler, { port: 0, host: '127.0.0.1' });
  servers.push(local);
  const metadataUrl = local.url.replace('/mcp', '/.well-known/oauth-protected-resource/mcp');
  return { url: local.url, metadataUrl, errors };
}

let main: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  [rs, es] = await Promise.all([makeKey('RS256', 'rs1'), makeKey('ES256', 'es1')]);
  as = await startKeyServer([rs, es]);
  main = await start();
});

afterAll(async () => {
  for (const server of servers.splice(0)) await server.close();
  await as?.close();
});

const token = (key: TestKey, o: Parameters<typeof signToken>[1] extends infer T ? Partial<T> : never = {}) =>
  signToken(key, { issuer: as.issuer, audience: main.url, ...o });

function initialize(url: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...headers },
    body: JSON.stringify(initializeMessage()),
  });
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

/** The challenge the SDK builds for an `invalid_token` refusal with `description`. */
function invalid(description: string, metadataUrl = main.metadataUrl) {
  return `Bearer error="invalid_token", error_description="${description}", scope="mcp:tools", resource_metadata="${metadataUrl}"`;
}

async function expectRefused(response: Response, challenge: string, status = 401) {
  expect(response.status).toBe(status);
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  await response.body?.cancel();
}

describe('bearer tokens on every MCP request', () => {
  it('accepts RS256 and ES256 tokens, and the lowercase scheme', async () => {
    for (const key of [rs, es]) {
      const response = await initialize(main.url, bearer(await token(key)));
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
    const lower = await initialize(main.url, { authorization: `bearer ${await token(rs)}` });
    expect(lower.status).toBe(200);
    await lower.body?.cancel();
  });

  it('answers a request without a token with the bare challenge naming the metadata and the scope', async () => {
    const response = await initialize(main.url);
    await expectRefused(response, `Bearer resource_metadata="${main.metadataUrl}", scope="mcp:tools"`);
    for (const method of ['GET', 'DELETE']) {
      const other = await fetch(main.url, { method, headers: { accept: 'text/event-stream' } });
      await expectRefused(other, `Bearer resource_metadata="${main.metadataUrl}", scope="mcp:tools"`);
    }
  });

  it('refuses each bad token with 401 invalid_token and the exact challenge', async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = await makeKey('RS256', 'rs1');
    const valid = await token(rs);
    const [header, payload] = valid.split('.') as [string, string];
    const tampered = `${header}.${Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        scope: 'mcp:tools mcp:admin',
      }),
    ).toString('base64url')}.${valid.split('.')[2]}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const hmac = await new SignJWT({ iss: as.issuer, aud: main.url, client_id: 'x', scope: 'mcp:tools' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rs1' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(await exportSPKI(await importPublic(rs))));
    const cases: [string, string][] = [
      [await token(rs, { expiresIn: -120 }), 'Token has expired'],
      [await token(rs, { claims: { nbf: now + 300 } }), 'Token is not yet valid'],
      [
        await token(rs, { audience: 'https://elsewhere.example/mcp' }),
        'Token was not issued for this resource',
      ],
      [
        await token(rs, { issuer: 'https://other-issuer.example' }),
        'Token was not issued by the expected authorization server',
      ],
      [await signToken(other, { issuer: as.issuer, audience: main.url }), 'Token signature is invalid'],
      [tampered, 'Token signature is invalid'],
      [none, 'Token signing algorithm is not allowed'],
      [hmac, 'Token signing algorithm is not allowed'],
      ['not-a-jwt', 'Token is malformed'],
    ];
    for (const [bad, description] of cases) {
      await expectRefused(await initialize(main.url, bearer(bad)), invalid(description));
    }
    expect(main.errors).toEqual([]);
  });

  it('refuses a token over 16 KiB unread (through the core: node:http caps headers there already)', async () => {
    const handler = createLambdaMcp(factory, { requestStateKey: TEST_KEY, auth: { issuer: as.issuer } });
    const response = await handler.fetch(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: ACCEPT_BOTH,
          ...bearer('x'.repeat(16 * 1024)),
        },
        body: JSON.stringify(initializeMessage()),
      }),
    );
    const metadataUrl = 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp';
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="Token is too long", resource_metadata="${metadataUrl}"`,
    );
    await handler.close();
  });

  it('refuses a token in the query string, even with a valid header', async () => {
    const valid = await token(rs);
    const description =
      'Access tokens must be sent in the Authorization header, never in the URI query string';
    await expectRefused(await initialize(`${main.url}?access_token=${valid}`), invalid(description));
    await expectRefused(
      await initialize(`${main.url}?access_token=${valid}`, bearer(valid)),
      invalid(description),
    );
  });

  it('answers a valid token without the required scope 403 insufficient_scope with the scope to step up to', async () => {
    const response = await initialize(main.url, bearer(await token(rs, { claims: { scope: 'other' } })));
    await expectRefused(
      response,
      `Bearer error="insufficient_scope", error_description="Insufficient scope", scope="mcp:tools", resource_metadata="${main.metadataUrl}"`,
      403,
    );
  });

  it('refetches the JWKS once for an unknown key id, then refuses it; cached keys cost no fetch', async () => {
    const stranger = await makeKey('ES256', 'es-unpublished');
    const warm = await initialize(main.url, bearer(await token(rs)));
    await warm.body?.cancel();
    const before = as.hits['/jwks'] ?? 0;
    for (let i = 0; i < 20; i++) {
      const response = await initialize(main.url, bearer(await token(i % 2 ? rs : es)));
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
    expect(as.hits['/jwks'] ?? 0).toBe(before);
    clockShift += 31_000; // past the refetch cooldown
    const unknown = await signToken(stranger, { issuer: as.issuer, audience: main.url });
    await expectRefused(
      await initialize(main.url, bearer(unknown)),
      invalid('Token was signed by an unknown key'),
    );
    expect(as.hits['/jwks']).toBe(before + 1);
    await expectRefused(
      await initialize(main.url, bearer(unknown)),
      invalid('Token was signed by an unknown key'),
    );
    expect(as.hits['/jwks']).toBe(before + 1);
  });

  it('tries each matching key for a token without kid while two keys of its kind are published', async () => {
    const second = await makeKey('RS256', 'rs2');
    as.published.push(second);
    try {
      const rotating = await start();
      for (const key of [rs, second]) {
        const noKid = await signToken(key, { issuer: as.issuer, audience: rotating.url, noKid: true });
        const response = await initialize(rotating.url, bearer(noKid));
        expect(response.status).toBe(200);
        await response.body?.cancel();
      }
      const stranger = await makeKey('RS256', 'rs3');
      const forged = await signToken(stranger, { issuer: as.issuer, audience: rotating.url, noKid: true });
      await expectRefused(
        await initialize(rotating.url, bearer(forged)),
        invalid('Token signature is invalid', rotating.metadataUrl),
      );
    } finally {
      as.published.pop();
    }
  });

  it('answers 503 with Retry-After when the keys cannot be fetched, and keeps serving cached keys', async () => {
    const cached = await start();
    const warm = await initialize(
      cached.url,
      bearer(await signToken(rs, { issuer: as.issuer, audience: cached.url })),
    );
    expect(warm.status).toBe(200);
    await warm.body?.cancel();
    const cold = await start();
    as.down = true;
    try {
      const response = await initialize(
        cold.url,
        bearer(await signToken(rs, { issuer: as.issuer, audience: cold.url })),
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32603,
          message: "Service Unavailable: the authorization server's signing keys could not be fetched",
        },
      });
      expect(cold.errors.map((e) => e.message)).toEqual([
        "Service Unavailable: the authorization server's signing keys could not be fetched: GET " +
          `${as.jwksUrl} answered 503`,
      ]);
      const still = await initialize(
        cached.url,
        bearer(await signToken(es, { issuer: as.issuer, audience: cached.url })),
      );
      expect(still.status).toBe(200);
      await still.body?.cancel();
      clockShift += 31_000;
      const rotated = await makeKey('RS256', 'rs-rotated');
      const unknown = await signToken(rotated, { issuer: as.issuer, audience: cached.url });
      const refetch = await initialize(cached.url, bearer(unknown));
      expect(refetch.status).toBe(503);
      await refetch.body?.cancel();
    } finally {
      as.down = false;
    }
  });
});

describe('client-bound tokens without an audience (AUTH_CLIENT_IDS, as Amazon Cognito issues them)', () => {
  it('accepts an allowed client with no aud, refuses other clients, a foreign aud and ID tokens', async () => {
    const cognito = await start({ auth: { issuer: as.issuer, clientIds: ['app-1', 'app-2'] } });
    const sign = (claims: Record<string, unknown>) =>
      signToken(rs, { issuer: as.issuer, audience: cognito.url, claims: { aud: undefined, ...claims } });
    const ok = await initialize(cognito.url, bearer(await sign({ client_id: 'app-2', token_use: 'access' })));
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    const challenge = (description: string) =>
      `Bearer error="invalid_token", error_description="${description}", resource_metadata="${cognito.metadataUrl}"`;
    const cases: [Record<string, unknown>, string][] = [
      [{ client_id: 'app-3' }, 'Token was issued to a client this server does not accept'],
      [
        { client_id: 'app-1', aud: 'https://elsewhere.example/mcp' },
        'Token was not issued for this resource',
      ],
      [{ client_id: undefined, aud: 'app-1', token_use: 'id' }, 'Token is not an access token'],
    ];
    for (const [claims, description] of cases) {
      await expectRefused(await initialize(cognito.url, bearer(await sign(claims))), challenge(description));
    }
    const own = await initialize(cognito.url, bearer(await sign({ client_id: 'app-1', aud: cognito.url })));
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });
});

describe('protected resource metadata', () => {
  it('serves RFC 9728 JSON at the root and the endpoint-suffixed path, with CORS and no token', async () => {
    const expected = {
      resource: main.url,
      authorization_servers: [as.issuer],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
    };
    for (const url of [main.metadataUrl, main.url.replace('/mcp', '/.well-known/oauth-protected-resource')]) {
      const response = await fetch(url, { headers: { origin: 'https://app.example' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(await response.json()).toEqual(expected);
      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('answers the MCP endpoint preflight without a token', async () => {
    const response = await fetch(main.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
  });
});

describe('behind every Lambda event shape', () => {
  const WELL_KNOWN = '/.well-known/oauth-protected-resource/mcp';

  it('serves the metadata and challenges requests with the event host in the metadata URL', async () => {
    const lambda = toLambdaHandler(
      createLambdaMcp(factory, { requestStateKey: TEST_KEY, auth: { issuer: as.issuer } }),
    );
    const events = [
      restApiEvent({ path: WELL_KNOWN, httpMethod: 'GET', body: null }),
      functionUrlEvent({ rawPath: WELL_KNOWN }),
      albEvent({ path: WELL_KNOWN, httpMethod: 'GET', body: null }),
    ];
    for (const event of events) {
      const result = (await lambda(event, {})) as {
        statusCode: number;
        body: string;
        headers?: Record<string, string>;
      };
      expect(result.statusCode).toBe(200);
      const host = (event.headers as Record<string, string | undefined>).Host ?? event.headers?.host;
      const document = JSON.parse(result.body) as { resource: string; authorization_servers: string[] };
      expect(document.resource).toMatch(/^https?:\/\/[^/]+\/mcp$/);
      if (host) expect(new URL(document.resource).host).toBe(host);
      expect(document.authorization_servers).toEqual([as.issuer]);
    }
    const refused = (await lambda(restApiEvent(), {})) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer resource_metadata="https://abc123defg.execute-api.eu-west-1.amazonaws.com/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('names the configured audience behind a REST API stage, whose name the function never sees in the path', async () => {
    const audience = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/mcp';
    const lambda = toLambdaHandler(
      createLambdaMcp(factory, { requestStateKey: TEST_KEY, auth: { issuer: as.issuer, audience } }),
    );
    const result = (await lambda(restApiEvent({ path: WELL_KNOWN, httpMethod: 'GET', body: null }), {})) as {
      statusCode: number;
      body: string;
    };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).resource).toBe(audience);
    const token = await signToken(rs, { issuer: as.issuer, audience });
    const ok = (await lambda(
      restApiEvent({
        body: JSON.stringify(initializeMessage()),
        headers: { ...restApiEvent().headers, Authorization: `Bearer ${token}` },
        multiValueHeaders: { ...restApiEvent().multiValueHeaders, Authorization: [`Bearer ${token}`] },
      }),
      {},
    )) as { statusCode: number };
    expect(ok.statusCode).toBe(200);
  });
});

describe('principals and the factory', () => {
  const raw = (url: string, body: unknown, headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: ACCEPT_BOTH,
        'mcp-protocol-version': '2025-11-25',
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('binds a 2025 session to the principal that opened it: another one gets 404 on POST, GET and DELETE', async () => {
    const a = bearer(await token(rs, { claims: { client_id: 'client-a', sub: 'alice' } }));
    const b = bearer(await token(rs, { claims: { client_id: 'client-b', sub: 'bob' } }));
    const opened = await initialize(main.url, a);
    const id = opened.headers.get('mcp-session-id') as string;
    await opened.body?.cancel();
    const ready = await raw(
      main.url,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { ...a, 'mcp-session-id': id },
    );
    expect(ready.status).toBe(202);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const post = await raw(main.url, list, { ...b, 'mcp-session-id': id });
    expect(post.status).toBe(404);
    await post.body?.cancel();
    const session = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    const get = await fetch(main.url, { headers: { ...b, ...session, accept: 'text/event-stream' } });
    expect(get.status).toBe(404);
    await get.body?.cancel();
    const del = await fetch(main.url, { method: 'DELETE', headers: { ...b, ...session } });
    expect(del.status).toBe(404);
    await del.body?.cancel();
    const mine = await raw(main.url, list, { ...a, 'mcp-session-id': id });
    expect(mine.status).toBe(200);
    await mine.body?.cancel();
    const stream = await fetch(main.url, { headers: { ...a, ...session, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    const end = await fetch(main.url, { method: 'DELETE', headers: { ...a, ...session } });
    expect(end.status).toBe(200);
  });

  it('hands the factory the verified authInfo and the admin flag in both eras', async () => {
    const admin = await token(rs, {
      claims: { client_id: 'ops', sub: 'root', scope: 'mcp:tools mcp:admin' },
    });
    const client = new Client(
      { name: 'auth-v2', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(main.url), { requestInit: { headers: bearer(admin) } }),
    );
    seen.length = 0;
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: '{"clientId":"ops","isAdmin":true}' }]);
    await client.close();
    expect(seen.at(-1)).toMatchObject({
      era: 'modern',
      authInfo: {
        clientId: 'ops',
        scopes: ['mcp:tools', 'mcp:admin'],
        extra: { sub: 'root', iss: as.issuer },
      },
      auth: { adminScope: 'mcp:admin', isAdmin: true },
    });

    const user = bearer(await token(es, { claims: { client_id: 'agent', sub: 'ada' } }));
    const opened = await initialize(main.url, user);
    const id = opened.headers.get('mcp-session-id') as string;
    await opened.body?.cancel();
    const headers = { ...user, 'mcp-session-id': id };
    await raw(main.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
    seen.length = 0;
    const call = await raw(
      main.url,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      headers,
    );
    expect(call.status).toBe(200);
    expect(await call.text()).toContain(String.raw`{\"clientId\":\"agent\",\"isAdmin\":false}`);
    expect(seen.at(-1)).toMatchObject({
      era: 'legacy',
      authInfo: {
        clientId: 'agent',
        scopes: ['mcp:tools'],
        resource: new URL(main.url),
        extra: { sub: 'ada' },
      },
      auth: { adminScope: 'mcp:admin', isAdmin: false },
    });
  });
});

describe('auth configuration', () => {
  it('stops start-up with a ConfigError naming the AUTH_* key', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ AUTH_ISSUER: 'not a url' }, /^AUTH_ISSUER must be an absolute URL/],
      [{ AUTH_ISSUER: 'http://auth.example.com' }, /^AUTH_ISSUER must be an https URL/],
      [{ AUTH_ISSUER: 'https://auth.example.com?x=1' }, /^AUTH_ISSUER must not have a query/],
      [
        { AUTH_ISSUER: 'https://a.example', AUTH_JWKS_URL: 'ftp://a.example/jwks' },
        /^AUTH_JWKS_URL must be an https URL/,
      ],
      [{ AUTH_ISSUER: 'https://a.example', AUTH_REQUIRED_SCOPES: 'a,,b' }, /^AUTH_REQUIRED_SCOPES must be/],
      [
        { AUTH_ISSUER: 'https://a.example', AUTH_ADMIN_SCOPE: 'has"quote' },
        /^AUTH_ADMIN_SCOPE must be OAuth scope/,
      ],
      [{ AUTH_AUDIENCE: 'https://mcp.example/mcp' }, /^AUTH_AUDIENCE is set but AUTH_ISSUER is not/],
      [
        { AUTH_ISSUER: 'https://a.example', AUTH_CLIENT_IDS: 'a,' },
        /^AUTH_CLIENT_IDS must be comma-separated/,
      ],
    ];
    for (const [env, message] of cases) {
      expect(() => optionsFromEnv(env)).toThrow(ConfigError);
      expect(() => optionsFromEnv(env)).toThrow(message);
    }
    expect(() => createLambdaMcp(factory, { requestStateKey: TEST_KEY, auth: { issuer: 'nope' } })).toThrow(
      /^auth\.issuer must be an absolute URL/,
    );
  });

  it('turns auth on for a local server from AUTH_ISSUER alone', async () => {
    const handler = createLambdaMcp(factory, {
      requestStateKey: TEST_KEY,
      ...localServerOptions('127.0.0.1', { AUTH_ISSUER: as.issuer, AUTH_REQUIRED_SCOPES: 'mcp:tools' }),
    });
    const local = await serveLocal(handler, { port: 0, host: '127.0.0.1', path: '/api/mcp' });
    servers.push(local);
    const metadataUrl = local.url.replace('/api/mcp', '/.well-known/oauth-protected-resource/api/mcp');
    await expectRefused(
      await initialize(local.url),
      `Bearer resource_metadata="${metadataUrl}", scope="mcp:tools"`,
    );
    // The root document names the mounted endpoint.
    const root = await fetch(local.url.replace('/api/mcp', '/.well-known/oauth-protected-resource'));
    expect(((await root.json()) as { resource: string }).resource).toBe(local.url);
    const ok = await initialize(
      local.url,
      bearer(await signToken(es, { issuer: as.issuer, audience: local.url })),
    );
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it('reads the AUTH_* variables into the auth option', () => {
    expect(
      optionsFromEnv({
        AUTH_ISSUER: 'https://auth.example.com',
        AUTH_AUDIENCE: 'api://mcp',
        AUTH_JWKS_URL: 'https://auth.example.com/keys',
        AUTH_REQUIRED_SCOPES: 'mcp:tools, mcp:read',
        AUTH_CLIENT_IDS: 'app-1,app-2',
        AUTH_ADMIN_SCOPE: 'ops',
      }).auth,
    ).toEqual({
      issuer: 'https://auth.example.com',
      audience: 'api://mcp',
      jwksUrl: 'https://auth.example.com/keys',
      requiredScopes: ['mcp:tools', 'mcp:read'],
      clientIds: ['app-1', 'app-2'],
      adminScope: 'ops',
    });
  });
});

/** `key`'s public half as a CryptoKey (for the HMAC-with-the-public-key attack). */
async function importPublic(key: TestKey) {
  const { importJWK } = await import('jose');
  return (await importJWK(key.publicJwk, key.alg)) as CryptoKey;
}
