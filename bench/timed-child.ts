// One bench child process, timed from `spawn()`: when its report line arrived (what a caller of a cold
// process waits for) and when it exited, with what it printed. The cold-start sections spawn their children
// through it; each reads its own report format from `stdout`.
import { spawn } from 'node:child_process';

/** A finished child: milliseconds from `spawn()` to its report line and to its exit, and its output. */
export interface TimedChild {
  /** `undefined` when no report line came. */
  lineMs: number | undefined;
  exitMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node …args` in `cwd` with exactly `env`, stdin closed; `hasLine(stdout)` says when the report line has
 * arrived. Rejects only when the child cannot start.
 *
 * @example
 * const run = await timedChild([bundle, 'modern'], env, ROOT, (out) => out.includes('\n'));
 */
export function timedChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  hasLine: (stdout: string) => boolean,
): Promise<TimedChild> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lineAt: number | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (lineAt === undefined && hasLine(stdout)) lineAt = performance.now();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const exitMs = performance.now() - started;
      resolve({ lineMs: lineAt === undefined ? undefined : lineAt - started, exitMs, code, stdout, stderr });
    });
  });
}
