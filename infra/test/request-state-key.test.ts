// The generation settings of the key's secret (infra/lib/request-state-key.ts) always produce a value that
// lambda-mcp accepts as MCP_REQUEST_STATE_KEY: Secrets Manager draws 64 characters from letters and digits,
// which resolveRequestStateKey reads as base64 (48 bytes), or as hex (32 bytes) when every character happens
// to be a hex digit. Checked on a fixed sample that puts every character of that alphabet at every position,
// and on the edge cases; punctuation, which the settings exclude, would be refused.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../packages/lambda-mcp/src/errors.js';
import { MIN_KEY_BYTES, resolveRequestStateKey } from '../../packages/lambda-mcp/src/request-state-key.js';
import { KEY_GENERATION } from '../lib/request-state-key.js';

/** What GenerateSecretString draws from with ExcludePunctuation and without spaces: letters and digits. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const inLambda = { inLambda: true, warn: () => {} };

/** 62 keys of the generated length: key i has ALPHABET[(i + 7j) % 62] at position j. */
const SAMPLE = Array.from({ length: ALPHABET.length }, (_, i) =>
  Array.from(
    { length: KEY_GENERATION.passwordLength },
    (_, j) => ALPHABET[(i + 7 * j) % ALPHABET.length],
  ).join(''),
);

describe("the request-state key's generation settings", () => {
  it('ask for 64 letters and digits: no punctuation, no space', () => {
    expect(KEY_GENERATION).toEqual({ passwordLength: 64, excludePunctuation: true, includeSpace: false });
  });

  it('always produce a key lambda-mcp accepts, of at least 32 bytes', () => {
    // Every character at every position across the sample (7 and 62 share no factor).
    for (let j = 0; j < KEY_GENERATION.passwordLength; j++) {
      expect(new Set(SAMPLE.map((key) => key[j])).size).toBe(ALPHABET.length);
    }
    for (const key of SAMPLE) {
      expect(key).toHaveLength(64);
      expect(resolveRequestStateKey(key, inLambda).length, key).toBe(48);
    }
  });

  it('give 32 bytes when every character is a hex digit, 48 otherwise', () => {
    expect(resolveRequestStateKey('aF09'.repeat(16), inLambda)).toHaveLength(MIN_KEY_BYTES);
    expect(resolveRequestStateKey('0'.repeat(64), inLambda)).toHaveLength(MIN_KEY_BYTES);
    expect(resolveRequestStateKey('z'.repeat(64), inLambda)).toHaveLength(48);
    expect(resolveRequestStateKey(`${'a'.repeat(63)}Z`, inLambda)).toHaveLength(48);
  });

  it('exclude what would be refused: punctuation and spaces', () => {
    expect(() => resolveRequestStateKey(`${'a'.repeat(63)}!`, inLambda)).toThrow(ConfigError);
    expect(() => resolveRequestStateKey(`${'a'.repeat(31)} ${'a'.repeat(32)}`, inLambda)).toThrow(
      ConfigError,
    );
  });
});
