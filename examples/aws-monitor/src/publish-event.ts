// The `publish_event` tool: the reference server's documented test hook for notifications. It publishes an
// event to every open stream of every instance (`target: global`) or to the caller's own 2025 session
// (`target: session`), the way an external system does through SNS. Any client can broadcast with it, so
// it exists only with PUBLISH_TOOL=true set explicitly (off by default, locally and inside Lambda), and when
// lambda-mcp verifies tokens only for a caller whose token holds the admin scope.
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import { cachedJsonSchema, InvalidEventError, type LambdaMcpContext } from 'lambda-mcp';
import * as z from 'zod/v4';
import type { AwsMonitorDeps } from './app.js';
import { toolText } from './tool-text.js';

const TOOL = 'publish_event';

const Input = z.object({
  type: z
    .string()
    .regex(/^[A-Za-z0-9._\-/:]{1,128}$/)
    .describe('Event type, e.g. test.ping or tools/list_changed (1-128 of A-Z a-z 0-9 . _ - / :)'),
  data: z.record(z.string(), z.unknown()).optional().describe('Event data (a JSON object)'),
  target: z
    .enum(['global', 'session'])
    .default('global')
    .describe("global: every open stream; session: the caller's own 2025 session only"),
});

/** The structured result of `publish_event`. */
export const PublishEventOutput = z.object({
  id: z.string(),
  type: z.string(),
  target: z.enum(['global', 'session']),
  timestamp: z.string(),
});

/** The tool's schemas, their JSON Schema computed once per instance (each request registers the tool anew). */
const SCHEMAS = { input: cachedJsonSchema(Input), output: cachedJsonSchema(PublishEventOutput) };

/**
 * Registers `publish_event` when `deps.config.events.publishTool` is on and, with auth on (`ctx.auth`), the
 * caller is an administrator; otherwise the tool does not exist.
 *
 * @example
 * registerPublishEvent(server, ctx, deps); // in the factory, for every request
 */
export function registerPublishEvent(server: McpServer, ctx: LambdaMcpContext, deps: AwsMonitorDeps): void {
  if (!deps.config.events.publishTool) return;
  if (ctx.auth && !ctx.auth.isAdmin) return;
  const { title, description } = toolText(deps, TOOL);
  server.registerTool(
    TOOL,
    {
      title,
      description,
      inputSchema: SCHEMAS.input,
      outputSchema: SCHEMAS.output,
      // It adds an event; nothing is changed or removed.
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    async ({ type, data, target }): Promise<CallToolResult> => {
      const events = deps.events;
      if (!events) throw new Error('publish_event needs the handler built by buildAwsMonitor');
      if (target === 'session' && !ctx.session) {
        const text =
          'target "session" needs a 2025-era session; 2026-07-28 requests have none. Use "global".';
        return { content: [{ type: 'text', text }], isError: true };
      }
      const input = { type, source: 'publish_event', ...(data && { data }) };
      try {
        const { event } =
          target === 'session' && ctx.session
            ? await events.publishSessionEvent(ctx.session.id, input)
            : await events.publishGlobalEvent(input);
        const result = { id: event.id, type: event.type, target, timestamp: event.timestamp };
        return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        return { content: [{ type: 'text', text: error.message }], isError: true };
      }
    },
  );
}
