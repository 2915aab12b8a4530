// The runner's progress positions: the total is the planned count from the first test to the last, and the
// follow-ups a test queues are numbered under it (2.1, 2.2) instead of growing the total.
import { describe, expect, it } from 'vitest';
import { planTests, runPlanned } from './run.js';
import type { Progress } from './style.js';
import type { TestCase } from './types.js';

describe('runPlanned progress', () => {
  it('keeps the planned total and numbers follow-ups under their test', async () => {
    const cases: TestCase[] = [
      { suite: 'tools', name: 'first', versions: 'once', run: async () => {} },
      {
        suite: 'tools',
        name: 'lists',
        versions: 'once',
        run: async (ctx) => {
          ctx.followUp({ name: 'a', run: async () => {} }, { name: 'b', run: async () => {} });
        },
      },
      { suite: 'tools', name: 'last', versions: 'once', run: async () => {} },
    ];
    const started: string[] = [];
    const finished: string[] = [];
    const progress = {
      start: (position: string, test: { name: string }) => started.push(`${position} ${test.name}`),
      finish: (position: string, result: { name: string; outcome: string }) =>
        finished.push(`${position} ${result.name} ${result.outcome}`),
      done: () => {},
    } as unknown as Progress;
    const results = await runPlanned(planTests(cases, ['tools'], ['2026-07-28']), {
      url: new URL('http://127.0.0.1:1/mcp'),
      versions: ['2026-07-28'],
      timeout: 1000,
      progress,
    });
    expect(results.map((r) => r.name)).toEqual(['first', 'lists', 'a', 'b', 'last']);
    expect(started).toEqual(['1/3 first', '2/3 lists', '2.1/3 a', '2.2/3 b', '3/3 last']);
    expect(finished).toEqual([
      '1/3 first pass',
      '2/3 lists pass',
      '2.1/3 a pass',
      '2.2/3 b pass',
      '3/3 last pass',
    ]);
  });

  it('shares a memo across the tests of one run, computed once', async () => {
    let computed = 0;
    const seen: number[] = [];
    const memoCase = (name: string): TestCase => ({
      suite: 'tasks',
      name,
      versions: 'once',
      run: async (ctx) => {
        seen.push(await ctx.memo('key', async () => ++computed));
      },
    });
    await runPlanned(planTests([memoCase('x'), memoCase('y')], ['tasks'], ['2026-07-28']), {
      url: new URL('http://127.0.0.1:1/mcp'),
      versions: ['2026-07-28'],
      timeout: 1000,
    });
    expect(seen).toEqual([1, 1]);
  });
});
