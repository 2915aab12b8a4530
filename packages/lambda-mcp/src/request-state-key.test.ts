import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { resolveRequestStateKey } from './request-state-key.js';

describe('resolveRequestStateKey', () => {
  const quiet = { inLambda: false, warn: () => {} };

  it('decodes a hex key of 32 bytes', () => {
    expect(resolveRequestStateKey('0f'.repeat(32), quiet)).toEqual(new Uint8Array(32).fill(15));
  });

  it('decodes base64 and base64url keys', () => {
    const bytes = new Uint8Array(Array.from({ length: 48 }, (_, i) => i * 5));
    const b64 = Buffer.from(bytes).toString('base64');
    expect(resolveRequestStateKey(b64, quiet)).toEqual(bytes);
    expect(resolveRequestStateKey(Buffer.from(bytes).toString('base64url'), quiet)).toEqual(bytes);
  });

  it('refuses keys shorter than 32 bytes, naming the variable', () => {
    expect(() => resolveRequestStateKey('ab'.repeat(16).slice(2), quiet)).toThrow(ConfigError);
    expect(() => resolveRequestStateKey('ab'.repeat(16).slice(2), quiet)).toThrow(/MCP_REQUEST_STATE_KEY/);
    expect(() => resolveRequestStateKey('not a key!', quiet)).toThrow(/hex or base64/);
  });

  it('stops a Lambda start-up without a key, and warns locally with a random per-process key', () => {
    expect(() => resolveRequestStateKey(undefined, { inLambda: true, warn: () => {} })).toThrow(
      /MCP_REQUEST_STATE_KEY is not set/,
    );
    const warnings: string[] = [];
    const key = resolveRequestStateKey('', { inLambda: false, warn: (m) => warnings.push(m) });
    expect(key).toHaveLength(32);
    expect(warnings).toHaveLength(1);
    expect(resolveRequestStateKey('', quiet)).not.toEqual(key);
  });
});
