// Runs planned tests one after another in suite order, each under the per-test timeout (a timeout is a
// failure): gives each its context (recording fetch, skip, cleanups), queues the follow-ups a passing test
// asks for right after it (numbered under it, so the progress total stays the planned count), and reports
// progress as it goes.
import type { Identities } from '../auth/bearer.js';
import type { ProtocolVersion, Suite } from '../options.js';
import type { FetchFn } from '../sdk.js';
import { errorText } from './assert.js';
import type { Progress } from './style.js';
import type { FollowUp, PlannedTest, TestCase, TestContext, TestResult } from './types.js';
import { WireRecorder } from './wire.js';

/** Thrown by `ctx.skip`. */
class Skip extends Error {
  override readonly name = 'Skip';
}

/** Thrown when a test outlives its timeout. */
class Timeout extends Error {
  override readonly name = 'Timeout';
}

/** Longest a test's cleanups may take, in ms, whatever the test timeout. */
const CLEANUP_MS = 5000;

/**
 * Binds test cases to revisions, in suite order: within a suite, the era-independent checks first, then each
 * selected revision in turn with every case that applies to it.
 */
export function planTests(
  cases: readonly TestCase[],
  suites: readonly Suite[],
  versions: readonly ProtocolVersion[],
): PlannedTest[] {
  const planned: PlannedTest[] = [];
  for (const suite of suites) {
    const inSuite = cases.filter((c) => c.suite === suite);
    for (const c of inSuite) {
      if (c.versions === 'once') planned.push({ suite, name: c.name, run: c.run });
    }
    for (const version of versions) {
      for (const c of inSuite) {
        if (c.versions !== 'once' && c.versions.includes(version)) {
          planned.push({ suite, name: c.name, version, run: c.run });
        }
      }
    }
  }
  return planned;
}

/** What {@link runPlanned} needs. */
export interface RunOptions {
  url: URL;
  versions: readonly ProtocolVersion[];
  timeout: number;
  /** Concurrent streams in the streaming suite (`--concurrency`). Default 5. */
  concurrency?: number;
  progress?: Progress;
  /** Says why a revision cannot be tested on this server (its tests are skipped), or `undefined`. */
  gate?: (version: ProtocolVersion) => Promise<string | undefined>;
  /** What tests' requests go out through: with the bearer token when the run has one. Default: `fetch`. */
  fetch?: FetchFn;
  /** What `ctx.bareFetch` goes out through: never a token. Default: `fetch`. */
  bareFetch?: FetchFn;
  /** The run's identities, for the auth suite. */
  identities?: Identities;
  /** The tool the tasks suite runs as a task (`--task-tool`). */
  taskTool?: string;
}

/**
 * Runs the tests sequentially; resolves every result, follow-ups included, in the order they ran.
 *
 * @example
 * const results = await runPlanned(planTests(cases, ['protocol'], ['2026-07-28']), { url, versions, timeout });
 */
export async function runPlanned(tests: readonly PlannedTest[], options: RunOptions): Promise<TestResult[]> {
  // The progress total is the planned count, fixed from the start: a follow-up a test queues is numbered
  // under it (5.1, 5.2, …) instead of growing the total.
  const total = tests.length;
  const queue = tests.map((test, index) => ({ test, position: `${index + 1}` }));
  const results: TestResult[] = [];
  const memos = new Map<string, Promise<unknown>>();
  for (let index = 0; index < queue.length; index++) {
    const { test, position } = queue[index] as { test: PlannedTest; position: string };
    const label = `${position}/${total}`;
    options.progress?.start(label, test);
    const { result, followUps } = await runOne(test, options, memos);
    results.push(result);
    if (followUps.length > 0) {
      queue.splice(
        index + 1,
        0,
        ...followUps.map((f, k) => ({
          test: { suite: test.suite, name: f.name, version: test.version, run: f.run },
          position: `${position}.${k + 1}`,
        })),
      );
    }
    options.progress?.finish(label, result);
  }
  options.progress?.done();
  return results;
}

async function runOne(
  test: PlannedTest,
  options: RunOptions,
  memos: Map<string, Promise<unknown>>,
): Promise<{ result: TestResult; followUps: FollowUp[] }> {
  const controller = new AbortController();
  const recorder = new WireRecorder(controller.signal, options.fetch);
  const cleanups: Array<() => unknown> = [];
  const notes: string[] = [];
  const followUps: FollowUp[] = [];
  const ctx: TestContext = {
    url: options.url,
    version: test.version ?? (options.versions[0] as ProtocolVersion),
    versions: options.versions,
    timeout: options.timeout,
    concurrency: options.concurrency ?? 5,
    signal: controller.signal,
    fetch: recorder.fetch,
    bareFetch: recorder.through(options.bareFetch ?? ((input, init) => fetch(input, init))),
    identities: options.identities ?? {},
    exchanges: recorder.exchanges,
    skip: (reason) => {
      throw new Skip(reason);
    },
    note: (text) => {
      notes.push(text);
    },
    defer: (cleanup) => {
      cleanups.push(cleanup);
    },
    followUp: (...tests) => {
      followUps.push(...tests);
    },
    memo: <T>(key: string, compute: () => Promise<T>): Promise<T> => {
      let promise = memos.get(key) as Promise<T> | undefined;
      if (!promise) {
        promise = compute();
        memos.set(key, promise);
        promise.catch(() => memos.delete(key));
      }
      return promise;
    },
    ...(options.taskTool !== undefined && { taskTool: options.taskTool }),
  };

  const result: TestResult = {
    suite: test.suite,
    name: test.name,
    version: test.version ?? 'any',
    outcome: 'pass',
    durationMs: 0,
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), options.timeout);
  });
  const body = (async () => {
    if (test.version && options.gate) {
      const reason = await options.gate(test.version);
      if (reason) throw new Skip(reason);
    }
    return test.run(ctx);
  })();
  body.catch(() => {}); // After a timeout the test's own promise may still reject; nobody waits for it.
  try {
    await Promise.race([body, timedOut]);
  } catch (error) {
    if (error instanceof Skip) {
      result.outcome = 'skip';
      result.reason = error.message;
    } else if (error instanceof Timeout) {
      result.outcome = 'fail';
      result.message = `timed out after ${options.timeout} ms (--timeout)`;
    } else {
      result.outcome = 'fail';
      result.message = errorText(error);
    }
  } finally {
    clearTimeout(timer);
  }
  result.durationMs = Math.round(performance.now() - started);
  await runCleanups(cleanups, Math.min(options.timeout, CLEANUP_MS));
  controller.abort();
  if (notes.length > 0) result.notes = notes;
  if (result.outcome === 'fail') result.exchanges = recorder.exchanges;
  return { result, followUps: result.outcome === 'pass' ? followUps : [] };
}

/** Runs cleanups last-registered first; each failure is ignored, and all of them together are time-boxed. */
async function runCleanups(cleanups: Array<() => unknown>, limitMs: number): Promise<void> {
  if (cleanups.length === 0) return;
  const all = (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Best effort: a cleanup failure says nothing about the server's conformance.
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, limitMs)))]);
  clearTimeout(timer);
}
