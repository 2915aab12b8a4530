// The auth suite's public checks: the RFC 9728 protected resource metadata at both well-known URLs (the
// path-aware one and the root one clients fall back to), and the RFC 6750 challenge of a request without a
// token and of one with a token that is no token at all.
import { isRecord } from '../../guards.js';
import { brief, check, describeResponse, readResponse } from '../../runner/assert.js';
import type { TestCase, TestContext } from '../../runner/types.js';
import { describeRefusal, openingRequest, primary, readRefusal } from './common.js';

/** The metadata URLs of the resource at `url`: path-aware (RFC 9728 §3.1) and at the root. */
export function metadataUrls(url: URL): { pathAware: URL; root: URL } {
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return {
    pathAware: new URL(`/.well-known/oauth-protected-resource${path}`, url),
    root: new URL('/.well-known/oauth-protected-resource', url),
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Fetches the metadata at `where` (no token: it is public) and checks every field a client relies on. */
async function checkMetadata(ctx: TestContext, where: URL): Promise<void> {
  const read = await readResponse(await ctx.bareFetch(where, { headers: { accept: 'application/json' } }));
  check(read.status === 200, `GET ${where.href} must answer 200 without a token`, () =>
    describeResponse(read),
  );
  let doc: unknown;
  try {
    doc = JSON.parse(read.text);
  } catch {
    doc = undefined;
  }
  check(isRecord(doc), `${where.pathname} must be a JSON object`, () => describeResponse(read));
  check(
    doc.resource === ctx.url.href,
    `its resource must be the URL tested, ${ctx.url.href} (RFC 9728 §3.3)`,
    () => brief(doc.resource),
  );
  const servers = doc.authorization_servers;
  check(
    Array.isArray(servers) && servers.length > 0 && servers.every(isHttpUrl),
    'its authorization_servers must list at least one authorization server URL (MCP authorization)',
    () => brief(servers),
  );
  const methods = doc.bearer_methods_supported;
  check(
    Array.isArray(methods) && methods.includes('header'),
    'its bearer_methods_supported must include "header" (tokens go in the Authorization header)',
    () => brief(methods),
  );
  const scopes = doc.scopes_supported;
  check(
    scopes === undefined || (Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')),
    'its scopes_supported, when present, must be an array of strings',
    () => brief(scopes),
  );
  ctx.note(
    `authorization server ${String((servers as string[])[0])}; scopes ${brief(scopes ?? 'none listed')}`,
  );
}

export const metadataTests: TestCase[] = [
  {
    suite: 'auth',
    name: 'protected resource metadata at /.well-known/oauth-protected-resource/<path>',
    versions: 'once',
    async run(ctx) {
      primary(ctx);
      await checkMetadata(ctx, metadataUrls(ctx.url).pathAware);
    },
  },
  {
    suite: 'auth',
    name: 'protected resource metadata at the root /.well-known/oauth-protected-resource',
    versions: 'once',
    async run(ctx) {
      primary(ctx);
      await checkMetadata(ctx, metadataUrls(ctx.url).root);
    },
  },
  {
    suite: 'auth',
    name: 'a request without a token answers 401 with a Bearer challenge naming resource_metadata',
    versions: 'once',
    async run(ctx) {
      primary(ctx);
      const refusal = await readRefusal(await openingRequest(ctx, undefined));
      const got = () => describeRefusal(refusal);
      check(refusal.read.status === 401, 'a request without a token must answer 401 Unauthorized', got);
      check(
        /^\s*Bearer\b/i.test(refusal.challenge ?? ''),
        'the 401 must carry a WWW-Authenticate Bearer challenge (RFC 6750 §3)',
        got,
      );
      const metadataUrl = refusal.params.resourceMetadataUrl;
      check(metadataUrl, 'the challenge must name resource_metadata (RFC 9728 §5.1)', got);
      // The URL it names must serve the resource's metadata.
      await checkMetadata(ctx, metadataUrl);
    },
  },
  {
    suite: 'auth',
    name: 'a garbage token answers 401 invalid_token',
    versions: 'once',
    async run(ctx) {
      primary(ctx);
      const refusal = await readRefusal(await openingRequest(ctx, 'Bearer not-a-token.lambda-mcp-client'));
      const got = () => describeRefusal(refusal);
      check(refusal.read.status === 401, 'a request with a garbage token must answer 401 Unauthorized', got);
      check(
        refusal.params.error === 'invalid_token',
        'its challenge must say error="invalid_token" (RFC 6750 §3.1)',
        got,
      );
      check(refusal.params.resourceMetadataUrl, 'its challenge must name resource_metadata too', got);
    },
  },
];
