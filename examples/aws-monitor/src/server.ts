// The reference server's factory: one fresh McpServer per request, for every protocol revision. Tools are
// added here as they land; each is registered by its own module.
import { McpServer } from '@modelcontextprotocol/server';
import type { LambdaMcpContext } from 'lambda-mcp';
import { registerSessionInfo } from './session-info.js';

/** Server name and version reported in `initialize` and `server/discover`. */
export const SERVER_INFO = { name: 'aws-monitor', version: '0.1.0' } as const;

/** Builds the reference server for one request. */
export function createAwsMonitorServer(ctx: LambdaMcpContext): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { logging: {} },
    requestState: { verify: ctx.requestState.verify },
  });
  registerSessionInfo(server, ctx);
  return server;
}
