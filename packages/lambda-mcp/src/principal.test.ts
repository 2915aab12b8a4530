import { describe, expect, it } from 'vitest';
import { principalOf } from './principal.js';

describe('principalOf', () => {
  it('is undefined without auth info', () => {
    expect(principalOf(undefined)).toBeUndefined();
  });
  it('names the client, and the subject when the token has one', () => {
    expect(principalOf({ token: 't', clientId: 'agent', scopes: [] })).toBe('client agent');
    expect(principalOf({ token: 't', clientId: 'agent', scopes: [], extra: { sub: 'alice' } })).toBe(
      'client agent sub alice',
    );
  });
  it('keeps callers apart whose parts would run together', () => {
    const a = principalOf({ token: 't', clientId: 'a sub b', scopes: [] });
    const b = principalOf({ token: 't', clientId: 'a', scopes: [], extra: { sub: 'b' } });
    expect(a).not.toBe(b);
  });
});
