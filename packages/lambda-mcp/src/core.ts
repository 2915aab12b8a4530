// The one core: `fetch(Request) → Response` for every MCP revision on one endpoint. The edge checks run
// first; then the SDK's own classifier routes 2026-07-28 traffic to the modern leg (the SDK's
// `createMcpHandler`) and 2025-era traffic to the legacy leg (lambda-mcp's sessionful transport). Adapters
// (Lambda, node:http) only convert; setup (environment, stores, local serving) sits above.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type AuthInfo, isLegacyRequest } from '@modelcontextprotocol/server';
import type { LambdaMcpServerFactory } from './context.js';
import { HttpError, LambdaMcpError, StoreUnavailableError } from './errors.js';
import { EventFeed } from './events/feed.js';
import { ingestSns } from './events/sns.js';
import { compressResponse } from './http/compression.js';
import { checkEdge, type PostBody, readPostBody, withCors } from './http/edge.js';
import { limitResponseSize } from './http/response-limit.js';
import { jsonRpcErrorResponse, RpcCode } from './http/responses.js';
import type { FetchExtras } from './invocation.js';
import { LegacyTransport } from './legacy/transport.js';
import { createModernLeg } from './modern/leg.js';
import {
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { describeRequest, type Seen } from './request-record.js';

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

  // What the adapter passed with the request reaches the factory through the request's async context.
  const invocation = new AsyncLocalStorage<FetchExtras>();
  const withInvocation: LambdaMcpServerFactory = (ctx) => {
    const extras = invocation.getStore();
    return factory(extras?.lambdaContext ? { ...ctx, lambdaContext: extras.lambdaContext } : ctx);
  };
  const feed = new EventFeed({
    log: o.eventLog,
    pollIntervalMs: o.pollIntervalMs,
    maxEventBytes: o.maxEventBytes,
    healthIntervalMs: o.healthIntervalMs,
    onerror,
    now,
  });
  const modern = createModernLeg((ctx) => withInvocation({ ...ctx, requestState }), o, feed);
  const legacy = new LegacyTransport(withInvocation, o, feed);

  const route = async (request: Request, seen: Seen, authInfo?: AuthInfo): Promise<Response> => {
    const early = checkEdge(request, edge);
    if (early) return early;
    let body: PostBody | undefined;
    if (request.method === 'POST') body = await readPostBody(request, o.maxBodyBytes);
    seen.body = body;
    const isLegacy = body?.kind === 'invalid' || (await isLegacyRequest(request, body?.value));
    seen.era = isLegacy ? 'legacy' : 'modern';
    return isLegacy ? legacy.handle(request, body, authInfo) : modern.handle(request, body, authInfo);
  };

  return {
    fetch: async (request, requestOptions) => {
      const started = onrequest ? now() : 0;
      const seen: Seen = {};
      let response: Response;
      try {
        response = await invocation.run(requestOptions ?? {}, () =>
          route(request, seen, requestOptions?.authInfo),
        );
        if (maxResponseBytes !== undefined) {
          response = await limitResponseSize(response, maxResponseBytes, () => {
            seen.errorCode = RpcCode.InternalError;
          });
        }
        if (compression) response = await compressResponse(response, request.headers.get('accept-encoding'));
      } catch (error) {
        response = errorResponse(error, onerror);
        if (error instanceof HttpError) seen.errorCode = error.code;
        else if (error instanceof StoreUnavailableError) seen.errorCode = RpcCode.InternalError;
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
    close: async () => {
      feed.close();
      await modern.sdk.close();
    },
  };
}

/** Maps anything thrown on the request path to its HTTP answer; only real bugs become 500. */
function errorResponse(error: unknown, onerror: (error: Error) => void): Response {
  if (error instanceof HttpError) {
    return jsonRpcErrorResponse(error.status, error.code, error.message, error.headers);
  }
  if (error instanceof StoreUnavailableError) {
    onerror(error);
    return jsonRpcErrorResponse(503, RpcCode.InternalError, 'Service Unavailable: session storage failed', {
      'retry-after': '1',
    });
  }
  onerror(error instanceof Error ? error : new LambdaMcpError(String(error)));
  return jsonRpcErrorResponse(500, RpcCode.InternalError, 'Internal error');
}
