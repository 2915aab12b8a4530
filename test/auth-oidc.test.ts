// lambda-mcp as the resource server of a real authorization server: `oidc-provider` on loopback issues
// client-credentials JWT access tokens bound to the MCP resource (RFC 8707). The SDK v2 client discovers
// everything from the 401 (protected-resource metadata, then the issuer's metadata), gets a token with its
// client-credentials provider and calls a tool at 2026-07-28; the SDK v1 client keeps a 2025 session, token in
// its Authorization header, across two instances sharing one dynalite.
import {
  ClientCredentialsProvider,
  StreamableHTTPClientTransport,
  Client as V2Client,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createLambdaMcp, type LambdaMcpHandler } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { type LocalMcpServer, serveLocal } from 'lambda-mcp/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { inProcessFetch, TEST_KEY, URL_ } from './helpers.js';
import { type OidcProvider, startOidcProvider } from './support/oidc-provider.js';

const stopped: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stopped.splice(0).reverse()) await stop();
});

describe('with oidc-provider as the authorization server', () => {
  let local: LocalMcpServer;
  let provider: OidcProvider;
  let requests: { method: string; path: string; status: number }[];

  beforeAll(async () => {
    // The handler needs the issuer and the provider the resource URL: serve a forwarder first, fill it in after.
    let handler: LambdaMcpHandler | undefined;
    requests = [];
    local = await serveLocal(
      {
        fetch: async (request, extras) => {
          const response = await (handler as LambdaMcpHandler).fetch(request, extras);
          requests.push({
            method: request.method,
            path: new URL(request.url).pathname,
            status: response.status,
          });
          return response;
        },
        close: async () => handler?.close(),
      },
      { port: 0, host: '127.0.0.1' },
    );
    stopped.push(() => local.close());
    provider = await startOidcProvider({ resource: local.url });
    stopped.push(() => provider.close());
    handler = createLambdaMcp(createTestServer, {
      requestStateKey: TEST_KEY,
      auth: { issuer: provider.issuer, requiredScopes: ['mcp:tools'] },
    });
  });

  it('lets the SDK v2 client discover the server from the 401, get a token and call a tool at 2026-07-28', async () => {
    const client = new V2Client(
      { name: 'oidc-v2', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    const authProvider = new ClientCredentialsProvider({
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      expectedIssuer: provider.issuer,
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(local.url), { authProvider }));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'authorized' } });
    expect(result.content).toEqual([{ type: 'text', text: 'authorized' }]);
    await client.close();
    // The first attempt was refused and pointed at the metadata, which the client then read.
    expect(requests[0]).toEqual({ method: 'POST', path: '/mcp', status: 401 });
    expect(requests).toContainEqual({
      method: 'GET',
      path: '/.well-known/oauth-protected-resource/mcp',
      status: 200,
    });
    expect(requests.at(-1)?.status).toBe(200);
    const token = authProvider.tokens()?.access_token as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    expect(claims).toMatchObject({ aud: local.url, iss: provider.issuer, client_id: provider.clientId });
  });

  it('refuses a token the provider issued without the required scope with 403 insufficient_scope', async () => {
    const token = await provider.tokenFor(['mcp:admin']);
    const response = await fetch(local.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="mcp:tools"');
    await response.body?.cancel();
  });
});

describe('a 2025 session with a provider-issued token across two instances', () => {
  let dynamo: TestDynamo;
  let provider: OidcProvider;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    stopped.push(() => dynamo.close());
    provider = await startOidcProvider({ resource: URL_ });
    stopped.push(() => provider.close());
  });

  it('keeps the session on both instances for its principal, and refuses it without the token', async () => {
    const tableName = await dynamo.newTable();
    const instance = () => {
      const handler = createLambdaMcp(createTestServer, {
        requestStateKey: TEST_KEY,
        ...createDynamoStores({ client: dynamo.newClient().client, tableName }),
        sse: 'poll',
        // The resource both instances stand for, as behind one load balancer.
        auth: { issuer: provider.issuer, audience: URL_ },
      });
      stopped.push(() => handler.close());
      return handler;
    };
    const fetchFn = inProcessFetch(instance(), instance());
    const token = await provider.tokenFor(['mcp:tools']);
    const client = new V1Client({ name: 'oidc-v1', version: '1.0.0' });
    const transport = new V1Transport(new URL(URL_), {
      fetch: fetchFn,
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    for (const text of ['one', 'two', 'three']) {
      const result = await client.callTool({ name: 'echo', arguments: { text } });
      expect(result.content).toEqual([{ type: 'text', text }]);
    }
    const posts = fetchFn.calls.filter((call) => call.method === 'POST');
    expect(new Set(posts.map((call) => call.instance))).toEqual(new Set([0, 1]));
    expect(posts.every((call) => call.status === 200 || call.status === 202)).toBe(true);

    const sessionId = transport.sessionId as string;
    const anonymous = await fetchFn(URL_, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    await client.close();
  });
});
