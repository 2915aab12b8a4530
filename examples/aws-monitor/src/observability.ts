// Observability with Powertools for AWS Lambda: one structured log line per request, EMF metrics (requests,
// errors by code, server errors (5xx answers), tool latency, cold starts), X-Ray subsegments per invocation
// and per AWS call, and the client's W3C trace context (SEP-414 `_meta.traceparent`) recorded so both traces
// can be joined. Locally: readable logs.
// The Powertools tracer and the X-Ray SDK under it (~120 KiB) load with the first invocation X-Ray samples,
// not at start: an unsampled invocation records nothing, so a cold start without a sampled trace skips them.

import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { isClientRejection, type LambdaContextLike, type RequestRecord } from 'lambda-mcp';
import type { AwsMonitorConfig } from './config.js';
import { ReadableLogger } from './readable-log.js';
import { sessionRef } from './session-ref.js';
import { type ClientTrace, parseTraceparent, xraySampled } from './trace-context.js';

export { readableLine } from './readable-log.js';
export { type ClientTrace, parseTraceparent } from './trace-context.js';

/** The CloudWatch namespace used when `POWERTOOLS_METRICS_NAMESPACE` is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'LambdaMcp';

/** Options of {@link createObservability}; the defaults follow the runtime. */
export interface ObservabilityOptions {
  /**
   * Readable one-line logs on stderr instead of JSON. Default: outside Lambda when stderr is a terminal.
   */
  pretty?: boolean;
  /** CloudWatch metrics namespace. Default: `POWERTOOLS_METRICS_NAMESPACE`, else `LambdaMcp`. */
  namespace?: string;
  /** A tracer to use instead of one configured from the environment (tests). */
  tracer?: Tracer;
  /**
   * Write each request's log line after the response has gone out (on the next turn of the event loop, in
   * order) rather than before it. Default: outside Lambda. On Linux, writes to a terminal, a file or a pipe
   * are synchronous, and the line took 0.1-0.3 ms the client waited for (the bench's HTTP section). Inside
   * Lambda the line is written at once: a sandbox frozen after the answer would hold it back.
   */
  deferRequestLogs?: boolean;
}

/** A Lambda handler of any event shape, as {@link Observability.wrapLambdaHandler} takes it. */
export type LambdaHandlerLike = (event: never, context?: never) => Promise<unknown>;

/** The server's logger, metrics and tracer, and the hooks that feed them. */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /**
   * The tracer: the one given in the options, else the Powertools tracer once the first invocation sampled by
   * X-Ray has loaded it ({@link Observability.prepareInvocation}); undefined before.
   */
  readonly tracer: Tracer | undefined;
  /**
   * Whether request metrics are emitted: inside Lambda unless `POWERTOOLS_METRICS_DISABLED` (or
   * `POWERTOOLS_DEV`) turns them off; locally only when `POWERTOOLS_METRICS_DISABLED=false` turns them on.
   */
  metricsEnabled: boolean;
  /** lambda-mcp's `onrequest`: logs the request, records its metrics and annotates its trace. Never throws. */
  onrequest(record: RequestRecord): void;
  /** lambda-mcp's `onerror`: logs the error at ERROR level (not the SDK's reports of 4xx answers). Never throws. */
  onerror(error: unknown): void;
  /**
   * Traces every call of an AWS SDK v3 client as an X-Ray subsegment (a no-op while tracing is off). A client
   * made before the tracer is loaded is instrumented when it loads.
   */
  instrument<T>(awsClient: T): T;
  /**
   * Called as each invocation starts, before any of its work: when X-Ray samples the invocation (its trace
   * header says `Sampled=1`), loads the tracer if it is not loaded yet. {@link wrapLambdaHandler} calls it.
   */
  prepareInvocation(): Promise<void>;
  /** Publishes metrics still buffered (request metrics are published as each request ends). */
  flush(): void;
  /**
   * Wraps a Lambda handler: each invocation runs in an X-Ray subsegment (renamed after the JSON-RPC method
   * once known), its log lines carry the Lambda request id, and buffered metrics are flushed when it ends.
   */
  wrapLambdaHandler<H extends LambdaHandlerLike>(handler: H): H;
}

type RequestSegment = ReturnType<NonNullable<ReturnType<Tracer['getSegment']>>['addNewSubsegment']>;

