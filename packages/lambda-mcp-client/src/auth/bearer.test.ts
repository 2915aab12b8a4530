// The bearer fetch against a real HTTP server: the token on every request unless the request sets its own
// Authorization header, a 401 retried once with a fresh token when the source can issue one (bodies replayed),
// and a fixed token's 401 handed back as it came.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { identitiesFor, withBearer } from './bearer.js';
import { CachedTokenSource, fixedToken } from './token-source.js';

interface Seen {
  authorization: string | undefined;
  body: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server that answers 200 to `Bearer <accepted>` (whatever `accepted` holds now) and 401 otherwise. */
async function server(accepted: { token: string }) {
  const seen: Seen[] = [];
  const http = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({ authorization: request.headers.authorization, body });
    const ok = request.headers.authorization === `Bearer ${accepted.token}`;
    response.writeHead(ok ? 200 : 401, ok ? {} : { 'www-authenticate': 'Bearer error="invalid_token"' });
    response.end(ok ? 'ok' : 'no');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => http.close(() => resolve())));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, seen };
}

describe('withBearer', () => {
  it('adds the token to requests given as URL + init and as a Request, keeping their headers', async () => {
    const { url, seen } = await server({ token: 'T' });
    const fetchFn = withBearer(fetch, fixedToken('T'));
    expect((await fetchFn(url, { method: 'POST', headers: { 'x-a': '1' }, body: 'one' })).status).toBe(200);
    expect((await fetchFn(new Request(url, { method: 'POST', body: 'two' }))).status).toBe(200);
    expect(seen).toEqual([
      { authorization: 'Bearer T', body: 'one' },
      { authorization: 'Bearer T', body: 'two' },
    ]);
  });

  it('leaves a request that sets its own Authorization header alone', async () => {
    const { url, seen } = await server({ token: 'T' });
    const response = await withBearer(fetch, fixedToken('T'))(url, {
      headers: { authorization: 'Bearer other' },
    });
    expect(response.status).toBe(401);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer other']);
  });

  it('retries a 401 once with a fresh token, replaying the body, for a source that can issue one', async () => {
    const accepted = { token: 'token-1' };
    const { url, seen } = await server(accepted);
    let issued = 0;
    const source = new CachedTokenSource(async () => ({ accessToken: `token-${++issued}` }), 'test');
    const fetchFn = withBearer(fetch, source);
    expect((await fetchFn(url, { method: 'POST', body: 'a' })).status).toBe(200);
    accepted.token = 'token-2'; // token-1 revoked mid-run
    expect((await fetchFn(new Request(url, { method: 'POST', body: 'b' }))).status).toBe(200);
    expect(seen).toEqual([
      { authorization: 'Bearer token-1', body: 'a' },
      { authorization: 'Bearer token-1', body: 'b' },
      { authorization: 'Bearer token-2', body: 'b' },
    ]);
    // token-2 was fetched because of a 401: when it is refused too, the 401 comes back (no loop of requests).
    accepted.token = 'never';
    expect((await fetchFn(url, { method: 'POST', body: 'c' })).status).toBe(401);
    expect((await fetchFn(url, { method: 'POST', body: 'd' })).status).toBe(401);
    expect(issued).toBe(2);
    expect(seen.slice(3).map((s) => s.authorization)).toEqual(['Bearer token-2', 'Bearer token-2']);
  });

  it("hands a fixed token's 401 back without a retry", async () => {
    const { url, seen } = await server({ token: 'right' });
    expect((await withBearer(fetch, fixedToken('wrong'))(url)).status).toBe(401);
    expect(seen).toHaveLength(1);
  });
});

describe('identitiesFor', () => {
  const url = new URL('http://127.0.0.1:1/mcp');
  const credentials = { clientId: 'c', clientSecret: 's' };

  it('uses --token first, with --client-credentials as the second identity', () => {
    const both = identitiesFor({ token: 'T', clientCredentials: credentials }, url, fetch);
    expect(both.primary?.label).toBe('--token');
    expect(both.second?.label).toBe('--client-credentials c');
    expect(identitiesFor({ clientCredentials: credentials }, url, fetch).primary?.label).toBe(
      '--client-credentials c',
    );
    expect(identitiesFor({ clientCredentials: credentials }, url, fetch).second).toBeUndefined();
    expect(identitiesFor({}, url, fetch)).toEqual({});
  });
});
