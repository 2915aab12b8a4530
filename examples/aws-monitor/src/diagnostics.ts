// The `lambda_diagnostics` tool: real figures of the instance serving the request (cold or warm start,
// counters, memory, the Lambda context, runtime, a timed probe of the session store, open event streams).
// Environment output is an allow-list, and even listed values are withheld when they look like secrets.

import { performance } from 'node:perf_hooks';
import type { McpServer } from '@modelcontextprotocol/server';
import type { LambdaMcpContext } from 'lambda-mcp';
import { cachedJsonSchema } from 'lambda-mcp';
import * as z from 'zod/v4';
import type { AwsMonitorDeps } from './app.js';
import { withoutEndpoints } from './monitor/errors.js';
import { toolText } from './tool-text.js';

/** The id the health probe reads: never a real session (ids are random base64url), so the answer is "absent". */
export const HEALTH_PROBE_ID = 'lambda-mcp-health-probe';

/** How long the health probe may take before it is reported as failed. */
const PROBE_TIMEOUT_MS = 5000;

/** The only environment variables whose values the tool may show. */
export const ENVIRONMENT_ALLOW_LIST = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_EXECUTION_ENV',
  'NODE_ENV',
  'STORE',
  'SESSION_TABLE_NAME',
  'SSE_MODE',
  'LOG_LEVEL',
  'ENABLE_COMPRESSION',
  'MAX_RESPONSE_SIZE_MB',
  'SESSION_IDLE_SECONDS',
  'ADMIN_TOOLS',
  'TZ',
] as const;

/** What a withheld value is shown as. */
export const REDACTED = '[redacted]';

