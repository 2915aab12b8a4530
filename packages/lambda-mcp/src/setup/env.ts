// Options that every entry point (local server, Lambda handler, conformance fixture) reads from the
// environment the same way, so one variable means one thing everywhere.
import { authFromEnv } from '../auth/config.js';
import { ConfigError } from '../errors.js';
import type { LambdaMcpOptions } from '../options.js';
// tasks: TASK_RUNNER and TASK_HEARTBEAT_SECONDS
import type { TaskOptions } from '../tasks/options.js';

/**
 * Reads `ALLOWED_ORIGINS` (comma-separated origins or hostnames, `*` for any), `SSE_MODE` (`live` or
 * `poll`, see `LambdaMcpOptions.sse`) `MAX_STREAM_SECONDS` (longest a live GET stream stays open before
 * a clean close the client resumes from; 0 = no limit), `EVENT_POLL_INTERVAL_MS` (how often an instance
 * with open streams reads a shared event log) and `MEMORY_MAX_SESSIONS` (most sessions the default in-memory
 * store holds; the least recently active goes first), and the OAuth resource-server settings `AUTH_ISSUER` (turns
 * auth on), `AUTH_AUDIENCE`, `AUTH_JWKS_URL`, `AUTH_REQUIRED_SCOPES` and `AUTH_ADMIN_SCOPE` (see
 * `LambdaMcpOptions.auth`). `MCP_REQUEST_STATE_KEY` is read by `createLambdaMcp`
 * itself; the stores by `storesFromEnv`. Throws a ConfigError naming the key for an invalid value.
 *
 * @example
 * const handler = createLambdaMcp(factory, { sse: 'poll', ...optionsFromEnv() });
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): LambdaMcpOptions {
  const options: LambdaMcpOptions = {};
  const origins = env.ALLOWED_ORIGINS?.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins?.length) options.allowedOrigins = origins;
  const sse = env.SSE_MODE?.trim();
  if (sse) {
    if (sse !== 'live' && sse !== 'poll')
      throw new ConfigError(`SSE_MODE must be live or poll; got "${sse}"`);
    options.sse = sse;
  }
  const maxStream = env.MAX_STREAM_SECONDS?.trim();
  if (maxStream) {
    const seconds = Number(maxStream);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400) {
      throw new ConfigError(`MAX_STREAM_SECONDS must be a whole number from 0 to 86400; got "${maxStream}"`);
    }
    options.maxStreamMs = seconds * 1000;
  }
  const poll = env.EVENT_POLL_INTERVAL_MS?.trim();
  if (poll) {
    const ms = Number(poll);
    if (!Number.isInteger(ms) || ms < 50 || ms > 60_000) {
      throw new ConfigError(`EVENT_POLL_INTERVAL_MS must be a whole number from 50 to 60000; got "${poll}"`);
    }
    options.pollIntervalMs = ms;
  }
  const maxSessions = env.MEMORY_MAX_SESSIONS?.trim();
  if (maxSessions) {
    const count = Number(maxSessions);
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
      throw new ConfigError(
        `MEMORY_MAX_SESSIONS must be a whole number from 1 to 10000000; got "${maxSessions}"`,
      );
    }
    options.maxSessions = count;
  }
  const auth = authFromEnv(env);
  if (auth) options.auth = auth;
  // tasks: TASK_RUNNER (in-process | lambda-async) and TASK_HEARTBEAT_SECONDS (default 10; the lease is 3 beats)
  const tasks = taskOptionsFromEnv(env);
  if (tasks) options.tasks = tasks;
  return options;
}

// tasks: the Tasks extension's variables
/** Reads `TASK_RUNNER` and `TASK_HEARTBEAT_SECONDS` (0.05 to 3600, fractions allowed); `undefined` when neither is set. */
function taskOptionsFromEnv(env: NodeJS.ProcessEnv): TaskOptions | undefined {
  const runner = env.TASK_RUNNER?.trim();
  const heartbeat = env.TASK_HEARTBEAT_SECONDS?.trim();
  if (!runner && !heartbeat) return undefined;
  const tasks: TaskOptions = {};
  if (runner) {
    if (runner !== 'in-process' && runner !== 'lambda-async') {
      throw new ConfigError(`TASK_RUNNER must be in-process or lambda-async; got "${runner}"`);
    }
    tasks.runner = runner;
  }
  if (heartbeat) {
    const seconds = Number(heartbeat);
    if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > 3600) {
      throw new ConfigError(`TASK_HEARTBEAT_SECONDS must be a number from 0.05 to 3600; got "${heartbeat}"`);
    }
    tasks.heartbeatMs = Math.round(seconds * 1000);
  }
  return tasks;
}
