// The protocol suite: the transport's wire rules checked with raw requests, for both eras — statuses, headers
// and JSON-RPC errors for malformed input, Origin and CORS preflight, `server/discover`, header/body mismatch
// and unsupported protocol versions. 2025 checks run inside a session opened over the wire.
import type { ProtocolVersion } from '../options.js';
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
import type { TestCase } from '../runner/types.js';
import { headerMismatches, malformedBodies, refusedOpenings } from './protocol/refusals.js';
import {
  ALL,
  includesToken,
  MODERN_ONLY,
  PREFLIGHT_HEADERS,
  protocolTest,
  requestBody,
  requestHeaders,
} from './protocol/requests.js';

/** The protocol suite's tests. */
export const protocolTests: TestCase[] = [
  ...refusedOpenings,
  protocolTest(
    "CORS preflight from the server's own origin answers 2xx with Access-Control-Allow-* headers",
    'once',
    async (ctx) => {
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
  ),
  ...malformedBodies,
  protocolTest('initialize inside a batch answers 400 with JSON-RPC -32600', LEGACY_VERSIONS, async (ctx) => {
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
  }),
  // 2026-07-28 asks clients for both types but does not require servers to refuse other Accept values.
  protocolTest(
    'POST whose Accept lacks application/json and text/event-stream answers 406',
    LEGACY_VERSIONS,
    async (ctx) => {
      const headers = await requestHeaders(ctx);
      await expectStatus(
        await post(ctx, requestBody(ctx, 'ping'), { ...headers, accept: 'text/plain' }),
        'POST with Accept: text/plain must answer 406 Not Acceptable',
        406,
      );
    },
  ),
  protocolTest('an unknown method answers JSON-RPC -32601', ALL, async (ctx) => {
    const method = 'lambda-mcp-client/no-such-method';
    const headers = await requestHeaders(ctx, method);
    const response = await post(ctx, requestBody(ctx, method), headers);
    if (isModern(ctx.version)) {
      await expectRpcError(response, 'an unknown method must answer 404 with JSON-RPC -32601 (2026-07-28)', {
        status: 404,
        code: -32601,
      });
    } else {
      await expectRpcErrorCode(
        response,
        'an unknown method must answer JSON-RPC -32601 (method not found)',
        -32601,
      );
    }
  }),
  protocolTest(
    'an unsupported MCP-Protocol-Version answers 400',
    [MODERN, ...VERSION_HEADER_VERSIONS] satisfies ProtocolVersion[],
    async (ctx) => {
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
  ),
  protocolTest('server/discover answers with the supported revisions', MODERN_ONLY, async (ctx) => {
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
  }),
  ...headerMismatches,
  protocolTest('a notification is accepted with 202 and no body', LEGACY_VERSIONS, async (ctx) => {
    await openRawSession(ctx, true);
  }),
];
