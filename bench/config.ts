// The benchmark's knobs, all read from environment variables (documented in bench/README.md), with
// defaults that keep a run under about two minutes on two cores.

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
  /** Fan-out: live GET streams (one 2025 session each); 0 skips the fan-out measurement. */
  fanoutStreams: number;
  /** Fan-out: paced events of the latency phase. */
  fanoutEvents: number;
  /** Fan-out: events of the throughput burst. */
  fanoutBurst: number;
  /** Fan-out: one latency-phase event every this many ms (offered schedule). */
  fanoutIntervalMs: number;
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
    fanoutStreams: integer(env, 'BENCH_FANOUT_STREAMS', 1000, 0),
    fanoutEvents: integer(env, 'BENCH_FANOUT_EVENTS', 100, 1),
    fanoutBurst: integer(env, 'BENCH_FANOUT_BURST', 1000, 1),
    fanoutIntervalMs: integer(env, 'BENCH_FANOUT_INTERVAL_MS', 100, 0),
  };
}
