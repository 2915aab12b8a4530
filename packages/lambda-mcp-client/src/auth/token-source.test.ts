// The token cache on a controlled clock: one request however many callers wait, the cached token until shortly
// before `expires_in` runs out, a new one then, one more after a 401 (but not again for that one), and a failed
// request leaves nothing cached.
import { describe, expect, it } from 'vitest';
import { CachedTokenSource, fixedToken, type IssuedToken, refreshMargin } from './token-source.js';

/** A source whose issuer hands out `token-1`, `token-2`, … with `expiresIn`, on a clock the test moves. */
function counting(expiresIn?: number) {
  let now = 1_000_000;
  let issued = 0;
  const requests: number[] = [];
  const source = new CachedTokenSource(
    async (): Promise<IssuedToken> => {
      requests.push(now);
      issued++;
      return { accessToken: `token-${issued}`, ...(expiresIn !== undefined && { expiresIn }) };
    },
    'test',
    () => now,
  );
  return {
    source,
    requests,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CachedTokenSource', () => {
  it('asks once for concurrent callers and serves the cached token until shortly before it expires', async () => {
    const { source, requests, advance } = counting(600);
    const tokens = await Promise.all([source.token(), source.token(), source.token()]);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    expect(requests).toHaveLength(1);

    // 600 s lifetime: refreshed 30 s before the end (the smaller of 30 s and a tenth of the lifetime).
    expect(refreshMargin(600_000)).toBe(30_000);
    advance(569_999);
    expect(await source.token()).toBe('token-1');
    advance(1);
    expect(await source.token()).toBe('token-2');
    expect(requests).toHaveLength(2);
  });

  it('refreshes a short-lived token a tenth of its lifetime early', async () => {
    const { source, advance } = counting(60);
    expect(refreshMargin(60_000)).toBe(6_000);
    expect(await source.token()).toBe('token-1');
    advance(53_999);
    expect(await source.token()).toBe('token-1');
    advance(1);
    expect(await source.token()).toBe('token-2');
  });

  it('keeps a token without expires_in until the server refuses it', async () => {
    const { source, requests, advance } = counting();
    expect(await source.token()).toBe('token-1');
    advance(365 * 24 * 3600 * 1000);
    expect(await source.token()).toBe('token-1');
    expect(requests).toHaveLength(1);
  });

  it('replaces a token once after a 401, and not again when the new one is refused too', async () => {
    const { source, requests } = counting(600);
    const first = await source.token();
    expect(source.rejected(first)).toBe(true);
    const second = await source.token();
    expect(second).toBe('token-2');
    // A request still holding the old token learns there is a new one.
    expect(source.rejected(first)).toBe(true);
    // The replacement was itself refused: no loop of token requests.
    expect(source.rejected(second)).toBe(false);
    expect(await source.token()).toBe('token-2');
    expect(requests).toHaveLength(2);
  });

  it('caches nothing when the request fails, and asks again next time', async () => {
    let attempts = 0;
    const source = new CachedTokenSource(async () => {
      attempts++;
      if (attempts === 1) throw new Error('token endpoint down');
      return { accessToken: 'late', expiresIn: 60 };
    }, 'test');
    await expect(source.token()).rejects.toThrow('token endpoint down');
    expect(await source.token()).toBe('late');
    expect(attempts).toBe(2);
  });
});

describe('fixedToken', () => {
  it('hands out the given token and never offers a retry', async () => {
    const source = fixedToken('given');
    expect(await source.token()).toBe('given');
    expect(source.rejected('given')).toBe(false);
    expect(source.label).toBe('--token');
  });
});
