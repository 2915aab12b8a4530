// Runs the `lambda-mcp-client` CLI of the workspace as a user would, with pipes (no TTY, so no colors),
// for the CLI's integration tests: every child is tracked so a test's cleanup can kill what is still running.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectOutput } from './collect-output.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The CLI's entry, as `npx lambda-mcp-client` runs it. */
export const CLI_BIN = join(ROOT, 'packages/lambda-mcp-client/bin/lambda-mcp-client.mjs');

/** Keeps the AWS SDK (of the CLI, or of a reference server in the test process) away from real credentials. */
export const NO_AWS = {
  AWS_CONFIG_FILE: '/nonexistent/lambda-mcp-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/lambda-mcp-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** One finished CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, in ms. */
  ms: number;
}

/**
 * A runner whose `run(args, env, input)` runs `lambda-mcp-client …args` to its exit from the repository root,
 * with this process's environment plus {@link NO_AWS} and `env`, without `NO_COLOR`, and without the
 * developer's `LAMBDA_MCP_TOKEN` unless `env` sets one; `input` is piped to its stdin. `killAll()` (for an
 * `afterEach`) kills the runs still going.
 *
 * @example
 * const cli = cliRunner();
 * afterEach(() => cli.killAll());
 * const { code, stdout } = await cli.run(['test', '--url', url]);
 */
export function cliRunner() {
  const children = new Set<ChildProcess>();
  const run = (args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<CliRun> => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...NO_AWS, ...env };
    delete childEnv.NO_COLOR;
    if (!('LAMBDA_MCP_TOKEN' in env)) delete childEnv.LAMBDA_MCP_TOKEN;
    const started = Date.now();
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: ROOT, env: childEnv, stdio: 'pipe' });
    children.add(child);
    child.stdin.end(input);
    return collectOutput(child).then((output) => ({ ...output, ms: Date.now() - started }));
  };
  const killAll = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    children.clear();
  };
  return { run, killAll };
}