/** The JSON-RPC methods a client sends, used as metric dimension values (any other: `other`). */
const KNOWN_METHODS = new Set([
  'initialize',
  'ping',
  'server/discover',
  'subscriptions/listen',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'resources/directory/read',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
]);

/**
 * Builds the logger, metrics and tracer for `config` (service name, log level, runtime). The Powertools
 * switches are read from `process.env`, as Powertools itself reads them.
 *
 * @example
 * const observability = createObservability(loadConfig());
 * const handler = createLambdaMcp(factory, { onrequest: observability.onrequest, onerror: observability.onerror });
 */
export function createObservability(
  config: AwsMonitorConfig,
  options: ObservabilityOptions = {},
): Observability {
  const inLambda = config.runtime.inLambda;
  const pretty = options.pretty ?? (!inLambda && process.stderr.isTTY === true);
  const loggerOptions: ConstructorOptions = { serviceName: config.server.name, logLevel: config.logLevel };
  const logger = pretty ? new ReadableLogger(loggerOptions) : new Logger(loggerOptions);

  const metrics = new SwitchableMetrics({
    namespace:
      options.namespace ?? (process.env.POWERTOOLS_METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE),
    serviceName: config.server.name,
    logger,
  });
  // Powertools emits EMF wherever it runs unless POWERTOOLS_METRICS_DISABLED (or POWERTOOLS_DEV) says
  // otherwise; on a developer's terminal EMF lines are noise, so locally they need the switch set explicitly.
  const metricsSwitch = Boolean(process.env.POWERTOOLS_METRICS_DISABLED?.trim());
  const metricsEnabled = metrics.enabledByEnvironment && (inLambda || metricsSwitch);

  // Request lines waiting for the next turn of the event loop (deferRequestLogs), written in order.
  const deferLogs = options.deferRequestLogs ?? !inLambda;
  let queuedLines: (() => void)[] = [];
  const writeQueuedLines = () => {
    const lines = queuedLines;
    queuedLines = [];
    for (const write of lines) write();
  };

  let tracer = options.tracer;
  let tracerLoading: Promise<void> | undefined;
  // Clients made before the tracer loaded, instrumented when it does (weakly held: the LRU may drop them).
  let uninstrumented: WeakRef<object>[] = [];
  // Invocations started so far: only the first may annotate a cold start (the tracer may load later).
  let invocations = 0;
  const loadTracer = async () => {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    // Powertools enables tracing inside Lambda (AWS_EXECUTION_ENV) unless POWERTOOLS_TRACE_ENABLED=false.
    const loaded = new Tracer({ serviceName: config.server.name });
    // AWS calls with no trace to join (outside an invocation: the init phase, an embedded dynalite) are
    // expected, not errors, and Powertools says so by setting AWS_XRAY_CONTEXT_MISSING to IGNORE_ERROR when it
    // is unset, but only after the X-Ray SDK has read it: applied here, or the SDK prints a stack trace for
    // each such call. Any other value set for the function is the SDK's to apply.
    if (process.env.AWS_XRAY_CONTEXT_MISSING === 'IGNORE_ERROR') {
      loaded.provider.setContextMissingStrategy('IGNORE_ERROR');
    }
    for (const ref of uninstrumented) {
      const client = ref.deref();
      if (client) loaded.captureAWSv3Client(client);
    }
    uninstrumented = [];
    tracer = loaded;
  };

  // The current invocation's subsegment, for `onrequest` to name and annotate.
  const requestSegments = new AsyncLocalStorage<RequestSegment>();

  const recordMetrics = (record: RequestRecord) => {
    metrics.addDimensions({ Method: methodLabel(record), Era: record.era });
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    if (record.status >= 400 || record.errorCode !== undefined) {
      metrics
        .singleMetric()
        .addDimension('Code', String(record.errorCode ?? record.status))
        .addMetric('Errors', MetricUnit.Count, 1);
    }
    // The server's own 5xx answers, under the `service` dimension alone: one series an alarm can divide by
    // the functions' invocations (the 5xx-rate alarm of infra/lib/alarms.ts), as Errors by Code is not.
    if (record.status >= 500) {
      metrics.singleMetric().addMetric('ServerErrors', MetricUnit.Count, 1);
    }
    // Latency of tool calls that reached the server, not of calls refused before (unknown session, 403...).
    if (record.rpcMethod === 'tools/call' && record.status < 400) {
      metrics
        .singleMetric()
        .addDimension('Tool', toolLabel(record, config))
        .addMetric('ToolLatency', MetricUnit.Milliseconds, record.durationMs);
    }
    // Once per instance, on its first request (Powertools counts on-demand initializations only).
    metrics.captureColdStartMetric(config.runtime.functionName);
  };

  const annotate = (segment: RequestSegment, record: RequestRecord, client: ClientTrace | undefined) => {
    segment.name = `## ${methodLabel(record)}`;
    segment.addAnnotation('method', methodLabel(record));
    segment.addAnnotation('era', record.era);
    segment.addAnnotation('status', record.status);
    if (record.toolName !== undefined) segment.addAnnotation('tool', toolLabel(record, config));
    if (record.sessionId !== undefined) segment.addAnnotation('session_ref', sessionRef(record.sessionId));
    // SEP-414: X-Ray cannot re-parent the Lambda segment under the client's span (Lambda creates the
    // segment from its own trace header before any code runs), so the client's W3C ids are recorded here,
    // searchable with `annotation.client_trace_id = "<trace id>"`, and logged on the request line.
    if (client) {
      segment.addAnnotation('client_trace_id', client.traceId);
      segment.addAnnotation('client_parent_id', client.parentId);
    }
    const { sessionId, ...safe } = record;
    segment.addMetadata(
      'request',
      { ...safe, ...(sessionId !== undefined && { sessionRef: sessionRef(sessionId) }) },
      config.server.name,
    );
    if (record.status === 429) segment.addThrottleFlag();
    if (record.status >= 500) segment.addFaultFlag();
    else if (record.status >= 400) segment.addErrorFlag();
  };

  /** One deferred request line; a logger that throws loses the line, never the others or the server. */
  const logRequest = (level: 'error' | 'warn' | 'info', fields: Record<string, unknown>) => {
    try {
      logger[level]('request', fields);
    } catch {
      // Nothing to report it to that would not be the same logger.
    }
  };

  const onerror = (error: unknown) => {
    // A request the SDK refused with a 4xx is the client's mistake: `onrequest` logs it once, at WARN.
    if (error instanceof Error && isClientRejection(error)) return;
    try {
      logger.error('server error', error instanceof Error ? error : new Error(String(error)));
    } catch {
      // Logging must never turn into a failure of the request it reports on.
    }
  };

  const flush = () => {
    writeQueuedLines();
    if (metricsEnabled && metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };

  /** Counts the invocation and loads the tracer if X-Ray samples it; resolves to the invocation's number. */
  const prepareInvocation = async (): Promise<number> => {
    const invocation = ++invocations;
    if (!tracer && xraySampled()) {
      // A tracer that fails to load leaves the invocation untraced, never failed; the next sampled one retries.
      tracerLoading ??= loadTracer().catch((error: unknown) => {
        tracerLoading = undefined;
        onerror(error);
      });
      await tracerLoading;
    }
    return invocation;
  };

  return {
    logger,
    metrics,
    get tracer() {
      return tracer;
    },
    metricsEnabled,
    onrequest: (received) => {
      try {
        const record = capClientFields(received);
        const client = record.traceparent ? parseTraceparent(record.traceparent) : undefined;
        const level = record.status >= 500 ? 'error' : record.status >= 400 ? 'warn' : 'info';
        const fields: Record<string, unknown> = {
          lambdaRequestId: record.lambdaRequestId,
          httpMethod: record.httpMethod,
          era: record.era,
          rpcMethod: record.rpcMethod,
          toolName: record.toolName,
          sessionRef: record.sessionId === undefined ? undefined : sessionRef(record.sessionId),
          clientName: record.clientName,
          status: record.status,
          durationMs: record.durationMs,
          errorCode: record.errorCode,
          traceparent: record.traceparent,
          tracestate: record.tracestate,
          clientTraceId: client?.traceId,
          clientParentId: client?.parentId,
        };
        for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
        if (!deferLogs) logger[level]('request', fields);
        else if (queuedLines.push(() => logRequest(level, fields)) === 1) setImmediate(writeQueuedLines);
        const segment = requestSegments.getStore();
        if (segment) annotate(segment, record, client);
        if (metricsEnabled) recordMetrics(record);
      } catch (error) {
        onerror(error);
      }
    },
    onerror,
    instrument: (awsClient) => {
      if (tracer) return tracer.captureAWSv3Client(awsClient);
      if (typeof awsClient === 'object' && awsClient !== null) {
        uninstrumented = uninstrumented.filter((ref) => ref.deref() !== undefined);
        uninstrumented.push(new WeakRef(awsClient));
      }
      return awsClient;
    },
    flush,
    prepareInvocation: async () => {
      await prepareInvocation();
    },
    wrapLambdaHandler: <H extends LambdaHandlerLike>(handler: H): H => {
      const run = handler as unknown as (event: unknown, context?: LambdaContextLike) => Promise<unknown>;
      const wrapped = async (event: unknown, context?: LambdaContextLike) => {
        const requestId = context?.awsRequestId;
        if (requestId) logger.appendKeys({ lambdaRequestId: requestId });
        const invocation = await prepareInvocation();
        // Inside Lambda the facade segment exists (from the invocation's trace header); locally tracing is off.
        const active = tracer?.isTracingEnabled() ? tracer : undefined;
        const parent = active?.getSegment();
        const segment = parent?.addNewSubsegment('## request');
        if (active && parent && segment) {
          active.setSegment(segment);
          if (invocation === 1) active.annotateColdStart();
          else active.putAnnotation('ColdStart', false);
          active.addServiceNameAnnotation();
        }
        try {
          return await (segment
            ? requestSegments.run(segment, () => run(event, context))
            : run(event, context));
        } catch (error) {
          if (segment) active?.addErrorAsMetadata(error as Error);
          throw error;
        } finally {
          if (active && parent && segment) {
            segment.close();
            active.setSegment(parent);
          }
          flush();
          if (requestId) logger.removeKeys(['lambdaRequestId']);
        }
      };
      return wrapped as unknown as H;
    },
  };
}

/** Longest a client-supplied field (tool name, method, client name, trace context...) is logged, in characters. */
export const MAX_LOGGED_FIELD_CHARS = 256;
/** What replaces the end of a field cut to {@link MAX_LOGGED_FIELD_CHARS}. */
export const CUT_MARK = '…(cut)';

/** Fields of a request record whose values come from the client, capped before they are logged or traced. */
const CLIENT_FIELDS = [
  'httpMethod',
  'rpcMethod',
  'toolName',
  'clientName',
  'sessionId',
  'traceparent',
  'tracestate',
] as const satisfies readonly (keyof RequestRecord)[];

/** A value cut to {@link MAX_LOGGED_FIELD_CHARS} characters (mark included) and marked as cut; others as they are. */
export function capField(value: string): string {
  if (value.length <= MAX_LOGGED_FIELD_CHARS) return value;
  return `${value.slice(0, MAX_LOGGED_FIELD_CHARS - CUT_MARK.length)}${CUT_MARK}`;
}

/** The record with its client-supplied fields capped, so one request cannot write a megabyte log line. */
function capClientFields(record: RequestRecord): RequestRecord {
  const capped: Record<string, unknown> = { ...record };
  for (const key of CLIENT_FIELDS) {
    const value = capped[key];
    if (typeof value === 'string') capped[key] = capField(value);
  }
  return capped as unknown as RequestRecord;
}

/** The request's method as a bounded metric dimension: a known JSON-RPC method, `other`, or the HTTP method. */
function methodLabel(record: RequestRecord): string {
  if (record.rpcMethod === undefined) return record.httpMethod;
  return KNOWN_METHODS.has(record.rpcMethod) ? record.rpcMethod : 'other';
}

/** The tool as a bounded dimension: one of the configured tools, or `unknown`. */
function toolLabel(record: RequestRecord, config: AwsMonitorConfig): string {
  const name = record.toolName;
  return name !== undefined && Object.hasOwn(config.tools, name) ? name : 'unknown';
}

/** Powertools Metrics, telling whether its own switches (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV) allow EMF. */
class SwitchableMetrics extends Metrics {
  get enabledByEnvironment(): boolean {
    return !this.isDisabled();
  }
}
