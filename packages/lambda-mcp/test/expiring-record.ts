// The step the session and task contracts share: a record created to expire a second later reads back
// until then, and from its expiry on is absent to a read and to an update. The contracts go on from there.
import { expect } from 'vitest';

/** What the step needs of a store of versioned records (its patch type is the store's own). */
interface ExpiringStore<R> {
  create(record: R): Promise<void>;
  get(id: string): Promise<R | undefined>;
  update(id: string, expectedVersion: number, patch: never): Promise<R | undefined>;
}

/**
 * Creates `sample(id, now)` to expire 1000 ms later on a store whose clock starts at 1 000 000, checks it
 * is there, moves the clock to its expiry and checks that neither `get` nor `update(id, 1, patch)` finds
 * it. Resolves the store and its clock, left at the expiry.
 */
export async function expectAbsentOnceExpired<R extends { expiresAt: number }, S extends ExpiringStore<R>>(
  newStore: (now: () => number) => Promise<S>,
  sample: (id: string, now: number) => R,
  id: string,
  patch: Parameters<S['update']>[2],
): Promise<{ store: S; clock: { now: number } }> {
  const clock = { now: 1_000_000 };
  const store = await newStore(() => clock.now);
  await store.create({ ...sample(id, clock.now), expiresAt: clock.now + 1000 });
  expect(await store.get(id)).toBeDefined();
  clock.now += 1000;
  expect(await store.get(id)).toBeUndefined();
  expect(await store.update(id, 1, patch as never)).toBeUndefined();
  return { store, clock };
}
