// The HTTP path: `npm start`'s server (examples/aws-monitor/src/serve.ts, in-memory stores, its per-request
// log line at LOG_LEVEL INFO and, as a third subject, at LOG_LEVEL=SILENT) against the SDK's bare
// `createMcpHandler` over the same server definition on node:http (anchor-server.ts), each in its own child
// process on a free port, driven from this process with Node's `fetch` over loopback keep-alive connections.
// Sequential requests in alternating rounds; each sample runs from the `fetch` call to the end of the body.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type Answer,
  checkAnswer,
  legacyInitialize,
  legacyInitialized,
  legacySessionInfo,
  modernSessionInfo,
} from '../requests.js';
import { type Summary, summarize } from '../stats.js';
import { BENCH_KEY } from '../subjects/key.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The three servers. */
export type HttpSubject = 'ours' | 'ours-silent' | 'sdk';
export const HTTP_SUBJECTS: readonly HttpSubject[] = ['ours', 'ours-silent', 'sdk'];
/** The scenarios, as in the warm section. */
export type HttpScenario = 'modern' | 'legacy';

/** A server child process and its endpoint. */
export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** What it wrote last (stdout and stderr, the last 4 KiB), for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/** Variables of this shell that would change what a server does. */
const SCRUBBED = [
  'NODE_OPTIONS',
  'STORE',
  'SESSION_TABLE_NAME',
  'DYNAMODB_ENDPOINT',
  'AWS_LAMBDA_FUNCTION_NAME',
  'LOG_LEVEL',
  'AUTH_ISSUER',
];

/**
 * Spawns `node --import tsx <file>` with `env` on top of this one's (scrubbed), waits for its
 * `listening on <url>` line (30 s at most) and resolves with the URL. Its output is drained continuously.
 */
export function startServer(file: string, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const base = { ...process.env };
  for (const key of SCRUBBED) delete base[key];
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...base, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-4096);
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${file} printed no "listening on" line within 30 s:\n${output}`));
    }, 30_000);
    child.stderr.setEncoding('utf8').on('data', keep);
    let listening = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      keep(chunk);
      if (listening) return;
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!match?.[1]) return;
      listening = true;
      clearTimeout(timer);
      resolve({ url: match[1], child, tail: () => output, stop });
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${signal ?? code}) before listening:\n${output}`));
    });
  });
}

/** Starts one subject's server. */
export function startHttpSubject(subject: HttpSubject): Promise<RunningServer> {
  if (subject === 'sdk') return startServer('bench/http/anchor-server.ts', {});
  return startServer('examples/aws-monitor/src/serve.ts', {
    MCP_REQUEST_STATE_KEY: Buffer.from(BENCH_KEY).toString('hex'),
    STORE: 'memory',
    ...(subject === 'ours-silent' && { LOG_LEVEL: 'SILENT' }),
  });
}

/** A request ready to send: `fetch(url, init)` with a string body, built before the timer starts. */
interface Prepared {
  init: RequestInit;
}

async function prepared(request: Request): Promise<Prepared> {
  return { init: { method: request.method, headers: request.headers, body: await request.text() } };
}

async function send(url: string, request: Request): Promise<Response> {
  return fetch(url, (await prepared(request)).init);
}

interface Lane {
  label: string;
  next: (id: number) => Request;
}

/** The scenario's request factory for a server; ours' 2025 lane is one session, initialized over HTTP. */
async function prepare(subject: HttpSubject, server: RunningServer, scenario: HttpScenario): Promise<Lane> {
  if (scenario === 'modern') return { label: '2026-07-28 tools/call', next: (id) => modernSessionInfo(id) };
  if (subject === 'sdk') {
    return {
      label: '2025-11-25 tools/call, stateless legacy lane (no session)',
      next: (id) => legacySessionInfo(id),
    };
  }
  const initialize = await send(server.url, legacyInitialize(0));
  const sessionId = initialize.headers.get('mcp-session-id');
  checkAnswer(await readHttpAnswer(initialize), 0);
  if (!sessionId) throw new Error(`${subject}: initialize answered without mcp-session-id`);
  const initialized = await send(server.url, legacyInitialized(sessionId));
  await initialized.arrayBuffer();
  if (initialized.status !== 202) throw new Error(`${subject}: initialized answered ${initialized.status}`);
  return {
    label: '2025-11-25 tools/call in a session (mcp-session-id)',
    next: (id) => legacySessionInfo(id, sessionId),
  };
}

