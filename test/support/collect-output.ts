// What a spawned child process printed, and how it ended: the one way tests wait for a child that writes to
// pipes. Resolves on `close` (not `exit`), so no output is lost, and rejects when the child cannot start.
import type { ChildProcess } from 'node:child_process';

/** A finished child process: its exit code (null when killed by a signal) and what it printed. */
export interface ChildOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Collects `child`'s stdout and stderr until it closes.
 *
 * @example
 * const { code, stdout } = await collectOutput(spawn('node', ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }));
 */
export function collectOutput(child: ChildProcess): Promise<ChildOutput> {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, ...output }));
  });
}
