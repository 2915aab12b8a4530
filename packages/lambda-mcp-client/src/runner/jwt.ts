// JWTs as the auth suite handles them: read (never verified: the suite only needs the claims to copy), and
// forged — the same claims signed by a key the suite makes on the spot, or not signed at all (`alg: none`) —
// to check that a server verifies what it is sent. Made with node:crypto, so the client needs no JOSE library.
import { constants, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { isRecord } from '../guards.js';

/** A JWT's decoded header and claims. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function part(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header and claims of a compact JWS, or `undefined` for a token that is not one (an opaque token).
 * Nothing is verified.
 *
 * @example
 * decodeJwt(token)?.payload.sub; // 'my-client'
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = part(parts[0]);
  const payload = part(parts[1]);
  return header && payload ? { header, payload } : undefined;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** How each supported algorithm signs: the key to make and node:crypto's digest and options. */
const ALGORITHMS: Record<string, { key: () => KeyObject; digest: string; options?: object }> = {
  RS256: { key: () => rsa(), digest: 'sha256' },
  RS384: { key: () => rsa(), digest: 'sha384' },
  RS512: { key: () => rsa(), digest: 'sha512' },
  PS256: {
    key: () => rsa(),
    digest: 'sha256',
    options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  },
  ES256: { key: () => ec('P-256'), digest: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { key: () => ec('P-384'), digest: 'sha384', options: { dsaEncoding: 'ieee-p1363' } },
};

function rsa(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function ec(namedCurve: string): KeyObject {
  return generateKeyPairSync('ec', { namedCurve }).privateKey;
}

/**
 * `jwt` re-signed by a key made just now: same header (so the same `kid`, pointing at the real key) and same
 * claims, with the algorithm of the original when it is one of RS256/384/512, PS256, ES256/384 (else RS256).
 * A server that verifies signatures refuses it.
 *
 * @example
 * const forged = forgeJwt(decodeJwt(realToken)!);
 */
export function forgeJwt(jwt: DecodedJwt): string {
  const alg = typeof jwt.header.alg === 'string' && jwt.header.alg in ALGORITHMS ? jwt.header.alg : 'RS256';
  const how = ALGORITHMS[alg] as (typeof ALGORITHMS)[string];
  const input = `${encode({ ...jwt.header, alg })}.${encode(jwt.payload)}`;
  const signature = sign(how.digest, Buffer.from(input), { key: how.key(), ...how.options });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * `jwt`'s claims under `alg: none` with an empty signature (RFC 7519 §6.1, an "unsecured JWT"): a server
 * that accepts it accepts anything.
 *
 * @example
 * const unsigned = unsignedJwt(decodeJwt(realToken)!);
 */
export function unsignedJwt(jwt: DecodedJwt): string {
  const { kid: _kid, ...header } = jwt.header;
  return `${encode({ ...header, alg: 'none' })}.${encode(jwt.payload)}.`;
}

/**
 * Who a token says its bearer is — its client (`client_id`, else `azp`) and subject (`sub`), as servers bind
 * sessions to them — when it is a JWT that says so.
 *
 * @example
 * principalOf(token); // 'client my-client sub alice'
 */
export function principalOf(token: string): string | undefined {
  const payload = decodeJwt(token)?.payload;
  const client = payload?.client_id ?? payload?.azp;
  const parts = [
    ...(typeof client === 'string' ? [`client ${client}`] : []),
    ...(typeof payload?.sub === 'string' ? [`sub ${payload.sub}`] : []),
  ];
  return parts.length > 0 ? parts.join(' ') : undefined;
}
