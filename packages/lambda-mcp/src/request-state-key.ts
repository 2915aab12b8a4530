// The MRTR `requestState` signing key. Every instance must share it: a retry of a multi-round-trip request
// may land on any Lambda instance, and a per-process key would reject it there.
import { randomBytes } from 'node:crypto';
import { ConfigError } from './errors.js';

/** Minimum key length, in bytes (the SDK's codec requires 256 bits). */
export const MIN_KEY_BYTES = 32;

/**
 * Decodes `MCP_REQUEST_STATE_KEY` (hex or base64/base64url, at least 32 bytes). When it is missing, a
 * Lambda start-up fails with a message saying what to set; a local run gets a per-process key and a warning.
 *
 * @example
 * const key = resolveRequestStateKey(process.env.MCP_REQUEST_STATE_KEY, { inLambda: false, warn: console.warn });
 */
export function resolveRequestStateKey(
  value: string | undefined,
  options: { inLambda: boolean; warn: (message: string) => void },
): Uint8Array {
  const text = value?.trim();
  if (!text) {
    if (options.inLambda) {
      throw new ConfigError(
        'MCP_REQUEST_STATE_KEY is not set. Every Lambda instance must sign MRTR requestState with the same ' +
          `key: set it to at least ${MIN_KEY_BYTES} random bytes, hex or base64 (for example: openssl rand -hex 32).`,
      );
    }
    options.warn(
      'MCP_REQUEST_STATE_KEY is not set: using a random per-process key. MRTR retries that reach another ' +
        'process will be rejected; set the variable (openssl rand -hex 32) to share one key.',
    );
    return new Uint8Array(randomBytes(MIN_KEY_BYTES));
  }
  const isHex = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0;
  const isBase64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text);
  if (!isHex && !isBase64) {
    throw new ConfigError('MCP_REQUEST_STATE_KEY must be hex or base64 encoded.');
  }
  const bytes = isHex ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length < MIN_KEY_BYTES) {
    throw new ConfigError(
      `MCP_REQUEST_STATE_KEY decodes to ${bytes.length} bytes; it must hold at least ${MIN_KEY_BYTES} random bytes.`,
    );
  }
  return new Uint8Array(bytes);
}

/** Whether this process runs inside AWS Lambda. */
export function isInLambda(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
}
