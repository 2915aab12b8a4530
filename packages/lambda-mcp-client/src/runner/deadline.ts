// Time for the streaming checks: a deadline inside the test's timeout (leaving a margin to report and clean
// up), tests whose checks get one (and a 2025 session), what is left of it, what has passed, and the grace
// for what a live server answers at once.
import type { ProtocolVersion, Suite } from '../options.js';
import { openRawSessionDetails, type RawSession } from './mcp.js';
import type { TestCase, TestContext } from './types.js';

/**
 * How long to wait for what a live server sends at once (a stream's first event, the listen acknowledgement)
 * before going on without it, in ms.
 */
export const GRACE_MS = 1000;

/** A `performance.now()` deadline inside the test's timeout, leaving a margin to report and clean up. */
export function deadlineOf(ctx: TestContext): number {
  return performance.now() + ctx.timeout - Math.min(500, Math.max(100, ctx.timeout / 10));
}

/** A test case whose checks get a deadline inside the test's timeout, taken as the test starts. */
export function timedTest(
  suite: Suite,
  name: string,
  versions: readonly ProtocolVersion[],
  checks: (ctx: TestContext, deadline: number) => Promise<void>,
): TestCase {
  return { suite, name, versions, run: (ctx) => checks(ctx, deadlineOf(ctx)) };
}

/** A streaming test whose checks get the deadline and a 2025 session opened over the wire. */
export function sessionTest(
  name: string,
  versions: readonly ProtocolVersion[],
  checks: (ctx: TestContext, deadline: number, session: RawSession) => Promise<void>,
): TestCase {
  return timedTest('streaming', name, versions, async (ctx, deadline) =>
    checks(ctx, deadline, await openRawSessionDetails(ctx)),
  );
}

/** Milliseconds from now until `deadline`, at least 1. */
export function left(deadline: number): number {
  return Math.max(1, Math.round(deadline - performance.now()));
}

/** Milliseconds since `since` (a `performance.now()` time), for "within … ms" in messages. */
export function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
