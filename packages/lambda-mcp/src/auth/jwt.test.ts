// The JWT verifier against a real loopback JWKS: a verified token is remembered until its `exp` and for a minute
// at most, per audience; a refusal is never remembered.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthError } from '@modelcontextprotocol/server';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createJwtVerifier } from './jwt.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function keyServer(keys: { keys: unknown[] }) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(keys));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createJwtVerifier', () => {
  it('remembers a verified token until its exp, a minute at most, per audience, and no refusal', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const origin = await keyServer({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
    let clock = Date.now();
    const jwt = createJwtVerifier({ issuer: origin, jwksUrl: `${origin}/jwks`, now: () => clock });
    // Counts the key lookups: one per verification that does the cryptography.
    const lookup = jwt.keys.key;
    let lookups = 0;
    jwt.keys.key = (...args) => {
      lookups++;
      return lookup(...args);
    };
    const audience = 'https://mcp.example/mcp';
    const sign = (expiresAt: number) =>
      new SignJWT({ client_id: 'c', scope: 'mcp:tools' })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(origin)
        .setAudience(audience)
        .setExpirationTime(expiresAt)
        .sign(privateKey);
    const seconds = () => Math.floor(clock / 1000);

    const token = await sign(seconds() + 3600);
    expect((await jwt.verify(token, audience)).clientId).toBe('c');
    expect((await jwt.verify(token, audience)).clientId).toBe('c');
    expect(lookups).toBe(1);
    await expect(jwt.verify(token, 'https://other.example/mcp')).rejects.toThrow(
      'Token was not issued for this resource',
    );
    await expect(jwt.verify(token, 'https://other.example/mcp')).rejects.toThrow(OAuthError);
    expect(lookups).toBe(3);
    clock += 61_000;
    expect((await jwt.verify(token, audience)).clientId).toBe('c');
    expect(lookups).toBe(4);

    const brief = await sign(seconds() + 10);
    expect((await jwt.verify(brief, audience)).clientId).toBe('c');
    clock += 41_000; // past exp and the 30 s of skew
    await expect(jwt.verify(brief, audience)).rejects.toThrow('Token has expired');
  });
});
