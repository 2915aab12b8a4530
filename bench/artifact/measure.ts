// The artifact cold start: spawns `node child.mjs <artifact> <handler> <request>` again and again with a
// Lambda-like environment and reads the child's timings of `import(artifact)` and of its first answer.
// Subjects: lambda-mcp's shipped artifact through `handler` (buffered) and `streamingHandler` (the
// runtime stand-in), on the memory store and on the DynamoDB store against a dynalite this process starts,
// and the SDK anchor (buffered, no store). Runs alternate the order of the cases, run by run.

import { randomBytes } from 'node:crypto';
import { startDynalite } from '../../packages/lambda-mcp/src/dynamodb/dynalite.js';
import { ensureLocalTable } from '../../packages/lambda-mcp/src/dynamodb/ensure-table.js';
import { ROOT } from '../../scripts/build-lambda.js';
import type { ColdRequest } from '../cold/child.js';
import { type Summary, summarize } from '../stats.js';
import { timedChild } from '../timed-child.js';
import type { ArtifactBuild } from './build.js';
import { type ArtifactChildReport, REPORT_PREFIX } from './protocol.js';

/** One thing a cold start runs: which artifact, which export, which store, which first request. */
export interface ArtifactCase {
  subject: 'ours' | 'sdk';
  handler: 'handler' | 'streamingHandler';
  store: 'memory' | 'dynamodb';
  request: ColdRequest;
}

/** Every case of a run: ours buffered and streaming on both stores, the SDK anchor (buffered, no store). */
export const ARTIFACT_CASES: readonly ArtifactCase[] = (['modern', 'legacy'] as const).flatMap((request) => [
  { subject: 'ours', handler: 'handler', store: 'memory', request },
  { subject: 'ours', handler: 'streamingHandler', store: 'memory', request },
  { subject: 'sdk', handler: 'handler', store: 'memory', request },
  { subject: 'ours', handler: 'handler', store: 'dynamodb', request },
  { subject: 'ours', handler: 'streamingHandler', store: 'dynamodb', request },
]);

/** One cold start, in ms. */
export interface ArtifactSample {
  /** Parent: `spawn()` → report line received. */
  wallMs: number;
  /** Child: process start → runner's first statement. */
  startedMs: number;
  /** Child: `import(artifact)`, top-level await included (the Lambda init phase). */
  importMs: number;
  /** Child: the first invocation until the whole answer was there (the first DynamoDB call included). */
  answerMs: number;
  rssBytes: number;
}

/** One case summarized. `ratio` is ours / SDK anchor of the median import + first answer (same request). */
export interface ArtifactRow extends ArtifactCase {
  importP50: number;
  answerP50: number;
  /** Median of import + first answer per run. */
  totalP50: number;
  wall: Summary;
  rssP50MiB: number;
  ratio: number;
  samples: ArtifactSample[];
}

/** What {@link measureArtifactCold} returns. */
export interface ArtifactColdResult {
  runs: number;
  staticBytes: ArtifactBuild['staticBytes'];
  rows: ArtifactRow[];
}

/** The fixed key both artifacts verify MRTR `requestState` with (a benchmark key, never a secret). */
const REQUEST_STATE_KEY = Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => i)).toString('hex');

