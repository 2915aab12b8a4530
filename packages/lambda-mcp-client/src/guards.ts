// The client's one structural guard: narrows an untyped value read off the wire or typed by the user (a
// JSON-RPC answer, a schema, a content block, tool arguments) to a plain object, trusting no declared type.

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
