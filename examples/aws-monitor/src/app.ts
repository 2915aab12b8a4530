// Assembles the reference server as every entry point runs it: configuration, observability (logs,
// metrics, traces), stores, the lambda-mcp handler, the tools' shared dependencies (the same store and hub
// instances the handler uses) and the instance counters. `npm start` and the Lambda entry differ only in
// the options they pass.
import {
  createLambdaMcp,
  type EventInput,
  type EventStore,
  type LambdaMcpHandler,
  type LambdaMcpOptions,
  type PublishResult,
  resolveOptions,
  type SessionEventHub,
  type SessionStore,
  storesFromEnv,
} from 'lambda-mcp';
import { type AwsMonitorConfig, loadConfig } from './config.js';
import { InstanceStats } from './instance.js';
import { awsClientsFor, setClientInstrumentation } from './monitor/clients.js';
import { createObservability, type Observability } from './observability.js';
import { createAwsMonitor } from './server.js';

/** What the tools share across requests on one instance. */
export interface AwsMonitorDeps {
  config: AwsMonitorConfig;
  /** The stores the handler itself uses, so diagnostics probe and list what really serves sessions. */
  stores: { kind: string; description: string; sessionStore: SessionStore; eventStore: EventStore };
  /** The live fan-out hub of this instance's GET streams. */
  hub: SessionEventHub;
  instance: InstanceStats;
  /** Publishing to the handler's event feed (set once the handler exists). */
  events?: {
    publishGlobalEvent: (input: EventInput) => Promise<PublishResult>;
    publishSessionEvent: (sessionId: string, input: EventInput) => Promise<PublishResult>;
  };
}

/** A running reference server: its handler, dependencies and how to release them. */
export interface AwsMonitorApp {
  handler: LambdaMcpHandler;
  deps: AwsMonitorDeps;
  /** The Powertools logger, metrics and tracer the handler reports to. */
  observability: Observability;
  close(): Promise<void>;
}

/** Parts of the server to use instead of the ones built from the configuration (tests). */
export interface AwsMonitorOverrides {
  observability?: Observability;
}

/**
 * Builds the reference server from the environment: throws a ConfigError naming the key for any invalid
 * setting. `options` are the entry point's own handler options (SSE mode, Host checks); its `onerror` and
 * `onrequest` are called after the observability hooks that log, count and trace each request.
 */
export async function buildAwsMonitor(
  options: LambdaMcpOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.error(line),
  overrides: AwsMonitorOverrides = {},
): Promise<AwsMonitorApp> {
  const config = loadConfig(env);
  const observability = overrides.observability ?? createObservability(config);
  // Every AWS SDK client the tools create from now on is traced (a no-op while tracing is off).
  setClientInstrumentation(observability.instrument);
  // The configuration's layers decide the store; lambda-mcp builds it from the same environment.
  const fromEnv = await storesFromEnv(
    {
      ...env,
      STORE: config.store,
      EVENT_RETENTION_SECONDS: String(config.events.retentionSeconds),
      SESSION_IDLE_SECONDS: String(config.sessionIdleSeconds),
    },
    log,
  );
  const resolved = resolveOptions({
    ...(config.allowedOrigins.length > 0 && { allowedOrigins: config.allowedOrigins }),
    sessionIdleSeconds: config.sessionIdleSeconds,
    compression: config.enableCompression,
    // Lambda streams responses up to 200 MB; a buffered invocation returns at most 6 MB.
    maxResponseBytes: Math.floor(
      (config.maxResponseSizeMb ?? (options.sse === 'poll' ? 6 : 200)) * 1024 * 1024,
    ),
    pollIntervalMs: config.events.pollIntervalMs,
    maxEventBytes: config.events.maxEventBytes,
    streamCapacity: config.events.streamCapacity,
    internalEvents: config.events.internalEvents,
    listenWindowMs: config.events.listenWindowMs,
    ...options,
    ...fromEnv.options,
    onerror: (error) => {
      observability.onerror(error);
      options.onerror?.(error);
    },
    onrequest: (record) => {
      observability.onrequest(record);
      options.onrequest?.(record);
    },
  });
  // The tools see the very stores and hub the handler serves sessions with.
  const { sessionStore, eventStore, hub } = resolved;
  const deps: AwsMonitorDeps = {
    config,
    stores: { kind: fromEnv.kind, description: fromEnv.description, sessionStore, eventStore },
    hub,
    instance: new InstanceStats(),
  };
  const core = createLambdaMcp(createAwsMonitor(deps), resolved);
  deps.events = core;
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
    observability,
    close: async () => {
      observability.flush();
      awsClientsFor(deps).destroy();
      await core.close();
      await fromEnv.close();
    },
  };
}
