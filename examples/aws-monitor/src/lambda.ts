// The reference server's AWS Lambda entry point (API Gateway REST/HTTP APIs, Function URLs, ALB) in
// buffered mode: GET streams replay the session's event log and close with `retry:`, so clients poll.
// Stores come from STORE / SESSION_TABLE_NAME (see `storesFromEnv`); start-up fails with a clear message
// when MCP_REQUEST_STATE_KEY is missing or a store setting is invalid.
import { createLambdaMcp, optionsFromEnv, storesFromEnv } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { createAwsMonitorServer } from './server.js';

const log = (level: string, message: string) => console.error(JSON.stringify({ level, message }));
const stores = await storesFromEnv(process.env, (line) => log('info', line));

/** The MCP core, built once per instance (cold start) and reused by every invocation. */
export const mcp = createLambdaMcp(createAwsMonitorServer, {
  sse: 'poll',
  ...optionsFromEnv(),
  ...stores.options,
  onerror: (error) => log('error', error.message),
});

/** The Lambda handler. */
export const handler = toLambdaHandler(mcp);
