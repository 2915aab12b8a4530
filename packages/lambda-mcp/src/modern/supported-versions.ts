// The SDK's modern leg runs with `legacy: 'reject'`, so its UnsupportedProtocolVersion (-32022) answers list
// only 2026-07-28. This endpoint also serves the 2025 Streamable HTTP revisions; the error must say so, or
// a client would never fall back to `initialize`.
import { LEGACY_PROTOCOL_VERSIONS } from '../legacy/versions.js';

/** The 2025 revisions served here over Streamable HTTP (2024-11-05 used the older HTTP+SSE transport). */
export const STREAMABLE_LEGACY_VERSIONS = LEGACY_PROTOCOL_VERSIONS.filter((v) => v >= '2025-03-26');

const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/** Adds the 2025 revisions to a -32022 answer's `data.supported`; every other response passes unchanged. */
export async function advertiseLegacyVersions(response: Response): Promise<Response> {
  if (response.status !== 400 || !response.headers.get('content-type')?.includes('application/json')) {
    return response;
  }
  const text = await response.text();
  const rebuilt = (body: string) =>
    new Response(body, { status: response.status, headers: response.headers });
  let body: { error?: { code?: number; data?: { supported?: unknown } } };
  try {
    body = JSON.parse(text);
  } catch {
    return rebuilt(text);
  }
  const supported = body.error?.data?.supported;
  if (body.error?.code !== UNSUPPORTED_PROTOCOL_VERSION || !Array.isArray(supported)) return rebuilt(text);
  for (const version of STREAMABLE_LEGACY_VERSIONS) if (!supported.includes(version)) supported.push(version);
  return rebuilt(JSON.stringify(body));
}
