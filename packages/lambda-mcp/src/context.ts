// What a lambda-mcp server factory receives: the SDK's per-request context, the MRTR `requestState` codec
// keyed by the secret every instance shares, and, for 2025-era requests, the caller's session record.
import type { McpRequestContext, McpServer, RequestStateCodec, Server } from '@modelcontextprotocol/server';
import type { LambdaContextLike } from './invocation.js';
import type { SessionRecord } from './stores/types.js';

/** The factory context: everything the SDK passes, plus what lambda-mcp adds. */
export interface LambdaMcpContext extends McpRequestContext {
  /**
   * HMAC codec for MRTR `requestState`, keyed by `MCP_REQUEST_STATE_KEY` so that a retry landing on another
   * instance still verifies. Pass `requestState: { verify: ctx.requestState.verify }` to `new McpServer`.
   */
  requestState: RequestStateCodec;
  /** The caller's session (2025 era, after `initialize`); absent for 2026-07-28 requests by design. */
  session?: SessionRecord;
  /** The Lambda invocation's context (remaining time, memory, request id) when served by the Lambda adapter. */
  lambdaContext?: LambdaContextLike;
  /**
   * Present when lambda-mcp verifies tokens itself (`AUTH_ISSUER` / the `auth` option): the scope that grants
   * administrative tools and whether this caller's verified token holds it. A factory registers its
   * administrative tools only when `isAdmin` is true, so other callers neither see nor call them.
   */
  auth?: { adminScope: string; isAdmin: boolean };
}

/** Builds a fresh server for one request; the same factory serves every protocol revision. */
export type LambdaMcpServerFactory = (
  ctx: LambdaMcpContext,
) => McpServer | Server | Promise<McpServer | Server>;
