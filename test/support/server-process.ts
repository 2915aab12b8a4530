// Runs a server entry (a script whose first line of stdout, once it listens, is its URL or says `listening on
// <url>`) as its own node process, the way multi-instance tests need real separate instances: nothing shared
// but what the environment points both at.
import { type ChildProcess, spawn } from 'node:child_process';

/** A started server process. */
export interface ServerProcess {
  /** The URL the entry printed, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  child: ChildProcess;
  /** Sends SIGTERM (SIGKILL after 10 s) and resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** Variables added to the test's environment (after PORT=0 and HOST=127.0.0.1, which they may override). */
  env?: Record<string, string>;
  /** How long to wait for the URL line, in ms. Default 30 000. */
  timeoutMs?: number;
}

const STOP_GRACE_MS = 10_000;

/**
 * Spawns `process.execPath --import tsx <entry>` in the current directory and resolves once the first
 * line of stdout is a URL. Rejects, with everything the process printed, if it exits first or the line
 * takes longer than the timeout (the process is then killed). Its stderr goes to the test's stderr.
 */
export function startServerProcess(
  entry: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
    process.stderr.write(chunk);
  });
  child.stdout?.setEncoding('utf8');

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop().then(() => reject(new Error(`${entry} ${reason}; its output:\n${output}`)));
    };
    const timer = setTimeout(
      () => fail(`printed no URL within ${options.timeoutMs ?? 30_000} ms`),
      options.timeoutMs ?? 30_000,
    );
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before printing its URL`));
    let stdout = '';
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      if (settled) return;
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      const line = stdout.slice(0, newline).trim();
      // The line is the URL, or names it (`npm start` prints "… listening on <url> (<store>)").
      const url = /^https?:\/\/\S+$/.test(line) ? line : /\blistening on (https?:\/\/\S+)/.exec(line)?.[1];
      if (!url) {
        fail(`printed "${line}" where its URL was expected`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ url, child, stop });
    });
  });
}
