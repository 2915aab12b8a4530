// The `session_info` tool: what the server knows of the caller. In the 2025 era that is the stored session
// record; in the 2026-07-28 era there is no session by design, so it reports the request's `_meta` envelope.

import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/server';
import type { LambdaMcpContext } from 'lambda-mcp';
import { cachedJsonSchema } from 'lambda-mcp';
import * as z from 'zod/v4';
import type { AwsMonitorDeps } from './app.js';
import { sessionRef } from './session-ref.js';
import { toolText } from './tool-text.js';

const Client = z.object({ name: z.string(), version: z.string() }).partial().passthrough();

/** The tool takes no arguments (built once: every request registers the tool on a fresh server). */
const NO_ARGUMENTS = z.object({});

/** The structured result of `session_info`. */
export const SessionInfoOutput = z.object({
  era: z.enum(['legacy', 'modern']),
  hasSession: z.boolean(),
  sessionId: z.string().optional(),
  /** How logs and traces name this session (a digest: the id itself is never logged). */
  sessionRef: z.string().optional(),
  protocolVersion: z.string().optional(),
  clientInfo: Client.optional(),
  clientCapabilities: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string().optional(),
  lastActiveAt: z.string().optional(),
  expiresAt: z.string().optional(),
  logLevel: z.string().optional(),
  subscriptions: z.array(z.string()).optional(),
  /** Events in the session's SSE log (the log's last sequence number). */
  eventsStored: z.number().int().optional(),
  note: z.string(),
});
type SessionInfo = z.infer<typeof SessionInfoOutput>;

/** The tool's schemas, their JSON Schema computed once per instance (each request registers the tool anew). */
const SCHEMAS = { input: cachedJsonSchema(NO_ARGUMENTS), output: cachedJsonSchema(SessionInfoOutput) };

/** Registers `session_info` on a server built for the request described by `ctx`. */
export function registerSessionInfo(server: McpServer, ctx: LambdaMcpContext, deps: AwsMonitorDeps): void {
  const { title, description } = toolText(deps, 'session_info');
  server.registerTool(
    'session_info',
    {
      title,
      description,
      inputSchema: SCHEMAS.input,
      outputSchema: SCHEMAS.output,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (_args, call) => {
      // The SDK lifts the reserved envelope keys out of `_meta` into `envelope`; read both.
      const meta = { ...call.mcpReq._meta, ...call.mcpReq.envelope } as Record<string, unknown>;
      const info = describe(ctx, meta);
      if (ctx.session) {
        // One query, only for this tool: the log's head is the number of events stored for the session.
        info.eventsStored = (await deps.stores.eventStore.read(ctx.session.id, 'get')).lastSeq;
      }
      return { content: [{ type: 'text', text: JSON.stringify(info, null, 2) }], structuredContent: info };
    },
  );
}

function describe(ctx: LambdaMcpContext, meta: Record<string, unknown> | undefined): SessionInfo {
  const session = ctx.session;
  if (session) {
    const params = session.initializeParams;
    return {
      era: 'legacy',
      hasSession: true,
      sessionId: session.id,
      sessionRef: sessionRef(session.id),
      protocolVersion: session.protocolVersion,
      clientInfo: params.clientInfo as SessionInfo['clientInfo'],
      clientCapabilities: params.capabilities as Record<string, unknown>,
      createdAt: new Date(session.createdAt).toISOString(),
      lastActiveAt: new Date(session.lastActiveAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      ...(session.logLevel && { logLevel: session.logLevel }),
      subscriptions: session.subscriptions,
      note: 'Session state is stored by lambda-mcp and restored on whichever instance serves the request.',
    };
  }
  return {
    era: ctx.era,
    hasSession: false,
    ...(typeof meta?.[PROTOCOL_VERSION_META_KEY] === 'string' && {
      protocolVersion: meta[PROTOCOL_VERSION_META_KEY] as string,
    }),
    ...(meta?.[CLIENT_INFO_META_KEY] !== undefined && {
      clientInfo: meta[CLIENT_INFO_META_KEY] as SessionInfo['clientInfo'],
    }),
    ...(meta?.[CLIENT_CAPABILITIES_META_KEY] !== undefined && {
      clientCapabilities: meta[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown>,
    }),
    ...(typeof meta?.[LOG_LEVEL_META_KEY] === 'string' && { logLevel: meta[LOG_LEVEL_META_KEY] as string }),
    note:
      ctx.era === 'modern'
        ? 'Protocol 2026-07-28 is stateless: every request carries its own _meta envelope, so no session exists by design.'
        : 'No session: this request was not part of an initialized 2025 session.',
  };
}
