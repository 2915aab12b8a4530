// What the test runner and the interactive session share about the SDK clients: the revision the v2 client
// pins, how this client introduces itself, the `fetch` both transports take, and the v1 client's
// `initialize` pinned to a chosen 2025 revision.

/** The revision served statelessly by the v2 client; every other one is a 2025 session on the v1 client. */
export const MODERN_VERSION = '2026-07-28';

/** How this client introduces itself. */
export const CLIENT_INFO = { name: 'lambda-mcp-client', version: '0.1.0' };

/** A `fetch` as the SDK transports accept it (and as the tests call it). */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Rewrites the protocol version a v1 client offers in `initialize` (it always offers its latest). Only a
 * body whose message is `initialize` is rewritten; every other request goes out exactly as it came.
 */
export function pinInitialize(fetchFn: FetchFn, version: string): FetchFn {
  return (input, init) => {
    if (typeof init?.body === 'string' && init.body.includes('"method":"initialize"')) {
      const body = JSON.parse(init.body) as { method?: string; params?: { protocolVersion?: string } };
      if (body.method === 'initialize' && body.params) {
        body.params.protocolVersion = version;
        return fetchFn(input, { ...init, body: JSON.stringify(body) });
      }
    }
    return fetchFn(input, init);
  };
}
