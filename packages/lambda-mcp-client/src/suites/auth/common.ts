// What the auth suite's checks share: the skip reasons of a run without identities, the request each check
// sends (the selected revision's first request: server/discover, or a 2025 initialize whose session is cleaned
// up), reading a Bearer challenge with the SDK's parser, and quoting a refusal with its challenge.
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import type { TokenSource } from '../../auth/token-source.js';
import { describeResponse, type ReadResponse, readResponse } from '../../runner/assert.js';
import {
  cleanUpSession,
  initializeHeaders,
  initializeMessage,
  isModern,
  modernRequest,
} from '../../runner/mcp.js';
import type { TestContext } from '../../runner/types.js';

/** Why every auth check is skipped without an identity: nothing says the server should demand one. */
export const NO_IDENTITY =
  'not run: the auth suite needs a token (--token, LAMBDA_MCP_TOKEN or --client-credentials)';
/** Why the cross-principal check is skipped with one identity. */
export const NO_SECOND_IDENTITY =
  'not run: needs a second identity (--token plus --client-credentials for another principal)';

/** The run's token source; skips the check without one. */
export function primary(ctx: TestContext): TokenSource {
  const source = ctx.identities.primary;
  if (!source) ctx.skip(NO_IDENTITY);
  return source;
}

/**
 * Sends the selected revision's opening request (`server/discover` for 2026-07-28, `initialize` for 2025)
 * with `authorization` as given (`undefined`: no header at all), through the fetch that adds no token. A
 * session it opens is deleted when the check ends.
 */
export async function openingRequest(ctx: TestContext, authorization: string | undefined): Promise<Response> {
  const auth: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (isModern(ctx.version)) {
    const { headers, message } = modernRequest('server/discover', {}, { id: 'lambda-mcp-client-auth' });
    return ctx.bareFetch(ctx.url, {
      method: 'POST',
      headers: { ...headers, ...auth },
      body: JSON.stringify(message),
    });
  }
  const response = await ctx.bareFetch(ctx.url, {
    method: 'POST',
    headers: { ...initializeHeaders(), ...auth },
    body: JSON.stringify(initializeMessage(ctx.version, 'lambda-mcp-client-auth')),
  });
  cleanUpSession(ctx, response, ctx.version);
  return response;
}

/** A response read in full, with its `WWW-Authenticate` challenge parsed. */
export interface Refusal {
  read: ReadResponse;
  challenge: string | null;
  params: ReturnType<typeof extractWWWAuthenticateParams>;
}

/** Reads `response` and its Bearer challenge (the SDK's parser). */
export async function readRefusal(response: Response): Promise<Refusal> {
  const challenge = response.headers.get('www-authenticate');
  const params = extractWWWAuthenticateParams(response);
  return { read: await readResponse(response), challenge, params };
}

/** `401 …, WWW-Authenticate: Bearer …` — how a refusal is quoted in a failure message. */
export function describeRefusal(refusal: Refusal): string {
  const challenge =
    refusal.challenge === null ? 'no WWW-Authenticate' : `WWW-Authenticate: ${refusal.challenge}`;
  return `${describeResponse(refusal.read)}; ${challenge}`;
}
