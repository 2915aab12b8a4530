// Small structural guards shared across layers: checks on untrusted values (Lambda events, SNS messages,
// JSON bodies) that narrow `unknown` without trusting its declared type.

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
