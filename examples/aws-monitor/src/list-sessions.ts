// The administrative `list_active_sessions` tool (only with ADMIN_TOOLS=true, and when lambda-mcp verifies
// tokens only for a caller whose token holds the admin scope): live 2025 sessions, most recently active first,
// a page at a time through `SessionStore.list`. Summaries only: never a session's stored messages or initialize
// params, and never its id — whoever presents an id acts in that session — but the short digest logs and
// `session_info` name it by (`ref`), with the caller's own marked. An invalid cursor is a tool execution error
// (`isError`), which is how the 2025-11-25 revision asks servers to report bad tool input, so the model can
// correct itself.
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import { cachedJsonSchema, InvalidCursorError, type LambdaMcpContext } from 'lambda-mcp';
import * as z from 'zod/v4';
import type { AwsMonitorDeps } from './app.js';
import { sessionRef } from './session-ref.js';
import { toolText } from './tool-text.js';

const TOOL = 'list_active_sessions';

const Input = z.object({
  cursor: z.string().optional().describe('The nextCursor of the previous page'),
  limit: z.number().int().min(1).max(100).default(20).describe('Sessions per page, 1-100'),
});

const SessionEntry = z.object({
  /** The session's digest (see session-ref.ts), as logs and `session_info` show it; never the id itself. */
  ref: z.string(),
  protocolVersion: z.string(),
  clientInfo: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  lastActiveAt: z.string(),
  expiresAt: z.string(),
  principal: z.string().optional(),
  /** Whether this is the caller's own session. */
  current: z.boolean(),
});

/** The structured result of `list_active_sessions`. */
export const ListSessionsOutput = z.object({
  sessions: z.array(SessionEntry),
  nextCursor: z.string().optional(),
});
/** What `list_active_sessions` answers. */
export type ListSessions = z.infer<typeof ListSessionsOutput>;

/** The tool's schemas, their JSON Schema computed once per instance (each request registers the tool anew). */
const SCHEMAS = { input: cachedJsonSchema(Input), output: cachedJsonSchema(ListSessionsOutput) };

/**
 * Registers `list_active_sessions` when `deps.config.adminTools` is on and, with auth on (`ctx.auth`), the
 * caller is an administrator; otherwise the tool does not exist (tools/list omits it and a call answers
 * "tool not found").
 *
 * @example
 * registerListSessions(server, ctx, deps); // in the factory, for every request
 */
export function registerListSessions(server: McpServer, ctx: LambdaMcpContext, deps: AwsMonitorDeps): void {
  if (!deps.config.adminTools) return;
  if (ctx.auth && !ctx.auth.isAdmin) return;
  const { title, description } = toolText(deps, TOOL);
  server.registerTool(
    TOOL,
    {
      title,
      description,
      inputSchema: SCHEMAS.input,
      outputSchema: SCHEMAS.output,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ cursor, limit }): Promise<CallToolResult> => {
      let page: Awaited<ReturnType<typeof deps.stores.sessionStore.list>>;
      try {
        page = await deps.stores.sessionStore.list({ limit, ...(cursor !== undefined && { cursor }) });
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        const text = `Invalid cursor: ${cursor}. Pass the nextCursor of a previous page, or none for the first page.`;
        return { isError: true, content: [{ type: 'text', text }] };
      }
      const result: ListSessions = {
        sessions: page.sessions.map((session) => ({
          ref: sessionRef(session.id),
          protocolVersion: session.protocolVersion,
          clientInfo: { name: session.clientInfo.name, version: session.clientInfo.version },
          createdAt: new Date(session.createdAt).toISOString(),
          lastActiveAt: new Date(session.lastActiveAt).toISOString(),
          expiresAt: new Date(session.expiresAt).toISOString(),
          ...(session.principal !== undefined && { principal: session.principal }),
          current: session.id === ctx.session?.id,
        })),
        ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
      };
      return {
        content: [{ type: 'text', text: JSON.stringify(result, null, 2) }],
        structuredContent: result,
      };
    },
  );
}
