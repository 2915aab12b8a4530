// The per-revision support probe of `lambda-mcp-client test`: whether the server speaks a revision at all
// (server/discover for 2026-07-28, initialize for the 2025 ones), so that a revision it does not speak has
// its tests skipped with the reason instead of failed.
import type { ProtocolVersion } from '../options.js';
import type { FetchFn } from '../sdk.js';
import { describeResponse, type RpcMessage, readResponse } from './assert.js';
import { initializeHeaders, initializeMessage, isModern, modernRequest, sessionHeaders } from './mcp.js';

/** Whether `message` is an error only a modern (2026-07-28) server answers. */
function isModernError(message: RpcMessage | undefined): boolean {
  const code = message?.error?.code;
  const data = message?.error?.data as { supported?: unknown } | undefined;
  return code === -32020 || code === -32021 || code === -32022 || Array.isArray(data?.supported);
}

const FALLBACK_STATUSES = [400, 404, 405];

/**
 * Why `version` cannot be tested on the server at `url`, or `undefined` when it can: a 2025-only server for
 * 2026-07-28 (server/discover refused without a modern error), a modern-only one for the 2025 revisions
 * (initialize refused with a modern error), or a server that negotiates another revision. Anything else
 * (errors, odd answers) lets the tests run, so they fail rather than skip. `fetch` carries the run's token.
 */
export async function unsupportedReason(
  url: URL,
  version: ProtocolVersion,
  timeout: number,
  fetch: FetchFn = globalThis.fetch,
): Promise<string | undefined> {
  const signal = AbortSignal.timeout(timeout);
  if (isModern(version)) {
    const { headers, message } = modernRequest(
      'server/discover',
      {},
      { id: 'lambda-mcp-client-probe', version },
    );
    const read = await readResponse(
      await fetch(url, { method: 'POST', headers, body: JSON.stringify(message), signal }),
    );
    const supported = read.message?.result?.supportedVersions;
    if (read.status === 200 && Array.isArray(supported) && !supported.includes(version)) {
      return `server/discover lists ${supported.join(', ') || 'no revision'}, not ${version}`;
    }
    if (FALLBACK_STATUSES.includes(read.status) && !isModernError(read.message)) {
      return `the server does not speak ${version}: server/discover answered ${describeResponse(read)}, not a 2026-07-28 error (a 2025-only server)`;
    }
    return undefined;
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: initializeHeaders(),
    body: JSON.stringify(initializeMessage(version, 'lambda-mcp-client-probe')),
    signal,
  });
  const read = await readResponse(response);
  const id = response.headers.get('mcp-session-id');
  if (id)
    await fetch(url, { method: 'DELETE', headers: sessionHeaders(version, id), signal }).catch(() => {});
  const chosen = read.message?.result?.protocolVersion;
  if (read.status === 200 && typeof chosen === 'string' && chosen !== version) {
    return `initialize offered ${version}; the server chose ${chosen}`;
  }
  if (FALLBACK_STATUSES.includes(read.status) && isModernError(read.message)) {
    return `the server does not speak the 2025 revisions: initialize answered ${describeResponse(read)}`;
  }
  return undefined;
}
