// The auth flags as the command line parses them: `--client-credentials <id>:<secret>` split at the first
// colon, and bearer tokens checked for shape; anything else is an Error the command line reports as usage.
import { describe, expect, it } from 'vitest';
import { hasIdentity, parseClientCredentials, parseToken } from './settings.js';

describe('parseClientCredentials', () => {
  it('splits at the first colon, so a secret may contain colons', () => {
    expect(parseClientCredentials('my-client:s3:cr:et')).toEqual({
      clientId: 'my-client',
      clientSecret: 's3:cr:et',
    });
  });

  it.each([
    ['no-colon', 'no colon found'],
    [':secret', 'the client id is empty'],
    ['client:', 'the secret is empty'],
  ])('refuses %j (%s)', (value, why) => {
    expect(() => parseClientCredentials(value)).toThrow(why);
  });

  it('never quotes the value it refuses', () => {
    expect(() => parseClientCredentials('a-secret-without-colon')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('a-secret-without-colon') }),
    );
  });
});

describe('parseToken', () => {
  it('takes a JWT as is, and drops a pasted "Bearer " prefix and surrounding whitespace', () => {
    expect(parseToken('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln',
    );
    expect(parseToken('  Bearer abc-DEF_123~+/=\n')).toBe('abc-DEF_123~+/=');
  });

  it.each([
    ['', 'must not be empty'],
    ['Bearer ', 'must not be empty'],
    ['two words', 'no spaces'],
    ['tab\tinside', 'no spaces'],
    ['quote"d', 'letters, digits'],
  ])('refuses %j', (value, why) => {
    expect(() => parseToken(value)).toThrow(why);
  });
});

describe('hasIdentity', () => {
  it('is true with a token or credentials, false with neither', () => {
    expect(hasIdentity(undefined)).toBe(false);
    expect(hasIdentity({ scope: 'a' })).toBe(false);
    expect(hasIdentity({ token: 't' })).toBe(true);
    expect(hasIdentity({ clientCredentials: { clientId: 'c', clientSecret: 's' } })).toBe(true);
  });
});
