// The reference server's configuration, in layers: the embedded data/mcp_config.json and
// data/tool_definitions.yaml, then environment variables, then what the runtime says (inside Lambda or
// local). Validated once at start with zod: a bad value stops start-up with a message naming the key.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from 'lambda-mcp';
import * as z from 'zod/v4';

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

/** data/mcp_config.json: the defaults shipped with the server. */
const FileConfig = z
  .object({
    server: z.object({ name: z.string().min(1), version: z.string().min(1) }),
    store: z.enum(['memory', 'dynamodb', 'dynalite']),
    sessionIdleSeconds: z.number().int().min(60).max(86_400),
    allowedOrigins: z.array(z.string()),
    enableCompression: z.boolean(),
    maxResponseSizeMb: z.number().positive().max(200).nullable(),
    logLevel: z.enum(LOG_LEVELS),
    adminTools: z.boolean(),
    events: z
      .object({
        retentionSeconds: z.number().int().min(60).max(86_400),
        pollIntervalMs: z.number().int().min(50).max(60_000),
        maxEventBytes: z.number().int().min(1024).max(262_144),
        streamCapacity: z.number().int().min(16).max(100_000),
        internalEvents: z.boolean(),
        listenWindowMs: z.number().int().min(1000).max(900_000),
        publishTool: z.boolean().nullable(),
      })
      .strict(),
    monitor: z.object({
      defaultIntervalMs: z.number().int().min(1000).max(60_000),
      maxDurationSeconds: z.number().int().min(0).max(900),
    }),
  })
  .strict();

