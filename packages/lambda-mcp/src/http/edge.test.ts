import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { checkEdge, isOriginAllowed, readPostBody, withCors } from './edge.js';

const OPTIONS = { allowedOrigins: ['localhost', 'https://app.example.com'], maxBodyBytes: 64 };

function request(method: string, headers: Record<string, string> = {}, body?: string): Request {
  return new Request('http://127.0.0.1:3000/mcp', { method, headers, ...(body !== undefined && { body }) });
}

/** The HttpError `run` throws, asserted to be one. */
async function refusal(run: () => unknown): Promise<HttpError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an HttpError');
}

describe('the edge', () => {
  it('answers a CORS preflight with 204 and the allowed methods and headers', () => {
    const response = checkEdge(
      request('OPTIONS', { origin: 'http://localhost:5173', 'access-control-request-headers': 'x-a' }),
      OPTIONS,
    );
    expect(response?.status).toBe(204);
    expect(Object.fromEntries(response?.headers ?? [])).toEqual({
      allow: 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'x-a',
      'access-control-max-age': '86400',
    });
  });

  it('refuses a foreign origin with 403 and -32000, and other methods with 405 and Allow', async () => {
    const foreign = await refusal(() =>
      checkEdge(request('POST', { origin: 'https://evil.example' }), OPTIONS),
    );
    expect([foreign.status, foreign.code, foreign.message]).toEqual([
      403,
      -32000,
      'Forbidden: Origin not allowed',
    ]);
    const trace = await refusal(() => checkEdge(request('PUT'), OPTIONS));
    expect([trace.status, trace.code, trace.headers]).toEqual([405, -32000, { allow: 'GET, POST, DELETE' }]);
  });

  it('lets same-origin, listed and origin-less requests through', () => {
    expect(checkEdge(request('GET'), OPTIONS)).toBeUndefined();
    expect(isOriginAllowed(request('GET', { origin: 'http://127.0.0.1:3000' }), [])).toBe(true);
    expect(
      isOriginAllowed(request('GET', { origin: 'https://app.example.com' }), OPTIONS.allowedOrigins),
    ).toBe(true);
    expect(isOriginAllowed(request('GET', { origin: 'http://localhost:8080' }), OPTIONS.allowedOrigins)).toBe(
      true,
    );
    expect(isOriginAllowed(request('GET', { origin: 'null' }), ['*'])).toBe(true);
    expect(isOriginAllowed(request('GET', { origin: 'null' }), OPTIONS.allowedOrigins)).toBe(false);
  });

  it('checks the Host header against the allow-list when one is set', () => {
    const refused = checkEdge(request('GET', { host: 'evil.example' }), {
      ...OPTIONS,
      allowedHosts: ['127.0.0.1'],
    });
    expect(refused?.status).toBe(403);
    expect(
      checkEdge(request('GET', { host: '127.0.0.1:3000' }), { ...OPTIONS, allowedHosts: ['127.0.0.1'] }),
    ).toBe(undefined);
  });

  it('reads a JSON body, marks text that is not JSON, and refuses other media types (415) and big bodies (413)', async () => {
    const json = { 'content-type': 'application/json' };
    expect(await readPostBody(request('POST', json, '{"a":1}'), 64)).toEqual({
      kind: 'json',
      value: { a: 1 },
    });
    expect(await readPostBody(request('POST', json, '{"a":'), 64)).toEqual({ kind: 'invalid' });
    const media = await refusal(() =>
      readPostBody(request('POST', { 'content-type': 'text/plain' }, '{}'), 64),
    );
    expect([media.status, media.code]).toEqual([415, -32000]);
    const big = await refusal(() => readPostBody(request('POST', json, `"${'x'.repeat(64)}"`), 64));
    expect([big.status, big.code, big.message]).toEqual([
      413,
      -32000,
      'Payload Too Large: the body exceeds 64 bytes',
    ]);
  });

  it('adds the CORS answer headers only for a cross-origin caller', async () => {
    const plain = new Response('{}', { status: 201, headers: { 'mcp-session-id': 's' } });
    expect(withCors(plain, request('POST'))).toBe(plain);
    const cors = withCors(
      new Response('{}', { status: 201 }),
      request('POST', { origin: 'http://localhost' }),
    );
    expect(cors.status).toBe(201);
    expect(cors.headers.get('access-control-allow-origin')).toBe('http://localhost');
    expect(cors.headers.get('access-control-expose-headers')).toBe(
      'mcp-session-id, mcp-protocol-version, www-authenticate',
    );
    expect(cors.headers.get('vary')).toBe('Origin');
    expect(await cors.text()).toBe('{}');
  });
});
