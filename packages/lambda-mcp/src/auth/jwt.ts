// JWT access-token verification (RFC 9068 style): signature against the issuer's JWKS, `iss`, `aud`, `exp`/`nbf`
// with 30 s of clock skew, and the algorithm from an asymmetric allow-list; a verified token is remembered for a
// minute at most. Loaded only when auth is on (the gate imports it dynamically, on the first request with a
// token), so a server without AUTH_ISSUER never loads `jose` on its cold path.
//
// Why `jose`: it verifies any OIDC/OAuth issuer's JWKS (Cognito, Entra ID, Auth0, Okta, Keycloak, oidc-provider)
// with no coupling to one vendor's SDK, has no dependencies of its own, and uses Web Crypto, so it runs the same
// on every Node version Lambda offers; the alternatives are vendor-specific (aws-jwt-verify) or pull in a tree.
import { type AuthInfo, OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import { errors, type JWTVerifyOptions, jwtVerify } from 'jose';
import { authInfoFromClaims } from './claims.js';
import { ALLOWED_ALGORITHMS } from './config.js';
import { KeySource, type KeySourceOptions } from './jwks.js';

/** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_SKEW_SECONDS = 30;

/** Tokens whose verification is remembered, at most; the least recently used goes first. */
const CACHE_ENTRIES = 1000;
/** Longest a verification is remembered, in seconds (a key the issuer withdraws stops working within it). */
const CACHE_SECONDS = 60;
/** Longest token whose verification is remembered, in characters (bounds the cache's memory). */
const CACHE_MAX_TOKEN = 4096;

/** Settings of {@link createJwtVerifier}: where the keys are, and what a token must be besides well signed. */
export interface JwtVerifierOptions extends KeySourceOptions {
  /** Accept a token without `aud` (then `clientIds` is what binds it to this server). */
  audienceOptional?: boolean;
  /** The clients (`client_id`, `azp` or `cid`) whose tokens are accepted; default any. */
  clientIds?: readonly string[];
}

/** Verifies the JWT access tokens of one issuer; see {@link createJwtVerifier}. */
export interface JwtVerifier {
  /**
   * Verifies `token` for `audience` (the `aud` it must carry, one of its values); rejects with
   * `OAuthError(invalid_token)` or the keys' 503 `HttpError`.
   */
  verify(token: string, audience: string): Promise<AuthInfo>;
  /** The issuer's cached key set. */
  readonly keys: KeySource;
}

/**
 * A verifier for the JWT access tokens `issuer` signs, with its keys from `jwksUrl` or discovery.
 *
 * @example
 * const jwt = createJwtVerifier({ issuer: 'https://auth.example.com', now: Date.now });
 * const info = await jwt.verify(token, 'https://mcp.example.com/mcp');
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const keys = new KeySource(options);
  // A signature check costs about half a millisecond and clients send one token many times: a verified token
  // is remembered (until its `exp`, for at most a minute) so a repeat needs no cryptography.
  const verified = new Map<string, { info: AuthInfo; until: number }>();
  return {
    keys,
    async verify(token, audience) {
      const nowSeconds = options.now() / 1000;
      const key = `${audience}\n${token}`;
      const hit = verified.get(key);
      if (hit) {
        verified.delete(key);
        if (nowSeconds < hit.until) {
          verified.set(key, hit); // most recently used again
          return hit.info;
        }
      }
      const info = await verifyToken(token, audience, keys, options);
      if (token.length <= CACHE_MAX_TOKEN) {
        // Never past `exp`: the SDK's bearer check refuses an expired token whatever the skew allowed here.
        const until = Math.min(info.expiresAt ?? 0, nowSeconds + CACHE_SECONDS);
        verified.set(key, { info, until });
        if (verified.size > CACHE_ENTRIES) verified.delete(verified.keys().next().value as string);
      }
      return info;
    },
  };
}

/** One full verification: signature, registered claims, then the server's own rules. */
async function verifyToken(
  token: string,
  audience: string,
  keys: KeySource,
  rules: JwtVerifierOptions,
): Promise<AuthInfo> {
  const refuse = (description: string) => new OAuthError(OAuthErrorCode.InvalidToken, description);
  try {
    const { payload } = await verifyWithAnyKey(token, keys, {
      issuer: rules.issuer,
      ...(!rules.audienceOptional && { audience }),
      algorithms: [...ALLOWED_ALGORITHMS],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(rules.now()),
      requiredClaims: ['exp'],
    });
    // Amazon Cognito marks its tokens; an ID token is not an access token, whatever else it carries.
    if (payload.token_use !== undefined && payload.token_use !== 'access') {
      throw refuse('Token is not an access token');
    }
    // Without a required audience, an `aud` that is there must still name this resource.
    const auds = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (rules.audienceOptional && auds.length > 0 && !auds.includes(audience)) {
      throw refuse('Token was not issued for this resource');
    }
    if (rules.clientIds) {
      const client = [payload.client_id, payload.azp, payload.cid].find((v) => typeof v === 'string');
      if (typeof client !== 'string' || !rules.clientIds.includes(client)) {
        throw refuse('Token was issued to a client this server does not accept');
      }
    }
    return authInfoFromClaims(token, payload, audience);
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      throw new OAuthError(OAuthErrorCode.InvalidToken, describeRejection(error));
    }
    throw error;
  }
}

/**
 * `jwtVerify` with the key the token's header selects; a token without `kid` that several keys of the set
 * match (during a rotation) is tried against each in turn.
 */
async function verifyWithAnyKey(token: string, keys: KeySource, options: JWTVerifyOptions) {
  try {
    return await jwtVerify(token, keys.key, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return await jwtVerify(token, key, options);
      } catch (attempt) {
        if (!(attempt instanceof errors.JWSSignatureVerificationFailed)) throw attempt;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** A fixed description per kind of rejection: nothing of the token itself goes into an answer or a log. */
function describeRejection(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'Token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return 'Token was not issued for this resource';
      case 'iss':
        return 'Token was not issued by the expected authorization server';
      case 'nbf':
        return 'Token is not yet valid';
      case 'iat':
        return 'Token was issued in the future';
      default:
        return `Token has an invalid "${error.claim}" claim`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Token signing algorithm is not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Token was signed by an unknown key';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'Token names no key id and several keys match';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  return 'Token is malformed';
}
