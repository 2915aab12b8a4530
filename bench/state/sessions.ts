// State scale on the memory store: each curve runs in a fresh child (sessions-child.ts, `--expose-gc`) so
// its memory readings start from a clean heap. Two curves: uncapped (MEMORY_MAX_SESSIONS = the largest size)
// for memory per session at each size, and capped (the largest size opened under a smaller
// MEMORY_MAX_SESSIONS) to check eviction keeps exactly the cap. Both end with the idle-expiry check.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SessionsChildInput, SessionsChildResult } from './sessions-child.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs one curve in a child; rejects with its error. */
export function runSessionsChild(input: SessionsChildInput): Promise<SessionsChildResult> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.MEMORY_MAX_SESSIONS;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', 'bench/state/sessions-child.ts', JSON.stringify(input)],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let answer: { result?: SessionsChildResult; error?: string } = {};
      try {
        answer = JSON.parse(last);
      } catch {
        // Reported below.
      }
      if (code === 0 && answer.result) resolve(answer.result);
      else reject(new Error(answer.error ?? `the sessions child exited with ${signal ?? code}\n${stderr}`));
    });
  });
}

/** Both curves, and whether eviction and idle expiry held. */
export interface SessionsResult {
  uncapped: SessionsChildResult;
  capped: SessionsChildResult;
  /** The capped curve held exactly min(opened, cap) at every point, and its oldest session answered 404. */
  evictionHeld: boolean;
  /** Both curves held no session after the idle time, and an idle session answered 404. */
  idleExpiryHeld: boolean;
}

/**
 * Measures `sizes` uncapped, then the largest under `cap`; `idleSeconds` is the handler's
 * `sessionIdleSeconds`. Throws when eviction or idle expiry did not hold.
 */
export async function measureSessions(options: {
  sizes: number[];
  cap: number;
  idleSeconds?: number;
  concurrency?: number;
  onProgress?: (message: string) => void;
}): Promise<SessionsResult> {
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const largest = sizes.at(-1) ?? 0;
  const base = { idleSeconds: options.idleSeconds ?? 60, concurrency: options.concurrency ?? 32 };
  options.onProgress?.(`sessions: ${sizes.join(', ')} on the memory store (MEMORY_MAX_SESSIONS=${largest})`);
  const uncapped = await runSessionsChild({ ...base, sizes, maxSessions: largest });
  options.onProgress?.(`sessions: ${largest} under MEMORY_MAX_SESSIONS=${options.cap}`);
  const capped = await runSessionsChild({ ...base, sizes: [largest], maxSessions: options.cap });
  const evictionHeld =
    capped.points.every((point) => point.held === Math.min(point.opened, options.cap)) &&
    uncapped.points.every((point) => point.held === point.opened) &&
    (largest <= options.cap || capped.firstSessionStatus === 404) &&
    uncapped.firstSessionStatus === 200;
  const idleExpiryHeld = [uncapped, capped].every(
    (curve) => curve.leftAfterIdle === 0 && curve.idleSessionStatus === 404,
  );
  if (!evictionHeld || !idleExpiryHeld) {
    throw new Error(
      `sessions: eviction ${evictionHeld ? 'held' : 'FAILED'}, idle expiry ${idleExpiryHeld ? 'held' : 'FAILED'}: ` +
        JSON.stringify({ uncapped, capped }),
    );
  }
  return { uncapped, capped, evictionHeld, idleExpiryHeld };
}
