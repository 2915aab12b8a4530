// The 2026-07-28 leg: the SDK's own `createMcpHandler`, which does the whole protocol statelessly (`_meta`
// envelope, `server/discover`, MRTR, `subscriptions/listen`). lambda-mcp only hands it the parsed body, the
// caller's auth, an event bus over the shared log, and, on buffered Lambda, a bounded listen window.
import {
  type AuthInfo,
  createMcpHandler,
  type McpHttpHandler,
  type McpRequestContext,
  type McpServer,
  type Server,
} from '@modelcontextprotocol/server';
import type { EventFeed } from '../events/feed.js';
import { FeedServerEventBus } from '../events/server-event-bus.js';
import type { PostBody } from '../http/edge.js';
import type { ResolvedOptions } from '../options.js';
import { holdFor, isListen } from './listen-window.js';

/** The modern leg: serves a 2026-07-28 request the edge has checked and whose body it read. */
export interface ModernLeg {
  /** The SDK handler (for `notify`, `bus` and `close`). */
  readonly sdk: McpHttpHandler;
  handle(request: Request, body: PostBody | undefined, authInfo?: AuthInfo): Promise<Response>;
}

/** Builds the modern leg over the SDK handler; `factory` builds one server per request. */
export function createModernLeg(
  factory: (ctx: McpRequestContext) => McpServer | Server | Promise<McpServer | Server>,
  options: ResolvedOptions,
  feed: EventFeed,
): ModernLeg {
  const sdk = createMcpHandler(factory, {
    legacy: 'reject',
    onerror: options.onerror,
    maxRequestBodySize: options.maxBodyBytes,
    bus: options.bus ?? new FeedServerEventBus(feed, options.onerror),
    ...(options.responseMode && { responseMode: options.responseMode }),
    keepAliveMs: options.keepAliveMs,
  });
  return {
    sdk,
    handle: (incoming, body, authInfo) => {
      const request =
        options.listenWindowMs > 0 && isListen(incoming, body)
          ? holdFor(incoming, options.listenWindowMs)
          : incoming;
      return sdk.fetch(request, {
        ...(body?.kind === 'json' && { parsedBody: body.value }),
        ...(authInfo && { authInfo }),
      });
    },
  };
}
