// The trace context of an invocation: the client's W3C `traceparent` (SEP-414 `_meta.traceparent`, recorded
// next to the X-Ray trace so both can be joined) and whether X-Ray samples the invocation (observability.ts
// loads the tracer only for a sampled one).

/** The client's W3C trace context, from a `traceparent` value. */
export interface ClientTrace {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** The client span that made the request: 16 lowercase hex digits. */
  parentId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a W3C `traceparent` (`00-<trace id>-<parent id>-<flags>`); undefined when it is not valid.
 *
 * @example
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId; // '4bf92f35…'
 */
export function parseTraceparent(value: string): ClientTrace | undefined {
  const match = TRACEPARENT.exec(value.trim());
  const [, version, traceId, parentId, flags, rest] = match ?? [];
  if (!version || !traceId || !parentId || !flags) return undefined;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/**
 * Whether X-Ray samples the current invocation: its trace header (the runtime's invoke store, else
 * `_X_AMZN_TRACE_ID`, as the X-Ray SDK reads it) says `Sampled=1`. Outside Lambda there is no header.
 */
export function xraySampled(): boolean {
  const runtime = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId?(): string | undefined } } })
    .awslambda;
  const header = runtime?.InvokeStore?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID ?? '';
  return header.split(';').some((field) => field.trim() === 'Sampled=1');
}
