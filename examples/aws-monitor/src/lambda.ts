// The reference server's AWS Lambda entry point (API Gateway REST/HTTP APIs, Function URLs, ALB) in
// buffered mode: GET streams replay the session's event log and close with `retry:`, so clients poll.
// Configuration and stores come from the environment (see README); start-up fails with a clear message
// when MCP_REQUEST_STATE_KEY is missing or a setting is invalid.
import { optionsFromEnv } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { buildAwsMonitor } from './app.js';

const log = (level: string, message: string) => console.error(JSON.stringify({ level, message }));

/** The reference server, built once per instance (cold start) and reused by every invocation. */
export const app = await buildAwsMonitor(
  { sse: 'poll', ...optionsFromEnv(), onerror: (error) => log('error', error.message) },
  process.env,
  (line) => log('info', line),
);

/** The MCP core, for tests and custom adapters. */
export const mcp = app.handler;

/** The Lambda handler. */
export const handler = toLambdaHandler(mcp);