/** Names whose values are secrets wherever they appear; their values are also withheld from listed names. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|(^|_)KEY($|_)|API_?KEY|SIGNATURE|AUTH/i;

const Input = z.object({
  include_metrics: z
    .boolean()
    .default(true)
    .describe('Memory use, the Lambda memory size and remaining time, and open event streams'),
  include_runtime: z.boolean().default(true).describe('Node.js version, platform, architecture, region'),
  include_store: z
    .boolean()
    .default(true)
    .describe('The session store kind and a timed health probe of it (one read)'),
  include_environment: z
    .boolean()
    .default(false)
    .describe('Allow-listed environment variables; secrets, keys and tokens are never shown'),
});

const Probe = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  error: z.string().optional(),
});

/** The structured result of `lambda_diagnostics`. */
export const DiagnosticsOutput = z.object({
  /** Whether this request is the first the instance serves. */
  coldStart: z.boolean(),
  era: z.enum(['legacy', 'modern']),
  instance: z.object({
    id: z.string(),
    startedAt: z.string(),
    uptimeMs: z.number(),
    /** Requests served by this instance, this one included. */
    invocations: z.number().int(),
  }),
  runtime: z
    .object({
      node: z.string(),
      platform: z.string(),
      arch: z.string(),
      executionEnv: z.string().optional(),
      inLambda: z.boolean(),
      functionName: z.string().optional(),
      region: z.string().optional(),
    })
    .optional(),
  metrics: z
    .object({
      memoryMb: z.object({
        rss: z.number(),
        heapTotal: z.number(),
        heapUsed: z.number(),
        external: z.number(),
        arrayBuffers: z.number(),
      }),
      /** Live GET streams subscribed to the event hub on this instance. */
      eventStreams: z.number().int(),
      /** From the Lambda context, when the request came through the Lambda adapter. */
      lambda: z
        .object({
          awsRequestId: z.string().optional(),
          functionName: z.string().optional(),
          functionVersion: z.string().optional(),
          memoryLimitMb: z.number().optional(),
          remainingTimeMs: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  store: z
    .object({
      kind: z.string(),
      description: z.string(),
      health: Probe,
    })
    .optional(),
  environment: z.record(z.string(), z.string()).optional(),
});
/** What `lambda_diagnostics` answers. */
export type Diagnostics = z.infer<typeof DiagnosticsOutput>;

/** The tool's schemas, their JSON Schema computed once per instance (each request registers the tool anew). */
const SCHEMAS = { input: cachedJsonSchema(Input), output: cachedJsonSchema(DiagnosticsOutput) };

/** Registers `lambda_diagnostics` on a server built for the request described by `ctx`. */
export function registerDiagnostics(server: McpServer, ctx: LambdaMcpContext, deps: AwsMonitorDeps): void {
  const { title, description } = toolText(deps, 'lambda_diagnostics');
  server.registerTool(
    'lambda_diagnostics',
    {
      title,
      description,
      inputSchema: SCHEMAS.input,
      outputSchema: SCHEMAS.output,
      annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (flags) => {
      const result = await diagnose(ctx, deps, flags);
      return {
        content: [{ type: 'text', text: JSON.stringify(result, null, 2) }],
        structuredContent: result,
      };
    },
  );
}

async function diagnose(
  ctx: LambdaMcpContext,
  deps: AwsMonitorDeps,
  flags: z.infer<typeof Input>,
): Promise<Diagnostics> {
  const { instance, config } = deps;
  const result: Diagnostics = {
    coldStart: instance.coldStart,
    era: ctx.era,
    instance: {
      id: instance.instanceId,
      startedAt: new Date(instance.startedAt).toISOString(),
      uptimeMs: instance.uptimeMs(),
      invocations: instance.invocations,
    },
  };
  if (flags.include_runtime) {
    const executionEnv = process.env.AWS_EXECUTION_ENV?.trim();
    result.runtime = {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      ...(executionEnv && { executionEnv }),
      inLambda: config.runtime.inLambda,
      ...(config.runtime.functionName && { functionName: config.runtime.functionName }),
      ...(config.runtime.region && { region: config.runtime.region }),
    };
  }
  if (flags.include_metrics) {
    const usage = process.memoryUsage();
    result.metrics = {
      memoryMb: {
        rss: mebibytes(usage.rss),
        heapTotal: mebibytes(usage.heapTotal),
        heapUsed: mebibytes(usage.heapUsed),
        external: mebibytes(usage.external),
        arrayBuffers: mebibytes(usage.arrayBuffers),
      },
      eventStreams: deps.hub.subscriberCount(),
    };
    const lambda = lambdaFigures(ctx);
    if (lambda) result.metrics.lambda = lambda;
  }
  if (flags.include_store) {
    result.store = {
      kind: deps.stores.kind,
      description: deps.stores.description,
      health: await probeStore(deps),
    };
  }
  if (flags.include_environment) result.environment = allowListedEnvironment(process.env);
  return result;
}

function lambdaFigures(ctx: LambdaMcpContext): NonNullable<Diagnostics['metrics']>['lambda'] | undefined {
  const context = ctx.lambdaContext;
  if (!context) return undefined;
  const memory = Number(context.memoryLimitInMB);
  let remaining: number | undefined;
  try {
    remaining = context.getRemainingTimeInMillis?.();
  } catch {
    remaining = undefined;
  }
  return {
    ...(context.awsRequestId && { awsRequestId: context.awsRequestId }),
    ...(context.functionName && { functionName: context.functionName }),
    ...(context.functionVersion && { functionVersion: context.functionVersion }),
    ...(Number.isFinite(memory) && memory > 0 && { memoryLimitMb: memory }),
    ...(typeof remaining === 'number' && Number.isFinite(remaining) && { remainingTimeMs: remaining }),
  };
}

/** Times one read of the session store; a failure (or a read slower than the limit) is reported, never thrown. */
async function probeStore(deps: AwsMonitorDeps): Promise<z.infer<typeof Probe>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      deps.stores.sessionStore.get(HEALTH_PROBE_ID),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: elapsed(started) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: elapsed(started),
      // Never the store's endpoint: a client reads this.
      error: withoutEndpoints(error instanceof Error ? error.message : String(error), 'the store'),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The allow-listed variables that are set, by name. A listed value is withheld when it looks like a secret
 * or contains the value of a variable whose name marks it as one (a key copied into the wrong variable).
 */
export function allowListedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const secrets = Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.trim().length >= 8)
    .map(([, value]) => (value as string).trim());
  const shown: Record<string, string> = {};
  for (const name of ENVIRONMENT_ALLOW_LIST) {
    const value = env[name];
    if (value === undefined) continue;
    shown[name] = looksSecret(value) || secrets.some((secret) => value.includes(secret)) ? REDACTED : value;
  }
  return shown;
}

/**
 * Whether a value looks like a credential: an AWS access key id, a PEM block, a JWT, or a long unbroken run
 * of hex or base64 characters (keys and tokens; configuration values are short or have separators).
 */
export function looksSecret(value: string): boolean {
  const text = value.trim();
  return (
    /\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/.test(text) ||
    /-----BEGIN [A-Z ]+-----/.test(text) ||
    /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./.test(text) ||
    /[0-9a-fA-F]{32,}/.test(text) ||
    /[A-Za-z0-9+/]{40,}={0,2}/.test(text)
  );
}

function mebibytes(bytes: number): number {
  return Math.round((bytes / 1_048_576) * 10) / 10;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
