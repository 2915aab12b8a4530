// The key source against a real loopback server: discovery (RFC 8414 first, OpenID Connect second, issuer with a
// path), the issuer check, and the bounds on every fetch (deadline, size cap) that turn into a 503 HttpError.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { KeySource } from './jwks.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A loopback server answering with `handle`; resolves its origin. Each request's path is recorded. */
async function serve(handle: (origin: string, request: IncomingMessage, response: ServerResponse) => void) {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    handle(origin, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { origin, paths };
}

const json = (response: ServerResponse, body: unknown, status = 200) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

async function publicJwk() {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
}

const header = { alg: 'ES256', kid: 'k1' };
const token = { payload: '', protected: '', signature: '' };

describe('KeySource', () => {
  it('discovers jwks_uri through OpenID Connect discovery when RFC 8414 metadata is missing, issuer path kept', async () => {
    const jwk = await publicJwk();
    const { origin, paths } = await serve((origin, request, response) => {
      if (request.url === '/tenant/.well-known/openid-configuration') {
        json(response, { issuer: `${origin}/tenant`, jwks_uri: `${origin}/tenant/keys` });
      } else if (request.url === '/tenant/keys') json(response, { keys: [jwk] });
      else json(response, { error: 'not_found' }, 404);
    });
    const keys = new KeySource({ issuer: `${origin}/tenant`, now: Date.now });
    await expect(keys.key(header, token)).resolves.toBeDefined();
    expect(paths).toEqual([
      '/.well-known/oauth-authorization-server/tenant',
      '/tenant/.well-known/openid-configuration',
      '/tenant/keys',
    ]);
    await keys.key(header, token);
    expect(keys.fetches).toBe(1);
  });

  it('refuses metadata naming another issuer (503: the keys cannot be had)', async () => {
    const { origin } = await serve((_origin, _request, response) =>
      json(response, { issuer: 'https://evil.example', jwks_uri: 'https://evil.example/keys' }),
    );
    const keys = new KeySource({ issuer: origin, now: Date.now });
    const error = await keys.key(header, token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(503);
    expect(((error as HttpError).cause as Error).message).toMatch(/names issuer https:\/\/evil\.example/);
  });

  it('caps the JWKS size and the fetch time', async () => {
    const { origin } = await serve((_origin, request, response) => {
      if (request.url === '/big') json(response, { keys: [], pad: 'x'.repeat(2048) });
      // `/slow` never answers: only the deadline ends the fetch.
    });
    const big = new KeySource({ issuer: origin, jwksUrl: `${origin}/big`, now: Date.now, maxBytes: 1024 });
    const tooBig = (await big.key(header, token).catch((e: unknown) => e)) as HttpError;
    expect(tooBig.status).toBe(503);
    expect((tooBig.cause as Error).message).toBe(`GET ${origin}/big answered more than 1024 bytes`);
    const slow = new KeySource({ issuer: origin, jwksUrl: `${origin}/slow`, now: Date.now, timeoutMs: 100 });
    const late = (await slow.key(header, token).catch((e: unknown) => e)) as HttpError;
    expect(late.status).toBe(503);
    expect(late.headers).toEqual({ 'retry-after': '5' });
    expect((late.cause as Error).name).toBe('TimeoutError');
  });

  it('keeps using a stale key set while its refresh is under way (or failing): no request waits for it', async () => {
    let clock = 0;
    const jwk = await publicJwk();
    let served = 0;
    const { origin } = await serve((_origin, _request, response) => {
      // The first fetch answers; every later one hangs until the server closes (a request that waited for it
      // would time the test out).
      if (served++ === 0) json(response, { keys: [jwk] });
    });
    const keys = new KeySource({
      issuer: origin,
      jwksUrl: `${origin}/keys`,
      now: () => clock,
      timeoutMs: 200,
    });
    await keys.key(header, token);
    clock += 10 * 60_000;
    const started = performance.now();
    await expect(keys.key(header, token)).resolves.toBeDefined();
    expect(performance.now() - started).toBeLessThan(150);
    expect(keys.fetches).toBe(2);
  });

  it('does not retry a failed fetch within a second: the 503 comes at once', async () => {
    let clock = 0;
    const { origin, paths } = await serve((_origin, _request, response) => json(response, {}, 500));
    const keys = new KeySource({ issuer: origin, jwksUrl: `${origin}/keys`, now: () => clock });
    await expect(keys.key(header, token)).rejects.toBeInstanceOf(HttpError);
    await expect(keys.key(header, token)).rejects.toBeInstanceOf(HttpError);
    expect(paths).toEqual(['/keys']);
    clock += 1000;
    await expect(keys.key(header, token)).rejects.toBeInstanceOf(HttpError);
    expect(paths).toEqual(['/keys', '/keys']);
  });
});
