// Permanent client errors answer 4xx, never 500/503 (issue 14): malformed Host and request targets, methods
// undici's Request refuses, deep JSON nesting, over-long tool names with internal events on, implausible
// session ids, oversized initialize params, and a streamed body far over the limit. Over real HTTP (raw
// sockets where fetch cannot send the input) and in process.
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createLambdaMcp, MemorySessionStore } from 'lambda-mcp';
import { type LocalMcpServer, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestServer } from './fixtures/test-server.js';
import {
  ACCEPT_BOTH,
  initializeMessage,
  openSession,
  post,
  sseMessages,
  TEST_KEY,
  testHandler,
  URL_,
} from './helpers.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `text` over a fresh TCP connection and parses the one HTTP answer (read until the server closes). */
function raw(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(parseAnswer(data)));
    socket.write(text);
  });
}

function parseAnswer(data: string): RawAnswer {
  const split = data.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = data.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (;;) {
      const eol = body.indexOf('\r\n');
      const size = Number.parseInt(body.slice(0, eol), 16);
      if (!size) break;
      out += body.slice(eol + 2, eol + 2 + size);
      body = body.slice(eol + 2 + size + 2);
    }
    body = out;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function rawRequest(method: string, target: string, host: string | undefined, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  if (host !== undefined) lines.push(`Host: ${host}`);
  lines.push('Connection: close', 'Content-Type: application/json', `Accept: ${ACCEPT_BOTH}`);
  if (method !== 'GET') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A JSON value nesting `levels` objects deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

let local: LocalMcpServer;
let port: number;

beforeAll(async () => {
  const handler = createLambdaMcp(createTestServer, {
    ...localServerOptions('127.0.0.1', {}),
    requestStateKey: TEST_KEY,
    onerror: () => {},
  });
  local = await serveLocal(handler, { port: 0, host: '127.0.0.1' });
  port = Number(new URL(local.url).port);
});

afterAll(async () => {
  await local.close();
});

describe('malformed Host, request target and method over real HTTP', () => {
  const cases: {
    name: string;
    method: string;
    target: string;
    host?: string;
    status: number;
    allow?: string;
  }[] = [
    { name: 'Host `a b`', method: 'POST', target: '/mcp', host: 'a b', status: 400 },
    { name: 'Host `[`', method: 'POST', target: '/mcp', host: '[', status: 400 },
    { name: 'Host `a:b:c`', method: 'POST', target: '/mcp', host: 'a:b:c', status: 400 },
    { name: 'Host `127.0.0.1:99999`', method: 'POST', target: '/mcp', host: '127.0.0.1:99999', status: 400 },
    { name: 'Host `localhost:abc`', method: 'POST', target: '/mcp', host: 'localhost:abc', status: 400 },
    {
      name: 'target `http://[::1/mcp`',
      method: 'POST',
      target: 'http://[::1/mcp',
      host: '127.0.0.1',
      status: 400,
    },
    { name: 'target `*`', method: 'GET', target: '*', host: '127.0.0.1', status: 400 },
    {
      name: 'method TRACE',
      method: 'TRACE',
      target: '/mcp',
      host: '127.0.0.1',
      status: 405,
      allow: 'GET, POST, DELETE',
    },
    {
      name: 'method TRACK',
      method: 'TRACK',
      target: '/mcp',
      host: '127.0.0.1',
      status: 405,
      allow: 'GET, POST, DELETE',
    },
    {
      name: 'method CONNECT',
      method: 'CONNECT',
      target: '127.0.0.1:443',
      host: '127.0.0.1',
      status: 405,
      allow: 'GET, POST, DELETE',
    },
  ];
  it.each(cases)(
    '$name answers $status with a JSON-RPC error',
    async ({ method, target, host, status, allow }) => {
      const answer = await raw(port, rawRequest(method, target, host, method === 'POST' ? TOOLS_LIST : ''));
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toContain('application/json');
      expect(JSON.parse(answer.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
      if (allow) expect(answer.headers.allow).toBe(allow);
    },
  );

  it('closes a keep-alive connection it left a body unread on, and says so: the next request still works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (contentType: string, body: string) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/mcp',
            agent,
            headers: { 'content-type': contentType, accept: 'application/json, text/event-stream' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      // A 415 is answered before the body is read: the connection goes, announced.
      expect(await send('text/plain', 'x'.repeat(200_000))).toEqual({ status: 415, connection: 'close' });
      // Without the announcement the agent would reuse the dead socket and this would fail with ECONNRESET.
      expect((await send('application/json', JSON.stringify(initializeMessage()))).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('still serves a well-formed request afterwards', async () => {
    const answer = await raw(
      port,
      rawRequest('POST', '/mcp', `127.0.0.1:${port}`, JSON.stringify(initializeMessage())),
    );
    expect(answer.status).toBe(200);
  });
});

describe('bad input in process', () => {
  it.each(['a b', '[', 'a:b:c', '127.0.0.1:99999', 'localhost:abc'])(
    'Host `%s` answers 400',
    async (host) => {
      const handler = testHandler();
      const response = await post(handler, initializeMessage(), { host });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: -32000 } });
      expect(handler.errors).toEqual([]);
    },
  );

  it.each([
    ['2025 initialize', '2025-11-25'],
    ['2025-03-26 initialize', '2025-03-26'],
  ])('a %s nesting 1,000 levels in capabilities.experimental answers 400 -32600', async (_name, version) => {
    const handler = testHandler();
    const message = initializeMessage(version, 'raw', { experimental: nested(1000) });
    const response = await post(handler, message);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32600 } });
    expect(handler.errors).toEqual([]);
  });

  it('a 2026 request nesting 1,000 levels answers 400 -32600', async () => {
    const handler = testHandler();
    const body = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: nested(1000) },
    };
    const response = await post(handler, body, { 'mcp-protocol-version': '2026-07-28' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32600 } });
  });

  it('JSON nesting 64 levels is still accepted', async () => {
    const handler = testHandler();
    const response = await post(
      handler,
      initializeMessage('2025-11-25', 'raw', { experimental: nested(50) }),
    );
    expect(response.status).toBe(200);
  });

  it('a 2025 tools/call with a 64 KiB tool name, internal events on, answers the unknown-tool error', async () => {
    const handler = testHandler({ internalEvents: true });
    const id = await openSession(handler);
    const name = 'x'.repeat(64 * 1024);
    const response = await post(
      handler,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: {} } },
      { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    const messages = response.headers.get('content-type')?.includes('json')
      ? [JSON.parse(text)]
      : sseMessages(text);
    const answer = messages.find((m) => m.id === 7) as { result?: { isError?: boolean }; error?: unknown };
    expect(answer.error ?? answer.result?.isError).toBeTruthy();
    expect(handler.errors).toEqual([]);
  });

  it.each([
    ['over 256 characters', 'a'.repeat(257)],
    ['over 2,040 characters', 'a'.repeat(3000)],
    ['outside the id alphabet', 'not a session!'],
  ])('an Mcp-Session-Id %s answers 404 -32001 without asking the store', async (_name, sessionId) => {
    const sessionStore = new MemorySessionStore();
    const get = vi.spyOn(sessionStore, 'get');
    const handler = testHandler({ sessionStore });
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    for (const method of ['POST', 'GET', 'DELETE']) {
      const response = await handler.fetch(
        new Request(URL_, {
          method,
          headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...headers },
          ...(method === 'POST' && { body: TOOLS_LIST }),
        }),
      );
      expect(response.status, method).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: -32001, message: 'Session not found' } });
    }
    expect(get).not.toHaveBeenCalled();
  });

  it('initialize params over 64 KiB answer 413 naming the limit, storing nothing', async () => {
    const sessionStore = new MemorySessionStore();
    const create = vi.spyOn(sessionStore, 'create');
    const handler = testHandler({ sessionStore });
    const message = initializeMessage('2025-11-25', 'raw', {
      experimental: { big: { blob: 'x'.repeat(70 * 1024) } },
    });
    const response = await post(handler, message);
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('65536');
    expect(create).not.toHaveBeenCalled();
    expect(handler.errors).toEqual([]);
  });
});

