// The bearer-token gate in front of every MCP request when auth is on: the token from the `Authorization` header
// only, verified (the JWT verifier, loaded on first use, or the configured one) through the SDK's
// `verifyBearerToken`, and refused with the SDK's `bearerAuthChallengeResponse` (401 `invalid_token`, 403
// `insufficient_scope` with the needed `scope`) or, with no credentials at all, RFC 6750's bare challenge.
import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
  verifyBearerToken,
} from '@modelcontextprotocol/server';
import { HttpError } from '../errors.js';
import { RpcCode } from '../http/responses.js';
import type { ResolvedAuth } from './config.js';
import type { JwtVerifier } from './jwt.js';
import { metadataUrlFor, resourceFor } from './metadata.js';

/** Longest `Authorization` header value the gate tries to verify, in characters (16 KiB). */
export const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

/** What the gate needs besides the settings. */
export interface AuthGateOptions {
  now: () => number;
  /** Receives the cause when the keys cannot be fetched (the client gets the 503). */
  onerror: (error: Error) => void;
  /** For tests: the fetch the key source uses. */
  fetch?: typeof fetch;
}

/** Authenticates requests for one resource server; see {@link createAuthGate}. */
export interface AuthGate {
  /**
   * The verified caller, or the refusal to answer with. Rejects with an `HttpError(503)` when the signing keys
   * cannot be fetched (reported to `onerror` first).
   */
  authenticate(request: Request, endpointPath?: string): Promise<AuthInfo | Response>;
  /** The JWT verifier once loaded (absent with a custom verifier), for diagnostics and tests. */
  readonly jwt: JwtVerifier | undefined;
}

/**
 * The gate for `auth`. The JWT verifier (and with it `jose`) is imported on the first request that carries a
 * token, so a process serving only unauthenticated probes never loads it.
 *
 * @example
 * const gate = createAuthGate(resolveAuth({ issuer: 'https://auth.example.com' }), { now: Date.now, onerror: console.error });
 * const result = await gate.authenticate(request);
 * if (result instanceof Response) return result;
 */
export function createAuthGate(auth: ResolvedAuth, options: AuthGateOptions): AuthGate {
  let jwt: JwtVerifier | undefined;
  let loading: Promise<JwtVerifier> | undefined;
  const loadJwt = () => {
    loading ??= import('./jwt.js').then(({ createJwtVerifier }) => {
      jwt = createJwtVerifier({
        issuer: auth.issuer,
        ...(auth.jwksUrl && { jwksUrl: auth.jwksUrl }),
        now: options.now,
        ...(options.fetch && { fetch: options.fetch }),
        // Without a configured audience, the client list is what binds a token without `aud` to this server.
        audienceOptional: auth.audience === undefined && auth.clientIds !== undefined,
        ...(auth.clientIds && { clientIds: auth.clientIds }),
      });
      return jwt;
    });
    return loading;
  };
  const requiredScopes = [...auth.requiredScopes];

  return {
    get jwt() {
      return jwt;
    },
    async authenticate(request, endpointPath) {
      const resource = resourceFor(auth, request, endpointPath);
      const resourceMetadataUrl = metadataUrlFor(resource);
      const challenge = { requiredScopes, resourceMetadataUrl };
      const refuse = (description: string) =>
        bearerAuthChallengeResponse(new OAuthError(OAuthErrorCode.InvalidToken, description), challenge);
      if (new URL(request.url).searchParams.has('access_token')) {
        return refuse(
          'Access tokens must be sent in the Authorization header, never in the URI query string',
        );
      }
      const header = request.headers.get('authorization');
      if (header === null || header.trim() === '') return missingTokenChallenge(challenge);
      if (header.length > MAX_AUTHORIZATION_LENGTH) return refuse('Token is too long');
      let verifier: OAuthTokenVerifier;
      if (auth.verifier) {
        verifier = auth.verifier;
      } else {
        const loaded = await loadJwt();
        const audience = auth.audience ?? resource.href;
        verifier = { verifyAccessToken: (token) => loaded.verify(token, audience) };
      }
      try {
        return await verifyBearerToken(header.trim(), {
          verifier,
          requiredScopes,
          resourceMetadataUrl,
          // A custom verifier's tokens are bound to this resource through the `resource` it reports.
          ...(auth.verifier && { expectedResource: resource }),
        });
      } catch (failure) {
        if (failure instanceof OAuthError) return bearerAuthChallengeResponse(failure, challenge);
        // A custom verifier (token introspection, say) that fails otherwise, unreachable or broken, is no
        // verdict on the token: the request gets a 503 to retry, as when the JWKS cannot be fetched.
        const error =
          auth.verifier && !(failure instanceof HttpError)
            ? new HttpError(
                503,
                RpcCode.InternalError,
                'Service Unavailable: the token verifier failed',
                { 'retry-after': '1' },
                { cause: failure },
              )
            : failure;
        if (error instanceof HttpError && error.status === 503) {
          const cause = error.cause instanceof Error ? error.cause : error;
          options.onerror(
            new HttpError(503, error.code, `${error.message}: ${cause.message}`, {}, { cause }),
          );
        }
        throw error;
      }
    },
  };
}

/**
 * RFC 6750 §3.1: a request with no credentials gets the challenge without an error code; `scope` names what
 * every request needs, `resource_metadata` where to learn the rest.
 */
function missingTokenChallenge(o: { requiredScopes: string[]; resourceMetadataUrl: string }): Response {
  const quote = (value: string) => value.replaceAll(/[\\"]/g, '\\$&');
  let challenge = `Bearer resource_metadata="${quote(o.resourceMetadataUrl)}"`;
  if (o.requiredScopes.length > 0) challenge += `, scope="${quote(o.requiredScopes.join(' '))}"`;
  return Response.json(
    { error: OAuthErrorCode.InvalidToken, error_description: 'Authorization required: send a bearer token' },
    { status: 401, headers: { 'www-authenticate': challenge } },
  );
}
