// The test runner's vocabulary: what a test is, what it gets to work with while it runs (a recording fetch,
// its timeout, skip), and what it reports (pass, fail or skip with a reason, timings, the wire exchange).
import type { Identities } from '../auth/bearer.js';
import type { ProtocolVersion, Suite } from '../options.js';
import type { FetchFn } from '../sdk.js';

export type { FetchFn };

/** One HTTP request and its answer as a test saw them; bodies are truncated. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  /** Absent when the request failed before an answer (see `error`). */
  status?: number;
  responseHeaders?: Record<string, string>;
  /** What arrived of the body (SSE streams: up to the limit or until the test ended). */
  responseBody?: string;
  error?: string;
  /** Until the response headers arrived, in ms. */
  durationMs: number;
}

/** What a running test works with. */
export interface TestContext {
  /** The endpoint under test. */
  url: URL;
  /**
   * The revision this run of the test is for; era-independent tests (`versions: 'once'`) get the first
   * selected revision, for the shape of any request body they need.
   */
  version: ProtocolVersion;
  /** Every revision selected for this run. */
  versions: readonly ProtocolVersion[];
  /** The per-test timeout in ms (`--timeout`). */
  timeout: number;
  /** Concurrent streams the streaming suite opens (`--concurrency`). */
  concurrency: number;
  /** Aborted when the test ends or times out; `fetch` already honours it. */
  signal: AbortSignal;
  /**
   * `fetch` that records each exchange for the report (and aborts with `signal`); it adds the run's bearer
   * token (`--token`, `--client-credentials`) to every request that does not set `authorization` itself.
   */
  fetch: FetchFn;
  /** {@link TestContext.fetch} without the token: for checks of what a server does with none. */
  bareFetch: FetchFn;
  /** The run's identities (none without `--token` / `--client-credentials`), for the auth suite. */
  identities: Identities;
  /** What `fetch` recorded so far, oldest first. */
  exchanges: readonly Exchange[];
  /** Ends the test as skipped, with the reason reported. A skip never counts as a pass. */
  skip(reason: string): never;
  /** Adds a remark to the result (e.g. that a tool answered a legitimate error). */
  note(text: string): void;
  /** Runs `cleanup` when the test ends, passed, failed or timed out (last registered first). */
  defer(cleanup: () => unknown): void;
  /** Queues tests to run right after this one, in its suite and revision, if this one passes. */
  followUp(...tests: FollowUp[]): void;
  /**
   * What `compute` resolves, computed once per run and `key` (the first test to ask does the work, with its
   * own fetch and timeout; a rejection is not kept, so the next test tries again).
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** The tool the tasks suite runs as a task (`--task-tool`), if named. */
  taskTool?: string;
}

/** A test the runner follows up with after the current one, inheriting its suite and revision. */
export interface FollowUp {
  name: string;
  run(ctx: TestContext): Promise<void>;
}

/** A test as a suite declares it. */
export interface TestCase {
  suite: Suite;
  name: string;
  /** The revisions it runs on (once each), or `once` for a check that does not depend on the revision. */
  versions: readonly ProtocolVersion[] | 'once';
  /** Throws to fail (the message names the broken rule); may queue follow-up tests (e.g. one per tool). */
  run(ctx: TestContext): Promise<void>;
}

/** One test to run: a test case bound to a revision (or none, for `once`). */
export interface PlannedTest {
  suite: Suite;
  name: string;
  /** `undefined` for era-independent checks. */
  version?: ProtocolVersion;
  run(ctx: TestContext): Promise<void>;
}

/** How a test ended. */
export type Outcome = 'pass' | 'fail' | 'skip';

/** One test's result. */
export interface TestResult {
  suite: Suite;
  name: string;
  /** `any` for era-independent checks. */
  version: ProtocolVersion | 'any';
  outcome: Outcome;
  durationMs: number;
  /** Why it was skipped. */
  reason?: string;
  /** Why it failed: the broken rule and what was seen. */
  message?: string;
  notes?: string[];
  /** The wire exchange, kept for failures. */
  exchanges?: Exchange[];
}
