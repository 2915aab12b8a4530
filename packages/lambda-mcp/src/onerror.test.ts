// The default `onerror`: no 500 goes unreported, and no client's mistake fills the log. The SDK reports the
// 2026-07-28 requests it rejects with a 4xx through `onerror` too; those reach a custom `onerror` as before
// but the default does not print them.
import { McpServer, UnsupportedProtocolVersionError } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { LambdaMcpServerFactory } from './context.js';
import { createLambdaMcp } from './core.js';
import type { LambdaMcpOptions } from './options.js';
import { MemorySessionStore } from './stores/memory.js';

const KEY = 'ab'.repeat(32);
const MODERN = '2026-07-28';

const factory: LambdaMcpServerFactory = (ctx) => {
  if (ctx.era === 'modern' && ctx.requestInfo?.headers.get('x-break-factory')) {
    throw new TypeError('the factory has a bug');
  }
  const server = new McpServer({ name: 'onerror-unit', version: '1.0.0' });
  server.registerTool('hello', { description: 'Says hello' }, async () => ({
    content: [{ type: 'text', text: 'hi' }],
  }));
  return server;
};

function meta(version = MODERN) {
  return {
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientInfo': { name: 'unit', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

function post(body: unknown, headers: Record<string, string>): Request {
  return new Request('http://127.0.0.1/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** Requests the SDK answers with a 400 and reports through `onerror`. */
const clientMistakes = () => [
  // A protocol revision the server does not speak.
  post(
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta('2099-01-01') } },
    { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
  ),
  // An Mcp-Method header that contradicts the body.
  post(
    { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: meta() } },
    { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call' },
  ),
];

const toolCall = (headers: Record<string, string> = {}) =>
  post(
    { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'hello', arguments: {}, _meta: meta() } },
    { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'hello', ...headers },
  );

let stderr: MockInstance<typeof console.error>;
function captureStderr() {
  stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
  return stderr;
}
afterEach(() => stderr?.mockRestore());

function handler(options: LambdaMcpOptions = {}) {
  return createLambdaMcp(factory, { requestStateKey: KEY, ...options });
}

describe('the default onerror', () => {
  it('prints nothing for the requests the SDK rejects as a client’s mistake', async () => {
    const printed = captureStderr();
    const mcp = handler();
    for (const request of clientMistakes()) expect((await mcp.fetch(request)).status).toBe(400);
    const served = await mcp.fetch(toolCall());
    expect([served.status, (await served.json()).result.content[0].text]).toEqual([200, 'hi']);
    expect(printed).not.toHaveBeenCalled();
  });

  it('still hands those rejections to a custom onerror, which replaces the default', async () => {
    const printed = captureStderr();
    const errors: Error[] = [];
    const mcp = handler({ onerror: (error) => errors.push(error) });
    for (const request of clientMistakes()) expect((await mcp.fetch(request)).status).toBe(400);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(UnsupportedProtocolVersionError);
    expect(errors[1]?.message).toMatch(/^Rejected inbound request \(method-header-mismatch\)/);

    const failed = await mcp.fetch(toolCall({ 'x-break-factory': '1' }));
    expect(failed.status).toBe(500);
    expect(errors.map((e) => e.message).at(-1)).toBe('the factory has a bug');
    expect(printed).not.toHaveBeenCalled();
  });

  it('writes each unexpected error behind a 500 to stderr, with its stack, on both legs', async () => {
    const printed = captureStderr();
    class BrokenStore extends MemorySessionStore {
      override async get(): Promise<undefined> {
        throw new TypeError('the store has a bug');
      }
    }
    const mcp = handler({ sessionStore: new BrokenStore() });

    const modern = await mcp.fetch(toolCall({ 'x-break-factory': '1' }));
    expect(modern.status).toBe(500);
    const legacy = await mcp.fetch(
      post(
        { jsonrpc: '2.0', id: 4, method: 'ping' },
        { 'mcp-session-id': 'abc', 'mcp-protocol-version': '2025-11-25' },
      ),
    );
    expect(legacy.status).toBe(500);

    expect(printed.mock.calls.map(([prefix, error]) => [prefix, (error as Error).message])).toEqual([
      ['lambda-mcp:', 'the factory has a bug'],
      ['lambda-mcp:', 'the store has a bug'],
    ]);
    // The error itself goes to console.error, so its stack (and cause) is printed with it.
    for (const [, error] of printed.mock.calls) expect((error as Error).stack).toContain('onerror.test.ts');
  });

  it('writes a throwing onrequest to stderr too, and changes no answer', async () => {
    const printed = captureStderr();
    const mcp = handler({
      onrequest: () => {
        throw new Error('the logger has a bug');
      },
    });
    expect((await mcp.fetch(toolCall())).status).toBe(200);
    expect(printed.mock.calls.map(([prefix, error]) => [prefix, (error as Error).message])).toEqual([
      ['lambda-mcp:', 'the logger has a bug'],
    ]);
  });
});