/** The environment Lambda gives a function (see scripts/invoke.ts), and nothing of this shell's. */
function lambdaEnv(item: ArtifactCase, dynamo: { endpoint: string; table: string } | undefined, dir: string) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_LAMBDA_FUNCTION_NAME: 'aws-monitor-bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_FUNCTION_TIMEOUT: '30',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/aws-monitor-bench',
    AWS_LAMBDA_LOG_STREAM_NAME: `2026/12/03/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // As the Lambda role's credentials arrive: in the environment (dynalite accepts any).
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    LAMBDA_TASK_ROOT: dir,
    _HANDLER: `index.${item.handler}`,
    _X_AMZN_TRACE_ID: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
    MCP_REQUEST_STATE_KEY: REQUEST_STATE_KEY,
  };
  if (item.store === 'dynamodb') {
    if (!dynamo) throw new Error('a DynamoDB case needs dynalite');
    // The AWS SDK's own endpoint override, not DYNAMODB_ENDPOINT: with that, storesFromEnv treats the table as
    // a local one and checks it at init (DescribeTable, creating it when missing), a call a function on AWS's
    // endpoint never makes. Here the SDK talks to dynalite as it would to DynamoDB; the table exists already.
    Object.assign(env, {
      STORE: 'dynamodb',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      SESSION_TABLE_NAME: dynamo.table,
    });
  } else {
    env.STORE = 'memory';
  }
  return env;
}

/** Spawns one child for `item` and times it. Rejects when the child fails or its answer was wrong. */
export async function artifactColdStart(
  built: ArtifactBuild,
  item: ArtifactCase,
  dynamo?: { endpoint: string; table: string },
): Promise<ArtifactSample> {
  const entry = item.subject === 'ours' ? built.ours : built.sdk;
  const env = lambdaEnv(item, dynamo, entry.slice(0, entry.lastIndexOf('/')));
  const reportLine = new RegExp(`(^|\\n)${REPORT_PREFIX}.*\\n`);
  const run = await timedChild([built.child, entry, item.handler, item.request], env, ROOT, (out) =>
    reportLine.test(out),
  );
  const what = `artifact cold start ${describeCase(item)}`;
  const line = run.stdout.split('\n').find((text) => text.startsWith(REPORT_PREFIX));
  if (run.lineMs === undefined || !line) {
    throw new Error(`${what}: no report line, exit code ${run.code}\n${run.stdout}\n${run.stderr}`);
  }
  const report = JSON.parse(line.slice(REPORT_PREFIX.length)) as ArtifactChildReport;
  if (!report.ok) throw new Error(`${what}: ${report.error}\n${run.stderr}`);
  return {
    wallMs: run.lineMs,
    startedMs: report.startedMs,
    importMs: report.importMs,
    answerMs: report.answerMs,
    rssBytes: report.rssBytes,
  };
}

/** e.g. `ours streamingHandler dynamodb legacy`. */
export function describeCase(item: ArtifactCase): string {
  return `${item.subject} ${item.handler} ${item.store} ${item.request}`;
}

/** A dynalite for the DynamoDB cases, with the table created; `close()` stops it. */
export async function startBenchDynamo(): Promise<{
  endpoint: string;
  table: string;
  close(): Promise<void>;
}> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const running = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: running.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const table = `lambda-mcp-bench-${process.pid}`;
  try {
    await ensureLocalTable(client, table, running.endpoint);
  } finally {
    client.destroy();
  }
  return { endpoint: running.endpoint, table, close: running.close };
}

/**
 * Measures every case of `cases` `runs` times (after `warmup` unmeasured starts each, for the file cache),
 * interleaved run by run, the order reversed every other run.
 */
export async function measureArtifactCold(
  built: ArtifactBuild,
  options: {
    runs: number;
    warmup?: number;
    cases?: readonly ArtifactCase[];
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ArtifactColdResult> {
  const cases = options.cases ?? ARTIFACT_CASES;
  const dynamo = cases.some((item) => item.store === 'dynamodb') ? await startBenchDynamo() : undefined;
  try {
    const samples = cases.map(() => [] as ArtifactSample[]);
    for (let i = 0; i < (options.warmup ?? 1); i++) {
      for (const item of cases) await artifactColdStart(built, item, dynamo);
    }
    const total = options.runs * cases.length;
    let done = 0;
    for (let run = 0; run < options.runs; run++) {
      const order = cases.map((_, index) => index);
      if (run % 2 === 1) order.reverse();
      for (const index of order) {
        samples[index]?.push(await artifactColdStart(built, cases[index] as ArtifactCase, dynamo));
        options.onProgress?.(++done, total);
      }
    }
    const p50 = (list: ArtifactSample[], pick: (sample: ArtifactSample) => number) =>
      summarize(list.map(pick)).p50;
    const rows = cases.map((item, index) => {
      const list = samples[index] ?? [];
      return {
        ...item,
        importP50: p50(list, (s) => s.importMs),
        answerP50: p50(list, (s) => s.answerMs),
        totalP50: p50(list, (s) => s.importMs + s.answerMs),
        wall: summarize(list.map((s) => s.wallMs)),
        rssP50MiB: p50(list, (s) => s.rssBytes) / 1024 / 1024,
        ratio: Number.NaN,
        samples: list,
      };
    });
    for (const row of rows) {
      const anchor = rows.find((other) => other.subject === 'sdk' && other.request === row.request);
      if (anchor) row.ratio = row.totalP50 / anchor.totalP50;
    }
    return { runs: options.runs, staticBytes: built.staticBytes, rows };
  } finally {
    await dynamo?.close();
  }
}
