// `npm run soak -- --minutes N`: the fuzz campaign of `npm test`, run for N minutes (default 1) against one
// in-process handler on the memory stores, printing once a minute and at the end: requests, status counts,
// 5xx and hangs (both must stay 0), latency percentiles, RSS and heap. Exits 1 on any 5xx or hang.
import { parseArgs } from 'node:util';
import * as fc from 'fast-check';
import { createLambdaMcp } from 'lambda-mcp';
import { createTestServer } from '../test/fixtures/test-server.js';
import { openSession } from '../test/helpers.js';
import { exchange, FUZZ_OPTIONS, sendExchange } from '../test/support/fuzz-requests.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '1' }, seed: { type: 'string' } },
});
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
  console.error(`--minutes must be a number of minutes from 0 to 1440; got "${values.minutes}"`);
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

const handler = createLambdaMcp(createTestServer, FUZZ_OPTIONS);
const statuses = new Map<number, number>();
const latencies: number[] = [];
let requests = 0;
let hangs = 0;
const session = { id: await openSession(handler) };
const started = Date.now();
const until = started + minutes * 60_000;
let nextReport = started + 60_000;

function report(final: boolean) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
  const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  const { rss, heapUsed } = process.memoryUsage();
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `${final ? 'soak done' : 'soak'} ${((Date.now() - started) / 60_000).toFixed(1)} min: ${requests} requests, ` +
      `5xx ${fivexx}, hangs ${hangs}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ` +
      `latency p50 ${at(0.5)} ms p99 ${at(0.99)} ms, RSS ${mib(rss)}, heap ${mib(heapUsed)} (seed ${seed})`,
  );
  latencies.length = 0;
  return fivexx;
}

let batch = 0;
let failed = 0;
while (Date.now() < until) {
  for (const x of fc.sample(exchange, { seed: seed + batch++, numRuns: 500 })) {
    const t0 = performance.now();
    try {
      const status = await sendExchange(handler, x, session);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    } catch {
      hangs++;
    }
    latencies.push(performance.now() - t0);
    requests++;
  }
  if (Date.now() >= nextReport) {
    failed += report(false);
    nextReport += 60_000;
  }
}
failed += report(true);
await handler.close();
process.exit(failed > 0 || hangs > 0 ? 1 : 0);
