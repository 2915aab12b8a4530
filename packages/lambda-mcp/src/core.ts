// The one core: `fetch(Request) → Response` for every MCP revision on one endpoint. The edge checks run
// first; then the SDK's own classifier routes 2026-07-28 traffic to the modern leg (the SDK's
// `createMcpHandler`) and 2025-era traffic to the legacy leg (lambda-mcp's sessionful transport). Adapters
// (Lambda, node:http) only convert; setup (environment, stores, local serving) sits above.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type AuthInfo, isLegacyRequest } from '@modelcontextprotocol/server';
import { hasScope } from './auth/claims.js';
import { type AuthGate, createAuthGate } from './auth/gate.js';
import { isMetadataRequest, metadataResponse } from './auth/metadata.js';
import type { LambdaMcpServerFactory } from './context.js';
import { HttpError, LambdaMcpError, StoreUnavailableError } from './errors.js';
import { EventFeed } from './events/feed.js';
import { ingestSns } from './events/sns.js';
import { compressResponse } from './http/compression.js';
import { checkEdge, type PostBody, readPostBody, withCors } from './http/edge.js';
import { limitResponseSize } from './http/response-limit.js';
import { jsonRpcErrorResponse, RpcCode } from './http/responses.js';
import { LegacyTransport } from './legacy/transport.js';
import { createModernLeg } from './modern/leg.js';
import { checkServerCopy, SdkCopyError } from './modern/sdk-copy.js';
import {
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  type LambdaMcpRequestOptions,
  markClientRejection,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { describeRequest, type Seen } from './request-record.js';

/** What the core keeps of one request while it is served, in the request's async context. */
interface RequestScope {
  /** What the adapter passed with the request (the Lambda context reaches the factory from here). */
  extras: LambdaMcpRequestOptions;
  /** While the SDK builds a 2026-07-28 answer: what it reported, held until the answer's status is known. */
  sdkReports?: Error[];
  /** Set when the factory returned a server of another copy of the SDK. */
  copyError?: SdkCopyError;
}

/**
 * Serves an MCP server factory on every protocol revision from one `fetch` handler.
 *
 * @example
 * const handler = createLambdaMcp((ctx) => {
 *   const server = new McpServer({ name: 'demo', version: '1.0.0' }, { requestState: { verify: ctx.requestState.verify } });
 *   server.registerTool('hello', { description: 'Says hello' }, async () => ({ content: [{ type: 'text', text: 'hi' }] }));
 *   return server;
 * });
 * const response = await handler.fetch(new Request('http://localhost/mcp', { method: 'POST', ... }));
 */
export function createLambdaMcp(
  factory: LambdaMcpServerFactory,
  options: LambdaMcpOptions | ResolvedOptions = {},
): LambdaMcpHandler {
  const o = resolveOptions(options);
  const { onerror, requestState, now, onrequest, compression, maxResponseBytes } = o;
  const edge = {
    allowedOrigins: o.allowedOrigins,
    allowedHosts: o.allowedHosts,
    maxBodyBytes: o.maxBodyBytes,
  };

  // What the adapter passed with the request reaches the factory through the request's async context, and
  // every server the factory returns is checked to come from the SDK copy lambda-mcp uses.
  const scope = new AsyncLocalStorage<RequestScope>();
  // With `auth` on, the gate checks every MCP request's bearer token (its JWT verifier loads on first use).
  const { auth } = o;
  const gate: AuthGate | undefined = auth && createAuthGate(auth, { now, onerror });
  let copyReported = false;
  const withInvocation: LambdaMcpServerFactory = async (ctx) => {
    const current = scope.getStore();
    const lambdaContext = current?.extras.lambdaContext;
    const server = await factory({
      ...ctx,
      ...(lambdaContext && { lambdaContext }),
      ...(auth && {
        auth: { adminScope: auth.adminScope, isAdmin: hasScope(ctx.authInfo, auth.adminScope) },
      }),
    });
    const copyError = checkServerCopy(server);
    if (!copyError) return server;
    if (current) current.copyError = copyError;
    if (!copyReported) {
      copyReported = true;
      console.error(`lambda-mcp: ${copyError.message}`);
    }
    throw copyError;
  };
  const feed = new EventFeed({
    log: o.eventLog,
    pollIntervalMs: o.pollIntervalMs,
    maxEventBytes: o.maxEventBytes,
    healthIntervalMs: o.healthIntervalMs,
    onerror,
    now,
  });
  // The SDK reports the requests it rejects (a wrong protocol version, a header that contradicts the body, a
  // missing client capability) through `onerror` just before it answers them with a 4xx. What it reports
  // while building an answer waits for that answer: reports behind a 4xx are marked as client rejections,
  // which the default `onerror` does not print. A copy mismatch is answered and reported by the core.
  const sdkOptions: ResolvedOptions = {
    ...o,
    onerror: (error) => {
      if (error instanceof SdkCopyError) return;
      const pending = scope.getStore()?.sdkReports;
      if (pending) pending.push(error);
      else onerror(error);
    },
  };
  const modern = createModernLeg((ctx) => withInvocation({ ...ctx, requestState }), sdkOptions, feed);
  const legacy = new LegacyTransport(withInvocation, o, feed);

  const serveModern = async (
    request: Request,
    body: PostBody | undefined,
    authInfo: AuthInfo | undefined,
    current: RequestScope,
  ): Promise<Response> => {
    const reports: Error[] = [];
    current.sdkReports = reports;
    let status = 500;
    try {
      const response = await modern.handle(request, body, authInfo);
      status = response.status;
      return response;
    } finally {
      current.sdkReports = undefined;
      for (const error of reports) {
        if (status >= 400 && status < 500) markClientRejection(error);
        onerror(error);
      }
    }
  };

  const route = async (request: Request, seen: Seen, current: RequestScope): Promise<Response> => {
    const { endpointPath } = current.extras;
    if (auth) {
      // The metadata documents are public (open CORS, no token): clients read them to learn how to get one.
      const metadata = metadataResponse(auth, request, endpointPath);
      if (metadata) return metadata;
    } else if (isMetadataRequest(request)) {
      return jsonRpcErrorResponse(
        404,
        RpcCode.ServerError,
        'Not Found: this endpoint needs no authorization',
      );
    }
    const early = checkEdge(request, edge);
    if (early) return early;
    let authInfo = current.extras.authInfo;
    if (gate) {
      const verified = await gate.authenticate(request, endpointPath);
      if (verified instanceof Response) return verified;
      authInfo = verified;
    }
    let body: PostBody | undefined;
    if (request.method === 'POST') body = await readPostBody(request, o.maxBodyBytes);
    seen.body = body;
    const isLegacy = body?.kind === 'invalid' || (await isLegacyRequest(request, body?.value));
    seen.era = isLegacy ? 'legacy' : 'modern';
    const response = isLegacy
      ? await legacy.handle(request, body, authInfo)
      : await serveModern(request, body, authInfo, current);
    // The SDK answered the factory's failure with its generic 500; the core's says what is wrong.
    if (current.copyError) throw current.copyError;
    return response;
  };

  return {
    fetch: async (request, requestOptions) => {
      const started = onrequest ? now() : 0;
      const seen: Seen = {};
      const current: RequestScope = { extras: requestOptions ?? {} };
      let response: Response;
      try {
        response = await scope.run(current, () => route(request, seen, current));
        if (maxResponseBytes !== undefined) {
          response = await limitResponseSize(response, maxResponseBytes, () => {
            seen.errorCode = RpcCode.InternalError;
          });
        }
        if (compression) response = await compressResponse(response, request.headers.get('accept-encoding'));
      } catch (error) {
        response = errorResponse(error, onerror, seen.body);
        if (error instanceof HttpError) seen.errorCode = error.code;
        else if (error instanceof StoreUnavailableError || error instanceof SdkCopyError) {
          seen.errorCode = RpcCode.InternalError;
        }
      }
      response = withCors(response, request);
      if (onrequest) {
        try {
          onrequest(describeRequest(request, response, seen, now() - started, requestOptions));
        } catch (error) {
          onerror(error instanceof Error ? error : new LambdaMcpError(String(error)));
        }
      }
      return response;
    },
    notify: modern.sdk.notify,
    bus: modern.sdk.bus,
    requestState,
    publishGlobalEvent: (input) => feed.publish(input, { kind: 'global' }),
    publishSessionEvent: (sessionId, input) => feed.publish(input, { kind: 'session', sessionId }),
    ingestSns: (event) => ingestSns(event, feed),
    feed,
    // tasks: the lambda-async worker and the runtime, from the modern leg
    // The worker's tool sees the invocation's Lambda context (its remaining time) as a request's would.
    runTaskWorker: (event, deadline, lambdaContext) =>
      scope.run({ extras: lambdaContext ? { lambdaContext } : {} }, () =>
        modern.tasks.execute(event, deadline),
      ),
    tasks: modern.tasks,
    close: async () => {
      // tasks: this instance's task runs stop with it
      await modern.tasks.close();
      feed.close();
      await modern.sdk.close();
    },
  };
}

/** Maps anything thrown on the request path to its HTTP answer; only real bugs become 500. */
function errorResponse(error: unknown, onerror: (error: Error) => void, body?: PostBody): Response {
  if (error instanceof HttpError) {
    return jsonRpcErrorResponse(error.status, error.code, error.message, error.headers);
  }
  if (error instanceof SdkCopyError) {
    // Written to stderr once, when first seen (see `withInvocation`), with both copies' versions.
    const message =
      'Internal error: the server factory did not return a server of the @modelcontextprotocol/server ' +
      'copy lambda-mcp uses (see the server log)';
    return jsonRpcErrorResponse(500, RpcCode.InternalError, message, {}, requestIdOf(body));
  }
  if (error instanceof StoreUnavailableError) {
    onerror(error);
    return jsonRpcErrorResponse(
      503,
      RpcCode.InternalError,
      'Service Unavailable: session storage failed',
      { 'retry-after': '1' },
      requestIdOf(body),
    );
  }
  onerror(error instanceof Error ? error : new LambdaMcpError(String(error)));
  return jsonRpcErrorResponse(500, RpcCode.InternalError, 'Internal error');
}

/** The id of a single JSON-RPC request body, so an answer the core gives in the SDK's place can echo it. */
function requestIdOf(body: PostBody | undefined): string | number | null {
  const id = body?.kind === 'json' ? (body.value as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
