// The reference server's AWS Lambda entry point (API Gateway REST/HTTP APIs, Function URLs, ALB) in
// buffered mode: GET streams replay the session's event log and close with `retry:`, so clients poll.
// Configuration and stores come from the environment (see README); start-up fails with a clear message
// when MCP_REQUEST_STATE_KEY is missing or a setting is invalid. Each invocation is traced, logged and
// counted through Powertools (see observability.ts), its metrics flushed before it returns.
import { optionsFromEnv } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { buildAwsMonitor } from './app.js';

const log = (level: string, message: string) => console.error(JSON.stringify({ level, message }));

/**
 * The reference server, built once per instance (cold start) and reused by every invocation. Errors are
 * logged by its Powertools logger (`app.observability`); start-up notices before it exists go to stderr.
 */
export const app = await buildAwsMonitor({ sse: 'poll', ...optionsFromEnv() }, process.env, (line) =>
  log('info', line),
);

/** The MCP core, for tests and custom adapters. */
export const mcp = app.handler;

/** The Lambda handler: one X-Ray subsegment per invocation, metrics flushed after each. */
export const handler = app.observability.wrapLambdaHandler(
  toLambdaHandler(mcp, { onError: (error) => app.observability.onerror(error) }),
);
