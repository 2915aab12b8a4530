// The reference server's AWS Lambda entry point (API Gateway REST/HTTP APIs, Function URLs, ALB) in
// buffered mode: GET streams replay the session's event log and close with `retry:`, so clients poll.
// Start-up fails with a clear message when MCP_REQUEST_STATE_KEY is missing.
import { createLambdaMcp, optionsFromEnv } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { createAwsMonitorServer } from './server.js';

/** The MCP core, built once per instance (cold start) and reused by every invocation. */
export const mcp = createLambdaMcp(createAwsMonitorServer, {
  ...optionsFromEnv(),
  sse: 'poll',
  onerror: (error) => console.error(JSON.stringify({ level: 'error', message: error.message })),
});

/** The Lambda handler. */
export const handler = toLambdaHandler(mcp);
