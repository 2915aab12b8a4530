// Memory stays bounded under the loads that once exhausted it, measured on the heap of a process of its own
// (test/support/memory-probe.ts, full GC before and after). The limits are the worst cases the README states:
// a session holds its initialize params (at most 64 KiB) plus about 10 KiB; the in-memory store holds at most
// MEMORY_MAX_SESSIONS of them and sweeps expired ones unread; a stream cut off for falling behind keeps
// nothing of its queue. Each test also checks the measurement can see what it bounds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** What the probe prints: its figures in MiB and counts (each scenario a subset), and HTTP status counts. */
interface ProbeResult {
  grownMiB: number;
  heldMiB: number;
  left: number;
  opened: number;
  subscribers: number;
  dropped: number;
  statuses: Record<string, number>;
}

async function probe(...args: string[]): Promise<ProbeResult> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/support/memory-probe.ts', ...args],
    {
      timeout: 60_000,
    },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as ProbeResult;
  console.log(`memory-bounds ${args.join(' ')}: ${JSON.stringify(result)}`);
  return result;
}

describe('bounded memory (heap after a full GC, in a child process)', () => {
  it('1,000 initialize calls with 60 KiB params hold at most MEMORY_MAX_SESSIONS sessions; 1 MiB params are refused', async () => {
    const [capped, uncapped] = await Promise.all([probe('initialize', '100'), probe('initialize', '10000')]);
    expect(capped.statuses).toEqual({ 200: 1000, 413: 50 });
    // 100 sessions × (60 KiB params + ~10 KiB): about 7 MiB; the limit leaves room for the allocator.
    expect(capped.grownMiB).toBeLessThan(16);
    // The measurement sees retained sessions: 1,000 of them (no cap reached) hold about ten times as much.
    expect(uncapped.grownMiB).toBeGreaterThan(40);
    expect(uncapped.grownMiB / 1000).toBeLessThan(80 / 1024); // < 80 KiB per 60 KiB session
  }, 90_000);

  it('2,000 expired sessions are swept unread, their memory with them', async () => {
    const result = await probe('expired');
    expect(result.heldMiB).toBeGreaterThan(12); // 2,000 × 8 KiB params were held…
    expect(result.left).toBe(0);
    expect(result.grownMiB).toBeLessThan(4); // …and are gone after one sweep
  }, 90_000);

  it('205 streams that stop reading are cut off and keep nothing of their queues', async () => {
    const [result, uncut] = await Promise.all([
      probe('streams', '64', '200'),
      probe('streams', '1024', '40'),
    ]);
    expect(result.opened).toBe(205);
    expect(result.subscribers).toBe(0);
    expect(result.dropped).toBe(205);
    // Kept queues would hold 205 × 64 events × 16 KiB ≈ 205 MiB; what is left is the sessions themselves.
    expect(result.grownMiB).toBeLessThan(20);
    // The measurement sees queues: 40 streams under a capacity they never reach hold 100 × 16 KiB each.
    expect(uncut.subscribers).toBe(45);
    expect(uncut.grownMiB).toBeGreaterThan(40);
  }, 90_000);
});
