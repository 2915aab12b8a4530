import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import type { PostBody } from '../http/edge.js';
import { decodePost, MAX_BATCH } from './post-body.js';

const BOTH = { accept: 'application/json, text/event-stream' };
const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function decode(value: unknown, headers: Record<string, string> = BOTH) {
  const body: PostBody = value === undefined ? { kind: 'invalid' } : { kind: 'json', value };
  return decodePost(new Request('http://127.0.0.1/mcp', { method: 'POST', headers }), body);
}

/** [status, JSON-RPC code, message] of what `run` throws. */
function refusal(run: () => unknown): [number, number, string] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const { status, code, message } = error as HttpError;
    return [status, code, message];
  }
  throw new Error('expected an HttpError');
}

describe('decoding a 2025 POST', () => {
  it('needs both media types in Accept (406)', () => {
    expect(refusal(() => decode(ping(1), { accept: 'application/json' }))).toEqual([
      406,
      -32000,
      'Not Acceptable: Client must accept both application/json and text/event-stream',
    ]);
  });

  it('answers a body that is not JSON with -32700 and one that is not JSON-RPC with -32600', () => {
    expect(refusal(() => decode(undefined))).toEqual([400, -32700, 'Parse error: Invalid JSON']);
    expect(refusal(() => decode({ jsonrpc: '1.0', id: 1 }))).toEqual([
      400,
      -32600,
      'Invalid Request: not a JSON-RPC 2.0 message',
    ]);
  });

  it(`takes batches of 1 to ${MAX_BATCH} messages`, () => {
    const bounds = [400, -32600, `Invalid Request: a batch holds 1 to ${MAX_BATCH} messages`];
    expect(refusal(() => decode([]))).toEqual(bounds);
    expect(refusal(() => decode(Array.from({ length: MAX_BATCH + 1 }, (_, i) => ping(i))))).toEqual(bounds);
    const full = decode(Array.from({ length: MAX_BATCH }, (_, i) => ping(i)));
    expect(full.kind === 'messages' && [full.batch, full.messages.length]).toEqual([true, MAX_BATCH]);
    expect(decode(ping(7))).toEqual({ kind: 'messages', messages: [ping(7)], batch: false });
  });

  it('opens a session with initialize sent alone, never inside a batch', () => {
    expect(decode(initialize)).toEqual({ kind: 'initialize', initialize });
    expect(refusal(() => decode([initialize, ping(1)]))).toEqual([
      400,
      -32600,
      'Invalid Request: initialize must be sent alone',
    ]);
  });
});