async function readHttpAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

/** `count` sequential requests; every answer is checked after the batch. */
async function batch(server: RunningServer, lane: Lane, firstId: number, count: number) {
  const samples: number[] = new Array(count);
  const answers: Answer[] = new Array(count);
  let wallMs = 0;
  for (let i = 0; i < count; i++) {
    const { init } = await prepared(lane.next(firstId + i));
    const t0 = performance.now();
    answers[i] = await readHttpAnswer(await fetch(server.url, init));
    const took = performance.now() - t0;
    samples[i] = took;
    wallMs += took;
  }
  answers.forEach((answer, i) => {
    try {
      checkAnswer(answer, firstId + i);
    } catch (error) {
      throw new Error(`${String(error)}\nserver output:\n${server.tail()}`);
    }
  });
  return { samples, wallMs };
}

/** One server's figures on one scenario. */
export interface HttpRow {
  scenario: HttpScenario;
  subject: HttpSubject;
  label: string;
  latency: Summary;
  /** Requests per second of sequential sending (one in flight). */
  requestsPerSecond: number;
  /** p50 and p99 over the SDK anchor's, same scenario. */
  ratioP50: number;
  ratioP99: number;
}

/** Figures of the HTTP section. */
export interface HttpResult {
  requests: number;
  warmup: number;
  rounds: number;
  rows: HttpRow[];
}

/**
 * Starts the three servers (at once), then per scenario: a warm-up each, and `rounds` rounds over the servers in an
 * order that rotates round by round; stops every server it started, also on failure.
 */
export async function measureHttp(options: {
  requests: number;
  warmup: number;
  rounds: number;
  subjects?: readonly HttpSubject[];
  onProgress?: (message: string) => void;
}): Promise<HttpResult> {
  const subjects = options.subjects ?? HTTP_SUBJECTS;
  const servers = new Map<HttpSubject, RunningServer>();
  try {
    // Started together (each resolves once it listens); a failed start still stops the others below.
    const starting = subjects.map(async (subject) => {
      servers.set(subject, await startHttpSubject(subject));
    });
    const started = await Promise.allSettled(starting);
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const rows: HttpRow[] = [];
    let nextId = 1;
    for (const scenario of ['modern', 'legacy'] as const) {
      options.onProgress?.(
        `http ${scenario}: ${options.requests} requests per server after ${options.warmup} warm-up`,
      );
      const lanes = new Map<HttpSubject, Lane>();
      const pooled = new Map<HttpSubject, { samples: number[]; wallMs: number }>();
      for (const subject of subjects) {
        const server = servers.get(subject) as RunningServer;
        const lane = await prepare(subject, server, scenario);
        lanes.set(subject, lane);
        pooled.set(subject, { samples: [], wallMs: 0 });
        if (options.warmup > 0) await batch(server, lane, nextId, options.warmup);
        nextId += options.warmup;
      }
      for (let round = 0; round < options.rounds; round++) {
        const count =
          Math.floor(options.requests / options.rounds) + (round < options.requests % options.rounds ? 1 : 0);
        if (count === 0) continue;
        const order = subjects.map((_, i) => subjects[(i + round) % subjects.length] as HttpSubject);
        for (const subject of order) {
          const result = await batch(
            servers.get(subject) as RunningServer,
            lanes.get(subject) as Lane,
            nextId,
            count,
          );
          nextId += count;
          const into = pooled.get(subject) as { samples: number[]; wallMs: number };
          into.samples.push(...result.samples);
          into.wallMs += result.wallMs;
        }
      }
      const scenarioRows = subjects.map((subject) => {
        const { samples, wallMs } = pooled.get(subject) as { samples: number[]; wallMs: number };
        return {
          scenario,
          subject,
          label: (lanes.get(subject) as Lane).label,
          latency: summarize(samples),
          requestsPerSecond: (samples.length / wallMs) * 1000,
          ratioP50: Number.NaN,
          ratioP99: Number.NaN,
        };
      });
      const anchor = scenarioRows.find((row) => row.subject === 'sdk');
      for (const row of scenarioRows) {
        if (!anchor) break;
        row.ratioP50 = row.latency.p50 / anchor.latency.p50;
        row.ratioP99 = row.latency.p99 / anchor.latency.p99;
      }
      rows.push(...scenarioRows);
    }
    return { requests: options.requests, warmup: options.warmup, rounds: options.rounds, rows };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}