describe('node adapter body limit', () => {
  it('stops reading a 64 MiB streamed body at a 1 MiB limit, answers 413 and closes', async () => {
    const handler = createLambdaMcp(createTestServer, {
      ...localServerOptions('127.0.0.1', {}),
      requestStateKey: TEST_KEY,
      maxBodyBytes: 1024 * 1024,
      onerror: () => {},
    });
    const small = await serveLocal(handler, { port: 0, host: '127.0.0.1' });
    const serverSockets: Socket[] = [];
    small.server.server.on('connection', (socket: Socket) => serverSockets.push(socket));
    try {
      const smallPort = Number(new URL(small.url).port);
      const started = Date.now();
      const answer = await new Promise<{ text: string; sent: number }>((resolve) => {
        const socket = connect(smallPort, '127.0.0.1');
        let text = '';
        let sent = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          socket.destroy();
          resolve({ text, sent });
        };
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
        });
        socket.on('error', finish);
        socket.on('close', finish);
        socket.write(
          `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${smallPort}\r\nContent-Type: application/json\r\n` +
            `Accept: ${ACCEPT_BOTH}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const frame = Buffer.concat([
          Buffer.from(`${chunk.length.toString(16)}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        ]);
        const pump = () => {
          while (!done && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!socket.write(frame)) {
              socket.once('drain', pump);
              return;
            }
          }
          if (!done) socket.write('0\r\n\r\n');
        };
        pump();
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(answer.text.startsWith('HTTP/1.1 413')).toBe(true);
      expect(answer.text).toContain('Payload Too Large');
      const read = serverSockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
      expect(read).toBeLessThan(8 * 1024 * 1024);
      expect(answer.sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await small.close();
    }
  });
});
