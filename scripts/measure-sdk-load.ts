// Measures what loading the AWS SDK costs a cold start, bundled (as build:lambda ships it) against imported
// from node_modules (as the Lambda runtime's own copy would be): a tiny ESM entry that creates a
// DynamoDBClient and sends nothing, started N times each. Run it with `npx tsx scripts/measure-sdk-load.ts`.
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type Summary, summarize } from '../bench/stats.js';
import { formatBytes, lambdaBuildOptions, ROOT, staticImports } from './build-lambda.js';

/** The program measured: import the client, create one, report when it stands (ms since process start). */
const ENTRY = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ region: 'us-east-1' });
process.stdout.write(JSON.stringify({ readyMs: performance.now(), ok: typeof client.send === 'function' }) + '\\n');
`;

/** The same program without the SDK: what Node itself costs. */
const BASELINE = `process.stdout.write(JSON.stringify({ readyMs: performance.now(), ok: true }) + '\\n');
`;

/** One start: spawn → report line (wall), and the child's own time from process start to ready. */
interface Sample {
  wallMs: number;
  readyMs: number;
}

/** Starts `node --enable-source-maps <file>` (as Lambda runs with NODE_OPTIONS=--enable-source-maps). */
function start(file: string, cwd: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--enable-source-maps', file], { cwd, env });
    let stdout = '';
    let stderr = '';
    let wallMs: number | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (wallMs === undefined && stdout.includes('\n')) wallMs = performance.now() - started;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n')[0] ?? '';
      const report = line ? (JSON.parse(line) as { readyMs: number; ok: boolean }) : undefined;
      if (wallMs === undefined || !report?.ok) {
        reject(new Error(`${file}: exit code ${code}, no report\n${stderr}`));
        return;
      }
      resolve({ wallMs, readyMs: report.readyMs });
    });
  });
}

/** The medians and spread of one variant. */
export interface VariantResult {
  name: string;
  file: string;
  /** Bytes of the bundle the variant loads at start (entry and static chunks); unset when unbundled. */
  bytes?: number;
  wall: Summary;
  ready: Summary;
}

/**
 * Builds the bundled variant, links node_modules for the unbundled one, then starts the baseline and both
 * variants `runs` times each, interleaved run by run with the order alternating, so drift hits all alike.
 */
export async function measureSdkLoad({ runs = 30, warmup = 3 } = {}): Promise<VariantResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'measure-sdk-load-'));
  try {
    // Unbundled: `@aws-sdk/client-dynamodb` resolves through node_modules, file by file (its CommonJS build,
    // which is what an ESM import of the package loads in Node), as the runtime's preinstalled copy would.
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'runtime-copy.mjs'), ENTRY);
    await writeFile(join(dir, 'baseline.mjs'), BASELINE);
    await writeFile(join(dir, 'entry.mjs'), ENTRY);
    // Split as build:lambda splits: the SDK's credential providers stay lazy chunks, unloaded here.
    const bundled = await build({
      ...lambdaBuildOptions(true),
      entryPoints: { index: join(dir, 'entry.mjs') },
      outdir: join(dir, 'bundled'),
      outExtension: { '.js': '.mjs' },
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      absWorkingDir: ROOT,
      metafile: true,
      logLevel: 'warning',
    });
    const outputs = bundled.metafile.outputs;
    const entryKey = Object.keys(outputs).find((key) => key.endsWith('bundled/index.mjs')) ?? '';
    const bundleBytes = [entryKey, ...staticImports(bundled.metafile, entryKey)].reduce(
      (total, key) => total + (outputs[key]?.bytes ?? 0),
      0,
    );
    const variants = [
      { name: 'node only (no SDK)', file: join(dir, 'baseline.mjs') },
      {
        name: 'bundled client-dynamodb',
        file: join(dir, 'bundled', 'index.mjs'),
        bytes: bundleBytes,
      },
      { name: 'client-dynamodb from node_modules', file: join(dir, 'runtime-copy.mjs') },
    ];
    const samples = variants.map(() => [] as Sample[]);
    for (let i = 0; i < warmup; i++) for (const variant of variants) await start(variant.file, dir);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const index of order)
        samples[index]?.push(await start((variants[index] as { file: string }).file, dir));
      if (process.stderr.isTTY) process.stderr.write(`\r${run + 1}/${runs}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    return variants.map((variant, index) => ({
      ...variant,
      wall: summarize((samples[index] ?? []).map((sample) => sample.wallMs)),
      ready: summarize((samples[index] ?? []).map((sample) => sample.readyMs)),
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(args: string[]): Promise<void> {
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex === -1 ? 30 : Number(args[runsIndex + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a whole number');
  console.log(`Node ${process.version} ${process.arch}, ${runs} runs each (after 3 warm-up runs), medians:`);
  const results = await measureSdkLoad({ runs });
  const baseline = results[0];
  for (const result of results) {
    const extra =
      baseline && result !== baseline
        ? ` (+${ms(result.ready.p50 - baseline.ready.p50)} over Node alone)`
        : '';
    console.log(
      `  ${result.name.padEnd(34)} process start → client created ${ms(result.ready.p50).padStart(9)}${extra}; ` +
        `spawn → ready ${ms(result.wall.p50)} (p95 ${ms(result.wall.p95)})` +
        (result.bytes === undefined ? '' : `; bundle ${formatBytes(result.bytes)}`),
    );
  }
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
