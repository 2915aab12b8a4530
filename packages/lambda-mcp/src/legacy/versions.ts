// The 2025-era protocol revisions the session transport serves, and the wire features that depend on them.
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';

/** Revisions accepted in `MCP-Protocol-Version` on session requests (the SDK's legacy list). */
export const LEGACY_PROTOCOL_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;

/** Whether the revision knows SSE priming events (an id with empty data): 2025-11-25 and later. */
export function supportsPriming(protocolVersion: string): boolean {
  return protocolVersion >= '2025-11-25';
}
