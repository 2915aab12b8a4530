// Tests of the deadline signals, on fake timers: when each aborts, and that no context means no deadline.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDeadline } from './deadline.js';

describe('startDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts the signal a margin before the deadline and the cutoff half a margin before', () => {
    const deadline = startDeadline({ getRemainingTimeInMillis: () => 5000 }, 1000);
    vi.advanceTimersByTime(3999);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(deadline.cutoff.aborted).toBe(false);
    vi.advanceTimersByTime(500);
    expect(deadline.cutoff.aborted).toBe(true);
    deadline.dispose();
  });

  it('aborts at once when less than the margin remains', () => {
    const deadline = startDeadline({ getRemainingTimeInMillis: () => 300 }, 1000);
    vi.advanceTimersByTime(0);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.cutoff.aborted).toBe(true);
  });

  it('never aborts without getRemainingTimeInMillis, or once disposed', () => {
    const without = startDeadline(undefined, 1000);
    const disposed = startDeadline({ getRemainingTimeInMillis: () => 2000 }, 1000);
    disposed.dispose();
    vi.advanceTimersByTime(60_000);
    expect(without.signal.aborted).toBe(false);
    expect(disposed.signal.aborted).toBe(false);
    expect(disposed.cutoff.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
