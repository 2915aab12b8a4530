// The in-memory global event log passes the GlobalEventLog contract, plus what only it has: an event cap.
import { describe, expect, it } from 'vitest';
import { manualClock, runGlobalLogContract, sampleEvent } from '../../test/global-log-contract.js';
import { MemoryGlobalEventLog } from './global-log.js';

runGlobalLogContract('memory', async (options) => new MemoryGlobalEventLog(options));

describe('MemoryGlobalEventLog beyond the contract', () => {
  it('is local to this process and needs no settle window', () => {
    const log = new MemoryGlobalEventLog();
    expect(log.shared).toBe(false);
    expect(log.settleMs).toBe(0);
  });

  it('numbers cursors m<12-digit sequence> and keeps at most maxEvents, oldest dropped first', async () => {
    const clock = manualClock();
    const log = new MemoryGlobalEventLog({ now: clock.now, maxEvents: 2 });
    expect(await log.head()).toBe('m000000000000');
    for (const id of ['a', 'b', 'c']) await log.append(sampleEvent(id, clock.t));
    const page = await log.read('m000000000000');
    expect(page.events.map((e) => [e.event.id, e.cursor])).toEqual([
      ['b', 'm000000000002'],
      ['c', 'm000000000003'],
    ]);
    expect(await log.head()).toBe('m000000000003');
  });
});
