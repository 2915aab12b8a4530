// The protocol suite: the transport's wire rules checked with raw requests, for both eras — statuses, headers
// and JSON-RPC errors for malformed input, Origin and CORS preflight, `server/discover`, header/body mismatch
// and unsupported protocol versions. 2025 checks run inside a session opened over the wire.
import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../options.js';
import {
  brief,
  check,
  describeResponse,
  errorText,
  expectRpcError,
  expectRpcErrorCode,
  expectStatus,
  fail,
} from '../runner/assert.js';
import {
  cleanUpSession,
  connectModern,
  initializeHeaders,
  initializeMessage,
  isModern,
  LEGACY_VERSIONS,
  MODERN,
  modernRequest,
  openRawSession,
  post,
  VERSION_HEADER_VERSIONS,
} from '../runner/mcp.js';
import type { TestCase, TestContext } from '../runner/types.js';

const ALL = PROTOCOL_VERSIONS;
const MODERN_ONLY = [MODERN] as const;

/** A valid opening request of `ctx.version`: modern `server/discover`, or a 2025 `initialize`. */
function openingRequest(ctx: TestContext): { headers: Record<string, string>; body: string } {
  if (isModern(ctx.version)) {
    const { headers, message } = modernRequest('server/discover');
    return { headers, body: JSON.stringify(message) };
  }
  return { headers: initializeHeaders(), body: JSON.stringify(initializeMessage(ctx.version)) };
}

/** Headers for a request of `ctx.version` whose body is `method`: modern headers, or a 2025 session's. */
async function requestHeaders(ctx: TestContext, method = 'tools/list'): Promise<Record<string, string>> {
  if (isModern(ctx.version)) return modernRequest(method).headers;
  return openRawSession(ctx);
}

/** A valid `method` request body of `ctx.version`. */
function requestBody(ctx: TestContext, method: string, params: Record<string, unknown> = {}, id = 2) {
  if (isModern(ctx.version)) return modernRequest(method, params, { id }).message;
  return { jsonrpc: '2.0', id, method, params };
}

function includesToken(list: string | null, token: string): boolean {
  if (list === null) return false;
  const items = list.split(',').map((item) => item.trim().toLowerCase());
  return items.includes('*') || items.includes(token.toLowerCase());
}

const FOREIGN_ORIGIN = 'https://lambda-mcp-client.invalid';
const PREFLIGHT_HEADERS = [
  'content-type',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'mcp-session-id',
];

