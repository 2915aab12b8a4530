// Serving the MCP endpoint at one path: any other path answers 404 with a JSON-RPC error naming the
// endpoint, so a client pointed at the wrong URL learns the right one.
import { jsonRpcErrorResponse, RpcCode } from './responses.js';

/** Serves `handler` only at `path`; other paths answer 404 with a JSON-RPC error body. */
export function mountAt(path: string, handler: { fetch: (request: Request) => Promise<Response> }) {
  return {
    fetch: (request: Request): Promise<Response> =>
      new URL(request.url).pathname === path
        ? handler.fetch(request)
        : Promise.resolve(
            jsonRpcErrorResponse(404, RpcCode.ServerError, `Not Found: the MCP endpoint is ${path}`),
          ),
  };
}
