// Assembles the reference server as every entry point runs it: configuration, stores, the lambda-mcp
// handler, the tools' shared dependencies (the same store and hub instances the handler uses) and the
// instance counters. `npm start` and the Lambda entry differ only in the options they pass.
import {
  createLambdaMcp,
  type EventStore,
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  MemoryEventStore,
  MemoryResponseMailbox,
  MemorySessionStore,
  SessionEventHub,
  type SessionStore,
  storesFromEnv,
} from 'lambda-mcp';
import { type AwsMonitorConfig, loadConfig } from './config.js';
import { InstanceStats } from './instance.js';
import { createAwsMonitor } from './server.js';

/** What the tools share across requests on one instance. */
export interface AwsMonitorDeps {
  config: AwsMonitorConfig;
  /** The stores the handler itself uses, so diagnostics probe and list what really serves sessions. */
  stores: { kind: string; description: string; sessionStore: SessionStore; eventStore: EventStore };
  /** The live fan-out hub of this instance's GET streams. */
  hub: SessionEventHub;
  instance: InstanceStats;
}

/** A running reference server: its handler, dependencies and how to release them. */
export interface AwsMonitorApp {
  handler: LambdaMcpHandler;
  deps: AwsMonitorDeps;
  close(): Promise<void>;
}

/**
 * Builds the reference server from the environment: throws a ConfigError naming the key for any invalid
 * setting. `options` are the entry point's own handler options (SSE mode, Host checks).
 */
export async function buildAwsMonitor(
  options: LambdaMcpOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.error(line),
): Promise<AwsMonitorApp> {
  const config = loadConfig(env);
  const fromEnv = await storesFromEnv(env, log);
  const sessionStore = fromEnv.options.sessionStore ?? new MemorySessionStore();
  const eventStore = fromEnv.options.eventStore ?? new MemoryEventStore();
  const mailbox = fromEnv.options.mailbox ?? new MemoryResponseMailbox();
  const hub = new SessionEventHub();
  const deps: AwsMonitorDeps = {
    config,
    stores: { kind: fromEnv.kind, description: fromEnv.description, sessionStore, eventStore },
    hub,
    instance: new InstanceStats(),
  };
  const core = createLambdaMcp(createAwsMonitor(deps), {
    ...(config.allowedOrigins.length > 0 && { allowedOrigins: config.allowedOrigins }),
    sessionIdleSeconds: config.sessionIdleSeconds,
    ...options,
    sessionStore,
    eventStore,
    mailbox,
    hub,
  });
  const handler: LambdaMcpHandler = {
    ...core,
    fetch: (request, extras) => {
      deps.instance.begin();
      return core.fetch(request, extras);
    },
  };
  return {
    handler,
    deps,
    close: async () => {
      await core.close();
      await fromEnv.close();
    },
  };
}
