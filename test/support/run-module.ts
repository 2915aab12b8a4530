// Runs a snippet of TypeScript/ES module source in a fresh `node --import tsx` from the workspace root, for
// tests that must see a process's own module graph (what a cold start loads), not the test runner's.
import { spawn } from 'node:child_process';
import { collectOutput } from './collect-output.js';

/**
 * Runs `source` as an ES module in a fresh node with tsx; resolves its stdout. With `env`, the child gets
 * exactly `PATH` plus `env`; without, this process's environment. Rejects when it exits non-zero.
 *
 * @example
 * const out = await runModule("console.log(JSON.stringify({ ok: true }))");
 */
export async function runModule(source: string, env?: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', source], {
    cwd: process.cwd(),
    ...(env && { env: { PATH: process.env.PATH ?? '', ...env } }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { code, stdout } = await collectOutput(child);
  if (code !== 0) throw new Error(`module exited ${code}: ${stdout}`);
  return stdout;
}

/** The last line `runModule` printed, parsed as JSON. */
export function lastJsonLine(out: string): Record<string, unknown> {
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}
