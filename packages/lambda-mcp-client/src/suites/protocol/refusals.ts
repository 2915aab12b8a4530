// The protocol checks that are one rule applied to many requests, as tables: the opening request sent with
// another method or header (405, 415, 403), bodies that are no valid JSON-RPC request (400 with -32700 or
// -32600), and 2026-07-28 headers that disagree with the body (400 with -32020).
import type { ProtocolVersion } from '../../options.js';
import { check, expectRpcError, expectStatus, type ReadResponse } from '../../runner/assert.js';
import { cleanUpSession, LEGACY_VERSIONS, modernRequest, post } from '../../runner/mcp.js';
import type { TestCase, TestContext } from '../../runner/types.js';
import {
  ALL,
  FOREIGN_ORIGIN,
  includesToken,
  MODERN_ONLY,
  openingRequest,
  protocolTest,
  requestBody,
  requestHeaders,
} from './requests.js';

/** An era-independent check: the revision's opening request, sent otherwise, must answer `status`. */
interface RefusedOpening {
  name: string;
  /** The method instead of POST. */
  method?: string;
  /** Headers replacing or added to the opening request's. */
  headers?: Record<string, string>;
  rule: string;
  status: number;
  /** More checks on the answer. */
  alsoCheck?: (read: ReadResponse) => void;
}

const REFUSED_OPENINGS: RefusedOpening[] = [
  {
    name: 'PUT answers 405 with an Allow header listing POST',
    method: 'PUT',
    rule: 'PUT must answer 405 Method Not Allowed',
    status: 405,
    alsoCheck: (read) => {
      const allow = read.headers.get('allow');
      check(
        includesToken(allow, 'POST'),
        'a 405 answer must carry an Allow header listing POST (RFC 9110)',
        allow === null ? 'no Allow header' : `Allow: ${allow}`,
      );
    },
  },
  {
    name: 'POST with Content-Type text/plain answers 415',
    headers: { 'content-type': 'text/plain' },
    rule: 'POST with Content-Type text/plain must answer 415 Unsupported Media Type',
    status: 415,
  },
  {
    name: 'POST from a foreign Origin answers 403',
    headers: { origin: FOREIGN_ORIGIN },
    rule: `POST with Origin ${FOREIGN_ORIGIN} must answer 403 Forbidden`,
    status: 403,
  },
];

function refusedOpening(test: RefusedOpening): TestCase {
  return protocolTest(test.name, 'once', async (ctx) => {
    const { headers, body } = openingRequest(ctx);
    const method = test.method ?? 'POST';
    const response = await ctx.fetch(ctx.url, { method, headers: { ...headers, ...test.headers }, body });
    cleanUpSession(ctx, response, ctx.version);
    test.alsoCheck?.(await expectStatus(response, test.rule, test.status));
  });
}

/** A body that is no valid JSON-RPC request, sent with valid headers: it must answer 400 with `code`. */
interface MalformedBody {
  name: string;
  versions: readonly ProtocolVersion[];
  body: (ctx: TestContext) => unknown;
  rule: string;
  code: number;
}

const MALFORMED_BODIES: MalformedBody[] = [
  {
    name: 'POST with invalid JSON answers 400 with JSON-RPC -32700',
    versions: ALL,
    body: () => '{"jsonrpc": "2.0", "id": 1, "method": ',
    rule: 'POST with invalid JSON must answer 400 with JSON-RPC -32700 (parse error)',
    code: -32700,
  },
  {
    name: 'a JSON body that is not a JSON-RPC message answers 400 with JSON-RPC -32600',
    versions: ALL,
    body: () => ({ hello: 'world' }),
    rule: 'a JSON body that is not a JSON-RPC message must answer 400 with JSON-RPC -32600 (invalid request)',
    code: -32600,
  },
  {
    name: 'a JSON array (batch) answers 400 with JSON-RPC -32600',
    versions: MODERN_ONLY,
    body: (ctx) => [requestBody(ctx, 'tools/list')],
    rule: 'a JSON-RPC batch must answer 400 with JSON-RPC -32600: 2026-07-28 bodies are single messages',
    code: -32600,
  },
  {
    name: 'an empty JSON array answers 400 with JSON-RPC -32600',
    versions: LEGACY_VERSIONS,
    body: () => [],
    rule: 'an empty JSON array must answer 400 with JSON-RPC -32600 (invalid request)',
    code: -32600,
  },
];

function malformedBody(test: MalformedBody): TestCase {
  return protocolTest(test.name, test.versions, async (ctx) => {
    const headers = await requestHeaders(ctx);
    await expectRpcError(await post(ctx, test.body(ctx), headers), test.rule, {
      status: 400,
      code: test.code,
    });
  });
}

/** A 2026-07-28 request whose headers disagree with its body: it must answer 400 with JSON-RPC -32020. */
interface HeaderMismatch {
  name: string;
  method: string;
  params?: Record<string, unknown>;
  /** The request's headers, made to disagree. */
  headers: (valid: Record<string, string>) => Record<string, string>;
  rule: string;
}

const HEADER_MISMATCHES: HeaderMismatch[] = [
  {
    name: "an Mcp-Method header that differs from the body's method answers 400 with JSON-RPC -32020",
    method: 'tools/list',
    headers: (valid) => ({ ...valid, 'mcp-method': 'prompts/list' }),
    rule: 'Mcp-Method: prompts/list on a tools/list body must answer 400 with JSON-RPC -32020 (header mismatch)',
  },
  {
    name: 'an Mcp-Name header that differs from params.name answers 400 with JSON-RPC -32020',
    method: 'tools/call',
    params: { name: 'lambda-mcp-client-probe', arguments: {} },
    headers: (valid) => ({ ...valid, 'mcp-name': 'another-tool' }),
    rule: 'Mcp-Name: another-tool on a tools/call of lambda-mcp-client-probe must answer 400 with JSON-RPC -32020',
  },
  {
    name: 'a request without the Mcp-Method header answers 400 with JSON-RPC -32020',
    method: 'tools/list',
    headers: ({ 'mcp-method': _, ...without }) => without,
    rule: 'a 2026-07-28 request without Mcp-Method must answer 400 with JSON-RPC -32020 (header mismatch)',
  },
];

function headerMismatch(test: HeaderMismatch): TestCase {
  return protocolTest(test.name, MODERN_ONLY, async (ctx) => {
    const { headers, message } = modernRequest(test.method, test.params);
    await expectRpcError(await post(ctx, message, test.headers(headers)), test.rule, {
      status: 400,
      code: -32020,
    });
  });
}

/** The refused openings (`once`). */
export const refusedOpenings: TestCase[] = REFUSED_OPENINGS.map(refusedOpening);
/** The malformed bodies. */
export const malformedBodies: TestCase[] = MALFORMED_BODIES.map(malformedBody);
/** The 2026-07-28 header mismatches. */
export const headerMismatches: TestCase[] = HEADER_MISMATCHES.map(headerMismatch);
