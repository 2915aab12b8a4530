// The reference server's factory: one fresh McpServer per request, for every protocol revision. Each tool
// is registered by its own module, with its title and description from data/tool_definitions.yaml.
import { McpServer } from '@modelcontextprotocol/server';
import { type LambdaMcpContext, MemoryEventStore, MemorySessionStore, SessionEventHub } from 'lambda-mcp';
import type { AwsMonitorDeps } from './app.js';
import { loadConfig } from './config.js';
import { registerDiagnostics } from './diagnostics.js';
import { InstanceStats } from './instance.js';
import { registerListSessions } from './list-sessions.js';
import { registerMonitorTool } from './monitor/tool.js';
import { registerPublishEvent } from './publish-event.js';
import { registerSessionInfo } from './session-info.js';

/**
 * The factory `createLambdaMcp` runs for every request; `deps` are shared by all requests on the instance.
 * `tasks: false` registers `aws_real_time_monitor` as a plain tool, for hosts without lambda-mcp's task runtime.
 *
 * @example
 * const handler = createLambdaMcp(createAwsMonitor(deps), options);
 */
export function createAwsMonitor(
  deps: AwsMonitorDeps,
  options: { tasks?: boolean } = {},
): (ctx: LambdaMcpContext) => McpServer {
  return (ctx) => {
    const server = new McpServer(deps.config.server, {
      capabilities: { logging: {} },
      requestState: { verify: ctx.requestState.verify },
    });
    registerSessionInfo(server, ctx, deps);
    registerMonitorTool(server, ctx, deps, options);
    registerDiagnostics(server, ctx, deps);
    registerListSessions(server, ctx, deps);
    registerPublishEvent(server, ctx, deps);
    return server;
  };
}

let standalone: AwsMonitorDeps | undefined;

/**
 * The factory with dependencies of its own (configuration from the embedded files and the environment,
 * in-memory stores), for hosting the tools in another handler such as the SDK's bare `createMcpHandler`
 * (the benchmark does). Diagnostics then describe those stores, not the host's; such a host has no task
 * runtime, so the monitor is a plain tool there.
 */
export function createAwsMonitorServer(ctx: LambdaMcpContext): McpServer {
  standalone ??= {
    config: loadConfig(),
    stores: {
      kind: 'memory',
      description: 'in-memory stores (standalone)',
      sessionStore: new MemorySessionStore(),
      eventStore: new MemoryEventStore(),
    },
    hub: new SessionEventHub(),
    instance: new InstanceStats(),
  };
  return createAwsMonitor(standalone, { tasks: false })(ctx);
}
