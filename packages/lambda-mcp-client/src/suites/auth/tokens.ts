// The auth suite's checks with the run's own token: a server must refuse the same claims signed by a key the
// suite just made, or not signed at all (alg none); and a 2025 session opened with the token is bound to it —
// refused (401) without it, and unknown (404) to another principal.
import { check, describeResponse, readResponse } from '../../runner/assert.js';
import { decodeJwt, forgeJwt, principalOf, unsignedJwt } from '../../runner/jwt.js';
import { LEGACY_VERSIONS, openRawSessionDetails, post, sessionHeaders } from '../../runner/mcp.js';
import type { TestCase, TestContext } from '../../runner/types.js';
import { describeRefusal, NO_SECOND_IDENTITY, openingRequest, primary, readRefusal } from './common.js';

/**
 * The run's token, after checking the server accepts it (otherwise refusing a forgery proves nothing),
 * decoded; skips when it is not a JWT (an opaque token cannot be forged).
 */
async function acceptedJwt(ctx: TestContext) {
  const token = await primary(ctx).token();
  const read = await readResponse(await openingRequest(ctx, `Bearer ${token}`));
  check(
    read.status !== 401 && read.status !== 403,
    `the server must accept the run's own token (${primary(ctx).label}), or refusing a forged one proves nothing`,
    () => describeResponse(read),
  );
  const jwt = decodeJwt(token);
  if (!jwt) ctx.skip('not run: the token is not a JWT (an opaque token), so there are no claims to forge');
  return jwt;
}

/** Sends `forged` and requires 401. */
async function expectRefused(ctx: TestContext, forged: string, what: string): Promise<void> {
  const refusal = await readRefusal(await openingRequest(ctx, `Bearer ${forged}`));
  check(
    refusal.read.status === 401,
    `${what} must answer 401: a server that accepts it does not verify tokens`,
    () => describeRefusal(refusal),
  );
}

/** A ping on a 2025 session with `authorization` as given (`undefined`: none), through the fetch without a token. */
function sessionPing(ctx: TestContext, sessionId: string, authorization: string | undefined) {
  return ctx.bareFetch(ctx.url, {
    method: 'POST',
    headers: {
      ...sessionHeaders(ctx.version, sessionId),
      ...(authorization !== undefined && { authorization }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'lambda-mcp-client-auth-ping', method: 'ping' }),
  });
}

/** Opens a 2025 session with the run's token; resolves its id. */
async function tokenSession(ctx: TestContext): Promise<string> {
  primary(ctx);
  const session = await openRawSessionDetails(ctx);
  check(session.sessionId, 'initialize must return an Mcp-Session-Id header (a 2025 session)', 'none');
  // With the token the session works: the refusals below are about the token, not the session.
  const read = await readResponse(
    await post(ctx, { jsonrpc: '2.0', id: 'ok', method: 'ping' }, session.headers),
  );
  check(read.status === 200 && read.message?.result, 'a ping with the token must succeed', () =>
    describeResponse(read),
  );
  return session.sessionId;
}

export const tokenTests: TestCase[] = [
  {
    suite: 'auth',
    name: 'a token with the same claims signed by another key answers 401',
    versions: 'once',
    async run(ctx) {
      const jwt = await acceptedJwt(ctx);
      await expectRefused(
        ctx,
        forgeJwt(jwt),
        `a token signed by a key the suite made (alg ${String(jwt.header.alg)})`,
      );
    },
  },
  {
    suite: 'auth',
    name: 'an unsigned token (alg none) with the same claims answers 401',
    versions: 'once',
    async run(ctx) {
      const jwt = await acceptedJwt(ctx);
      await expectRefused(ctx, unsignedJwt(jwt), 'an unsigned token (alg none)');
    },
  },
  {
    suite: 'auth',
    name: 'a session opened with the token answers 401 without it',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const sessionId = await tokenSession(ctx);
      const refusal = await readRefusal(await sessionPing(ctx, sessionId, undefined));
      check(
        refusal.read.status === 401,
        'a request on the session without the token must answer 401 (the session id alone is no credential)',
        () => describeRefusal(refusal),
      );
    },
  },
  {
    suite: 'auth',
    name: 'a session opened with the token answers 404 to another principal',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const source = primary(ctx);
      const other = ctx.identities.second;
      if (!other) return ctx.skip(NO_SECOND_IDENTITY);
      const [mine, theirs] = await Promise.all([source.token(), other.token()]);
      const me = principalOf(mine);
      if (me !== undefined && me === principalOf(theirs)) {
        ctx.skip(`${NO_SECOND_IDENTITY}: ${source.label} and ${other.label} are the same principal (${me})`);
      }
      const sessionId = await tokenSession(ctx);
      const read = await readResponse(await sessionPing(ctx, sessionId, `Bearer ${theirs}`));
      check(
        read.status === 404,
        `the session must be unknown (404) to ${other.label}, a principal other than the one that opened it`,
        () => describeResponse(read),
      );
    },
  },
];