/** One tool's operator-editable text in data/tool_definitions.yaml. */
const ToolDefinition = z
  .object({
    title: z.string().min(1),
    description: z.string().min(1),
    examples: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();
const ToolDefinitions = z.record(z.string(), ToolDefinition);
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/** The resolved configuration every part of the server reads. */
export interface AwsMonitorConfig {
  server: { name: string; version: string };
  /** `STORE`, else the file's `store`; `buildAwsMonitor` hands it to lambda-mcp's `storesFromEnv`. */
  store: 'memory' | 'dynamodb' | 'dynalite';
  /** `SESSION_TABLE_NAME`, when set. */
  sessionTableName?: string;
  /** `SNS_TOPIC_ARN`, when set. */
  snsTopicArn?: string;
  sessionIdleSeconds: number;
  allowedOrigins: string[];
  enableCompression: boolean;
  /** `MAX_RESPONSE_SIZE_MB`; unset: 200 when responses stream, 6 when Lambda buffers them. */
  maxResponseSizeMb?: number;
  logLevel: (typeof LOG_LEVELS)[number];
  adminTools: boolean;
  /** Published events: retention, polling, limits; `publishTool` is the `publish_event` test hook. */
  events: {
    retentionSeconds: number;
    pollIntervalMs: number;
    maxEventBytes: number;
    streamCapacity: number;
    internalEvents: boolean;
    listenWindowMs: number;
    publishTool: boolean;
  };
  monitor: { defaultIntervalMs: number; maxDurationSeconds: number };
  tools: Record<string, ToolDefinition>;
  runtime: {
    inLambda: boolean;
    functionName?: string;
    /** `AWS_REGION` or `AWS_DEFAULT_REGION`, when set. */
    region?: string;
  };
}

/** Where the embedded files are; overridable for tests. */
export interface ConfigSources {
  configJson?: string;
  toolDefinitionsYaml?: string;
}

const DATA = new URL('../data/', import.meta.url);

/**
 * The data files, put into the Lambda bundle by scripts/build-lambda.ts (esbuild `define`): the JSON text and
 * the YAML already parsed, so the bundle carries no YAML parser. Not declared under tsx and in tests, where
 * the files are read from data/.
 */
declare const __AWS_MONITOR_DATA__: { configJson: string; toolDefinitions: unknown } | undefined;
const EMBEDDED = typeof __AWS_MONITOR_DATA__ === 'undefined' ? undefined : __AWS_MONITOR_DATA__;

/** Reads a data file under data/. */
function readData(name: 'mcp_config.json' | 'tool_definitions.yaml'): string {
  return readFileSync(new URL(name, DATA), 'utf8');
}

/** Parses YAML with the `yaml` package, loaded only where YAML is read at run time (never in the bundle). */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

/**
 * Loads and validates the configuration. Throws a ConfigError naming the key and what it accepts.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  sources: ConfigSources = {},
): AwsMonitorConfig {
  const file = parseOrThrow('data/mcp_config.json', FileConfig, () =>
    JSON.parse(sources.configJson ?? EMBEDDED?.configJson ?? readData('mcp_config.json')),
  );
  const tools = parseOrThrow('data/tool_definitions.yaml', ToolDefinitions, () =>
    sources.toolDefinitionsYaml !== undefined
      ? parseYaml(sources.toolDefinitionsYaml)
      : (EMBEDDED?.toolDefinitions ?? parseYaml(readData('tool_definitions.yaml'))),
  );
  // As in lambda-mcp's storesFromEnv: inside Lambda a table name alone means DynamoDB.
  const store =
    envChoice(env, 'STORE', ['memory', 'dynamodb', 'dynalite'] as const) ??
    (env.AWS_LAMBDA_FUNCTION_NAME?.trim() && env.SESSION_TABLE_NAME?.trim() ? 'dynamodb' : file.store);
  const origins = env.ALLOWED_ORIGINS?.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim() || undefined;
  const config: AwsMonitorConfig = {
    server: file.server,
    store,
    sessionIdleSeconds: envInteger(env, 'SESSION_IDLE_SECONDS', 60, 86_400) ?? file.sessionIdleSeconds,
    allowedOrigins: origins?.length ? origins : file.allowedOrigins,
    enableCompression: envBoolean(env, 'ENABLE_COMPRESSION') ?? file.enableCompression,
    logLevel: envChoice(env, 'LOG_LEVEL', LOG_LEVELS, (value) => value.toUpperCase()) ?? file.logLevel,
    adminTools: envBoolean(env, 'ADMIN_TOOLS') ?? file.adminTools,
    events: {
      retentionSeconds:
        envInteger(env, 'EVENT_RETENTION_SECONDS', 60, 86_400) ?? file.events.retentionSeconds,
      pollIntervalMs: envInteger(env, 'EVENT_POLL_INTERVAL_MS', 50, 60_000) ?? file.events.pollIntervalMs,
      maxEventBytes: envInteger(env, 'MAX_EVENT_BYTES', 1024, 262_144) ?? file.events.maxEventBytes,
      streamCapacity: envInteger(env, 'STREAM_CAPACITY', 16, 100_000) ?? file.events.streamCapacity,
      internalEvents: envBoolean(env, 'INTERNAL_EVENTS') ?? file.events.internalEvents,
      listenWindowMs: envInteger(env, 'LISTEN_WINDOW_MS', 1000, 900_000) ?? file.events.listenWindowMs,
      // A tool that lets any client broadcast is a test hook: off everywhere unless PUBLISH_TOOL=true.
      publishTool: envBoolean(env, 'PUBLISH_TOOL') ?? file.events.publishTool ?? false,
    },
    monitor: file.monitor,
    tools,
    runtime: {
      inLambda: functionName !== undefined,
      ...(functionName && { functionName }),
      ...(region && { region }),
    },
  };
  const maxResponseSizeMb = envNumber(env, 'MAX_RESPONSE_SIZE_MB', 0, 200) ?? file.maxResponseSizeMb;
  if (maxResponseSizeMb !== null) config.maxResponseSizeMb = maxResponseSizeMb;
  const table = env.SESSION_TABLE_NAME?.trim();
  if (table) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
      throw new ConfigError(
        `SESSION_TABLE_NAME must be 3-255 characters of letters, digits, '_', '-' and '.'; got "${table}"`,
      );
    }
    config.sessionTableName = table;
  }
  const topic = env.SNS_TOPIC_ARN?.trim();
  if (topic) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topic)) {
      throw new ConfigError(
        `SNS_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); got "${topic}"`,
      );
    }
    config.snsTopicArn = topic;
  }
  for (const name of REQUIRED_TOOLS) {
    if (!config.tools[name]) throw new ConfigError(`data/tool_definitions.yaml must define the tool ${name}`);
  }
  return config;
}

/** The tools whose titles and descriptions must come from data/tool_definitions.yaml. */
export const REQUIRED_TOOLS = [
  'aws_real_time_monitor',
  'lambda_diagnostics',
  'session_info',
  'list_active_sessions',
] as const;

function parseOrThrow<T>(source: string, schema: z.ZodType<T>, read: () => unknown): T {
  let raw: unknown;
  try {
    raw = read();
  } catch (error) {
    throw new ConfigError(
      `${source} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // Parsed once per instance: without zod's eval-based fast path, which compiles a parser for each object
  // schema on its first use (about 2.5 of the 5 ms this parse took at a cold start).
  const parsed = schema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new ConfigError(`${source}: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function envBoolean(env: NodeJS.ProcessEnv, key: string): boolean | undefined {
  const value = env[key]?.trim().toLowerCase();
  if (!value) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${key} must be one of true, false; got "${env[key]}"`);
}

function envNumber(env: NodeJS.ProcessEnv, key: string, min: number, max: number): number | undefined {
  const raw = env[key]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= min || value > max) {
    throw new ConfigError(`${key} must be a number above ${min} and at most ${max}; got "${raw}"`);
  }
  return value;
}

function envInteger(env: NodeJS.ProcessEnv, key: string, min: number, max: number): number | undefined {
  const raw = env[key]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return value;
}

function envChoice<T extends string>(
  env: NodeJS.ProcessEnv,
  key: string,
  allowed: readonly T[],
  normalize: (value: string) => string = (value) => value,
): T | undefined {
  const raw = env[key]?.trim();
  if (!raw) return undefined;
  const value = normalize(raw);
  if (!allowed.includes(value as T))
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return value as T;
}
