// The auth suite's forgeries: the same header (kid included) and claims under a signature of a fresh key in
// the original's algorithm (which that fresh public key verifies, and the original key would not), or under
// alg none with no signature; and the principal a token names.
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJwt, forgeJwt, principalOf, unsignedJwt } from './jwt.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A real RS256 token signed by `key`. */
function realToken(claims: Record<string, unknown>) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'real-key' })}.${b64(claims)}`;
  return {
    token: `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`,
    publicKey,
  };
}

describe('decodeJwt', () => {
  it('reads header and claims, and nothing from a token that is not a JWS', () => {
    const { token } = realToken({ sub: 'alice' });
    expect(decodeJwt(token)).toEqual({
      header: { alg: 'RS256', typ: 'at+jwt', kid: 'real-key' },
      payload: { sub: 'alice' },
    });
    expect(decodeJwt('opaque-token')).toBeUndefined();
    expect(decodeJwt('a.b.c')).toBeUndefined();
    expect(decodeJwt(`${b64([1])}.${b64({})}.x`)).toBeUndefined();
  });
});

describe('forgeJwt', () => {
  it('keeps header and claims; the signature is not the real key’s', () => {
    const claims = { iss: 'https://as', aud: 'https://rs/mcp', sub: 'alice', exp: 2_000_000_000 };
    const { token, publicKey } = realToken(claims);
    const forged = forgeJwt(decodeJwt(token) as NonNullable<ReturnType<typeof decodeJwt>>);
    expect(decodeJwt(forged)).toEqual(decodeJwt(token));
    const [header, payload, signature] = forged.split('.') as [string, string, string];
    expect(signature).not.toBe(token.split('.')[2]);
    const ok = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
    expect(ok).toBe(false);
  });

  it('signs ES256 tokens with a P-256 key in JOSE (r||s) form, RS256 for algorithms it does not make', () => {
    const es = forgeJwt({ header: { alg: 'ES256', kid: 'k' }, payload: { sub: 'a' } });
    expect(Buffer.from(es.split('.')[2] as string, 'base64url')).toHaveLength(64);
    const other = forgeJwt({ header: { alg: 'EdDSA' }, payload: { sub: 'a' } });
    expect(decodeJwt(other)?.header.alg).toBe('RS256');
  });

  it('is verified by the key it was made with (a well-formed signature, only from the wrong key)', () => {
    // The forgery's own key is thrown away; check the mechanism with a key we keep.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64({ alg: 'RS256' })}.${b64({ sub: 'a' })}`;
    const signature = sign('sha256', Buffer.from(input), privateKey);
    expect(verify('sha256', Buffer.from(input), createPublicKey(privateKey), signature)).toBe(true);
    expect(verify('sha256', Buffer.from(input), publicKey, signature)).toBe(true);
  });
});

describe('unsignedJwt', () => {
  it('is alg none with the same claims, no kid and an empty signature', () => {
    const { token } = realToken({ sub: 'alice' });
    const unsigned = unsignedJwt(decodeJwt(token) as NonNullable<ReturnType<typeof decodeJwt>>);
    expect(unsigned.endsWith('.')).toBe(true);
    expect(decodeJwt(unsigned)).toEqual({
      header: { alg: 'none', typ: 'at+jwt' },
      payload: { sub: 'alice' },
    });
  });
});

describe('principalOf', () => {
  it('names the client and the subject, as servers bind sessions', () => {
    expect(principalOf(realToken({ client_id: 'app', sub: 'alice' }).token)).toBe('client app sub alice');
    expect(principalOf(realToken({ azp: 'app' }).token)).toBe('client app');
    expect(principalOf(realToken({ iss: 'x' }).token)).toBeUndefined();
    expect(principalOf('opaque')).toBeUndefined();
  });
});
