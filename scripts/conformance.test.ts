// `npm run conformance -- --url <url>`: the command line it accepts, and one real run of the pinned suite
// against the conformance fixture server, as a user would point it at their own endpoint.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConformanceServer, startConformanceServer } from '../test/conformance/serve.js';
import { collectOutput } from '../test/support/collect-output.js';
import { parseConformanceArgs } from './conformance.js';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/conformance.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collectOutput(child);
}

describe('npm run conformance: the command line', () => {
  it('takes --url, --setting (default all) and --scenario', () => {
    expect(parseConformanceArgs(['--url', 'https://x.example/mcp'])).toEqual({
      url: 'https://x.example/mcp',
      settings: ['2025-06-18', '2025-11-25', '2026-07-28'],
    });
    expect(
      parseConformanceArgs([
        '--url',
        'http://127.0.0.1:3000/mcp',
        '--setting',
        '2026-07-28',
        '--scenario',
        'ping',
      ]),
    ).toEqual({
      url: 'http://127.0.0.1:3000/mcp',
      settings: ['2026-07-28'],
      scenario: 'ping',
    });
  });

  it('refuses what it cannot run, naming the argument', () => {
    expect(() => parseConformanceArgs([])).toThrow(/^--url is required/);
    expect(() => parseConformanceArgs(['--url'])).toThrow(/^--url needs a value/);
    expect(() => parseConformanceArgs(['--url', 'ftp://x'])).toThrow(/^--url must be an http\(s\) URL/);
    expect(() => parseConformanceArgs(['--url', 'http://x', '--setting', '2024-01-01'])).toThrow(
      /^--setting must be one of/,
    );
    expect(() => parseConformanceArgs(['--url', 'http://x', '--bogus'])).toThrow(/^unknown argument --bogus/);
  });

  it('exits 2 with the usage for a bad command line', async () => {
    const result = await run(['--setting', 'all']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run conformance -- --url <mcp endpoint>');
  }, 30_000);
});

describe('npm run conformance: a real run', () => {
  let server: RunningConformanceServer | undefined;
  beforeAll(async () => {
    server = await startConformanceServer({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('runs the pinned suite against a URL and says which scenarios passed', async () => {
    if (!server) throw new Error('the conformance server did not start');
    const result = await run([
      '--url',
      server.url,
      '--setting',
      '2026-07-28',
      '--scenario',
      'tools-call-simple-text',
    ]);
    expect(result.stdout).toContain('2026-07-28  pass  tools-call-simple-text');
    expect(result.stdout).toContain('2026-07-28: 1/1 scenarios passed');
    expect(result.code).toBe(0);
  }, 300_000);
});
