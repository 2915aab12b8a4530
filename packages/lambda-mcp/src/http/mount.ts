// Serving the MCP endpoint at one path: the endpoint itself and its OAuth protected-resource metadata paths
// (`/.well-known/oauth-protected-resource`, bare and suffixed with the endpoint path, RFC 9728) reach the handler,
// told which path it is mounted at; any other path answers 404 with a JSON-RPC error naming the endpoint, so a
// client pointed at the wrong URL learns the right one.
import type { FetchExtras } from '../invocation.js';
import { jsonRpcErrorResponse, RpcCode } from './responses.js';

/** Where RFC 9728 protected-resource metadata is served (bare, or suffixed with the endpoint path). */
export const METADATA_PREFIX = '/.well-known/oauth-protected-resource';

/** A handler `mountAt` serves; `endpointPath` tells it where it is mounted. */
export interface MountableHandler {
  fetch: (request: Request, extras: FetchExtras & { endpointPath: string }) => Promise<Response>;
}

/**
 * Serves `handler` only at `path` and its metadata paths; other paths answer 404 with a JSON-RPC error body.
 *
 * @example
 * const app = mountAt('/mcp', createLambdaMcp(factory));
 */
export function mountAt(path: string, handler: MountableHandler) {
  const served = new Set([path, METADATA_PREFIX, `${METADATA_PREFIX}${path === '/' ? '' : path}`]);
  const extras = { endpointPath: path };
  return {
    fetch: (request: Request): Promise<Response> =>
      served.has(new URL(request.url).pathname)
        ? handler.fetch(request, extras)
        : Promise.resolve(
            jsonRpcErrorResponse(404, RpcCode.ServerError, `Not Found: the MCP endpoint is ${path}`),
          ),
  };
}
