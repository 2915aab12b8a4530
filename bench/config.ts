// The benchmark's knobs, all read from environment variables (documented in bench/README.md), with
// defaults that keep a run under about five minutes on two cores.

/** The sections of a run, in the order they run. */
export const SECTIONS = ['cold', 'warm', 'artifact', 'http', 'fanout', 'state', 'cost'] as const;
export type Section = (typeof SECTIONS)[number];

/** Counts and switches for one run. */
export interface BenchConfig {
  /** Measured cold starts per subject and first request. */
  coldRuns: number;
  /** Unmeasured cold starts per bundle and first request before measuring (file cache, disk). */
  coldWarmup: number;
  /** Measured sequential requests per subject and warm scenario. */
  warmRequests: number;
  /** Unmeasured requests per subject and warm scenario before measuring. */
  warmup: number;
  /** The measured requests are split into this many rounds, alternating which subject goes first. */
  warmRounds: number;
  /** Minify the cold-start bundles. */
  minify: boolean;
  /** Keep the bundle directory instead of removing it (its path is printed). */
  keepBundles: boolean;
  /** The sections to run (BENCH_SECTIONS, comma-separated; default all). */
  sections: Section[];
  /** Artifact cold start: measured runs per case. */
  artifactRuns: number;
  /** HTTP path: measured requests per server and scenario. */
  httpRequests: number;
  /** HTTP path: unmeasured requests per server and scenario first. */
  httpWarmup: number;
  /** Fan-out: the numbers of live GET streams (one 2025 session each) to measure, one size after another. */
  fanoutSizes: number[];
  /** Fan-out: paced events of the latency phase. */
  fanoutEvents: number;
  /** Fan-out: most events of the throughput burst. */
  fanoutBurst: number;
  /** Fan-out: the burst is cut to this many deliveries (events × streams) at large sizes. */
  fanoutBurstDeliveries: number;
  /** Fan-out: one latency-phase event every this many ms (offered schedule). */
  fanoutIntervalMs: number;
  /** State: session counts of the memory-store curve (ascending). */
  stateSizes: number[];
  /** State: MEMORY_MAX_SESSIONS of the eviction curve (the largest size opened under it). */
  stateMaxSessions: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').trim().toLowerCase());
}

function sizes(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const text = env[name];
  if (text === undefined) return fallback;
  if (text.trim() === '' || text.trim() === '0') return [];
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error(`${name} must be comma-separated whole numbers >= 1, not ${JSON.stringify(text)}`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

function sections(env: NodeJS.ProcessEnv): Section[] {
  const text = env.BENCH_SECTIONS?.trim();
  if (!text) return [...SECTIONS];
  const names = text.split(',').map((part) => part.trim());
  const unknown = names.filter((name) => !SECTIONS.includes(name as Section));
  if (unknown.length > 0) {
    throw new Error(`BENCH_SECTIONS takes ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
  }
  return SECTIONS.filter((section) => names.includes(section));
}

/** Reads the configuration; throws on a malformed value rather than silently using a default. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  return {
    coldRuns: integer(env, 'BENCH_COLD_RUNS', 15, 1),
    coldWarmup: integer(env, 'BENCH_COLD_WARMUP', 1, 0),
    warmRequests: integer(env, 'BENCH_WARM_REQUESTS', 2000, 1),
    warmup: integer(env, 'BENCH_WARMUP', 500, 0),
    warmRounds: integer(env, 'BENCH_WARM_ROUNDS', 4, 1),
    minify: flag(env, 'BENCH_MINIFY'),
    keepBundles: flag(env, 'BENCH_KEEP_BUNDLES'),
    sections: sections(env),
    artifactRuns: integer(env, 'BENCH_ARTIFACT_RUNS', 7, 1),
    httpRequests: integer(env, 'BENCH_HTTP_REQUESTS', 1000, 1),
    httpWarmup: integer(env, 'BENCH_HTTP_WARMUP', 200, 0),
    fanoutSizes: sizes(env, 'BENCH_FANOUT_SIZES', [100, 1000, 5000]),
    fanoutEvents: integer(env, 'BENCH_FANOUT_EVENTS', 100, 1),
    fanoutBurst: integer(env, 'BENCH_FANOUT_BURST', 1000, 1),
    fanoutBurstDeliveries: integer(env, 'BENCH_FANOUT_BURST_DELIVERIES', 200_000, 1),
    fanoutIntervalMs: integer(env, 'BENCH_FANOUT_INTERVAL_MS', 100, 0),
    stateSizes: sizes(env, 'BENCH_STATE_SIZES', [1000, 10_000, 50_000]),
    stateMaxSessions: integer(env, 'BENCH_STATE_MAX_SESSIONS', 10_000, 1),
  };
}