/** The protocol suite's tests. */
export const protocolTests: TestCase[] = [
  {
    suite: 'protocol',
    name: 'PUT answers 405 with an Allow header listing POST',
    versions: 'once',
    async run(ctx) {
      const { headers, body } = openingRequest(ctx);
      const response = await ctx.fetch(ctx.url, { method: 'PUT', headers, body });
      cleanUpSession(ctx, response, ctx.version);
      const read = await expectStatus(response, 'PUT must answer 405 Method Not Allowed', 405);
      const allow = read.headers.get('allow');
      check(
        includesToken(allow, 'POST'),
        'a 405 answer must carry an Allow header listing POST (RFC 9110)',
        allow === null ? 'no Allow header' : `Allow: ${allow}`,
      );
    },
  },
  {
    suite: 'protocol',
    name: 'POST with Content-Type text/plain answers 415',
    versions: 'once',
    async run(ctx) {
      const { headers, body } = openingRequest(ctx);
      const response = await post(ctx, body, { ...headers, 'content-type': 'text/plain' });
      cleanUpSession(ctx, response, ctx.version);
      await expectStatus(
        response,
        'POST with Content-Type text/plain must answer 415 Unsupported Media Type',
        415,
      );
    },
  },
  {
    suite: 'protocol',
    name: 'POST from a foreign Origin answers 403',
    versions: 'once',
    async run(ctx) {
      const { headers, body } = openingRequest(ctx);
      const response = await post(ctx, body, { ...headers, origin: FOREIGN_ORIGIN });
      cleanUpSession(ctx, response, ctx.version);
      await expectStatus(response, `POST with Origin ${FOREIGN_ORIGIN} must answer 403 Forbidden`, 403);
    },
  },
  {
    suite: 'protocol',
    name: "CORS preflight from the server's own origin answers 2xx with Access-Control-Allow-* headers",
    versions: 'once',
    async run(ctx) {
      const origin = ctx.url.origin;
      const response = await ctx.fetch(ctx.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': PREFLIGHT_HEADERS.join(', '),
        },
      });
      const read = await expectStatus(
        response,
        `a CORS preflight (OPTIONS) from ${origin} must answer 2xx`,
        [200, 204],
      );
      const allowOrigin = read.headers.get('access-control-allow-origin');
      check(
        allowOrigin === origin || allowOrigin === '*',
        `a CORS preflight from ${origin} must answer Access-Control-Allow-Origin: ${origin}`,
        allowOrigin === null ? 'no Access-Control-Allow-Origin header' : allowOrigin,
      );
      const methods = read.headers.get('access-control-allow-methods');
      check(
        includesToken(methods, 'POST'),
        'a CORS preflight must answer Access-Control-Allow-Methods including POST',
        methods === null ? 'no Access-Control-Allow-Methods header' : methods,
      );
      const allowHeaders = read.headers.get('access-control-allow-headers');
      const missing = PREFLIGHT_HEADERS.filter((h) => !includesToken(allowHeaders, h));
      check(
        missing.length === 0,
        `a CORS preflight must allow the MCP request headers (${PREFLIGHT_HEADERS.join(', ')})`,
        allowHeaders === null ? 'no Access-Control-Allow-Headers header' : `missing ${missing.join(', ')}`,
      );
    },
  },
  {
    suite: 'protocol',
    name: 'POST with invalid JSON answers 400 with JSON-RPC -32700',
    versions: ALL,
    async run(ctx) {
      const headers = await requestHeaders(ctx);
      await expectRpcError(
        await post(ctx, '{"jsonrpc": "2.0", "id": 1, "method": ', headers),
        'POST with invalid JSON must answer 400 with JSON-RPC -32700 (parse error)',
        { status: 400, code: -32700 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'a JSON body that is not a JSON-RPC message answers 400 with JSON-RPC -32600',
    versions: ALL,
    async run(ctx) {
      const headers = await requestHeaders(ctx);
      await expectRpcError(
        await post(ctx, { hello: 'world' }, headers),
        'a JSON body that is not a JSON-RPC message must answer 400 with JSON-RPC -32600 (invalid request)',
        { status: 400, code: -32600 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'a JSON array (batch) answers 400 with JSON-RPC -32600',
    versions: MODERN_ONLY,
    async run(ctx) {
      const headers = await requestHeaders(ctx);
      await expectRpcError(
        await post(ctx, [requestBody(ctx, 'tools/list')], headers),
        'a JSON-RPC batch must answer 400 with JSON-RPC -32600: 2026-07-28 bodies are single messages',
        { status: 400, code: -32600 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'an empty JSON array answers 400 with JSON-RPC -32600',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const headers = await requestHeaders(ctx);
      await expectRpcError(
        await post(ctx, [], headers),
        'an empty JSON array must answer 400 with JSON-RPC -32600 (invalid request)',
        { status: 400, code: -32600 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'initialize inside a batch answers 400 with JSON-RPC -32600',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const response = await post(
        ctx,
        [initializeMessage(ctx.version), { jsonrpc: '2.0', id: 2, method: 'ping' }],
        initializeHeaders(),
      );
      cleanUpSession(ctx, response, ctx.version);
      await expectRpcError(response, 'initialize inside a batch must answer 400 with JSON-RPC -32600', {
        status: 400,
        code: -32600,
      });
    },
  },
  {
    suite: 'protocol',
    name: 'POST whose Accept lacks application/json and text/event-stream answers 406',
    // 2026-07-28 asks clients for both types but does not require servers to refuse other Accept values.
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const headers = await requestHeaders(ctx);
      await expectStatus(
        await post(ctx, requestBody(ctx, 'ping'), { ...headers, accept: 'text/plain' }),
        'POST with Accept: text/plain must answer 406 Not Acceptable',
        406,
      );
    },
  },
  {
    suite: 'protocol',
    name: 'an unknown method answers JSON-RPC -32601',
    versions: ALL,
    async run(ctx) {
      const method = 'lambda-mcp-client/no-such-method';
      const headers = await requestHeaders(ctx, method);
      const response = await post(ctx, requestBody(ctx, method), headers);
      if (isModern(ctx.version)) {
        await expectRpcError(
          response,
          'an unknown method must answer 404 with JSON-RPC -32601 (2026-07-28)',
          {
            status: 404,
            code: -32601,
          },
        );
      } else {
        await expectRpcErrorCode(
          response,
          'an unknown method must answer JSON-RPC -32601 (method not found)',
          -32601,
        );
      }
    },
  },
  {
    suite: 'protocol',
    name: 'an unsupported MCP-Protocol-Version answers 400',
    versions: [MODERN, ...VERSION_HEADER_VERSIONS] satisfies ProtocolVersion[],
    async run(ctx) {
      if (!isModern(ctx.version)) {
        const headers = await openRawSession(ctx);
        await expectStatus(
          await post(ctx, requestBody(ctx, 'ping'), { ...headers, 'mcp-protocol-version': '1999-01-01' }),
          'a request with MCP-Protocol-Version: 1999-01-01 must answer 400 Bad Request',
          400,
        );
        return;
      }
      const { headers, message } = modernRequest('tools/list', {}, { version: '1999-01-01' });
      const read = await expectRpcError(
        await post(ctx, message, headers),
        'a request for revision 1999-01-01 must answer 400 with JSON-RPC -32022 (unsupported protocol version)',
        { status: 400, code: -32022 },
      );
      const supported = (read.message?.error?.data as { supported?: unknown } | undefined)?.supported;
      check(
        Array.isArray(supported) && supported.length > 0 && supported.every((v) => typeof v === 'string'),
        'an unsupported-version error must list the supported revisions in error.data.supported',
        () => describeResponse(read),
      );
    },
  },
  {
    suite: 'protocol',
    name: 'server/discover answers with the supported revisions',
    versions: MODERN_ONLY,
    async run(ctx) {
      const client = await connectModern(ctx);
      let result: Awaited<ReturnType<typeof client.discover>>;
      try {
        result = await client.discover({ signal: ctx.signal, timeout: ctx.timeout });
      } catch (error) {
        fail('server/discover must answer a DiscoverResult', errorText(error));
      }
      check(
        Array.isArray(result.supportedVersions) && result.supportedVersions.includes(MODERN),
        `server/discover must list ${MODERN} in supportedVersions`,
        () => brief(result.supportedVersions),
      );
      check(
        typeof result.capabilities === 'object' && result.capabilities !== null,
        'server/discover must answer the server capabilities',
        () => brief(result),
      );
      ctx.note(`supportedVersions: ${result.supportedVersions.join(', ')}`);
    },
  },
  {
    suite: 'protocol',
    name: "an Mcp-Method header that differs from the body's method answers 400 with JSON-RPC -32020",
    versions: MODERN_ONLY,
    async run(ctx) {
      const { headers, message } = modernRequest('tools/list');
      await expectRpcError(
        await post(ctx, message, { ...headers, 'mcp-method': 'prompts/list' }),
        'Mcp-Method: prompts/list on a tools/list body must answer 400 with JSON-RPC -32020 (header mismatch)',
        { status: 400, code: -32020 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'an Mcp-Name header that differs from params.name answers 400 with JSON-RPC -32020',
    versions: MODERN_ONLY,
    async run(ctx) {
      const { headers, message } = modernRequest('tools/call', {
        name: 'lambda-mcp-client-probe',
        arguments: {},
      });
      await expectRpcError(
        await post(ctx, message, { ...headers, 'mcp-name': 'another-tool' }),
        'Mcp-Name: another-tool on a tools/call of lambda-mcp-client-probe must answer 400 with JSON-RPC -32020',
        { status: 400, code: -32020 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'a request without the Mcp-Method header answers 400 with JSON-RPC -32020',
    versions: MODERN_ONLY,
    async run(ctx) {
      const { headers, message } = modernRequest('tools/list');
      const { 'mcp-method': _, ...without } = headers;
      await expectRpcError(
        await post(ctx, message, without),
        'a 2026-07-28 request without Mcp-Method must answer 400 with JSON-RPC -32020 (header mismatch)',
        { status: 400, code: -32020 },
      );
    },
  },
  {
    suite: 'protocol',
    name: 'a notification is accepted with 202 and no body',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      await openRawSession(ctx, true);
    },
  },
];
