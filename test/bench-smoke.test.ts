// `npm run bench` is not part of npm test (it takes half a minute and its figures are the point), but its
// machinery must keep working: both subjects' cold-start bundles build and answer their first request of
// each era, as a bench run would ask them to.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, buildBundles, coldStart } from '../bench/cold/measure.js';
import type { SubjectName } from '../bench/subjects/types.js';

let dir: string;
let bundles: Record<SubjectName, Bundle>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-mcp-bench-smoke-'));
  bundles = await buildBundles(dir, false);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the benchmark', () => {
  it.each([
    ['ours', 'modern'],
    ['ours', 'legacy'],
    ['sdk', 'modern'],
    ['sdk', 'legacy'],
  ] as const)('cold-starts %s and answers its first %s request', async (subject, request) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    // coldStart rejects with the child's error unless the answer is an HTTP 200 JSON-RPC result.
    const sample = await coldStart(bundles[subject].file, request, env);
    expect(sample.requestMs).toBeGreaterThan(0);
    expect(sample.loadMs).toBeGreaterThan(0);
  });
});
