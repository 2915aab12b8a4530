import { describe, expect, it } from 'vitest';
import { HttpError, LambdaMcpError, StoreConflictError, StoreUnavailableError } from './errors.js';

describe('the error family', () => {
  it('keeps a cause on every class', () => {
    const cause = new Error('socket hang up');
    expect(new StoreUnavailableError('DynamoDB GetItem failed', { cause }).cause).toBe(cause);
    expect(new HttpError(400, -32600, 'bad', {}, { cause }).cause).toBe(cause);
    expect(new StoreConflictError('lost', undefined, { cause }).cause).toBe(cause);
    expect(new StoreConflictError('lost')).toBeInstanceOf(LambdaMcpError);
  });

  it('keeps the stored record of a conflict out of what a logger enumerates', () => {
    const record = { id: 's1', principal: 'alice', initializeParams: { clientInfo: { name: 'c' } } };
    const error = new StoreConflictError('Session s1 is at version 2, not 1', record);
    expect(error.current).toBe(record);
    expect(Object.keys(error)).not.toContain('current');
    expect(JSON.stringify({ ...error })).not.toContain('alice');
  });
});
