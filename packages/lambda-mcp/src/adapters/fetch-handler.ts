// The one shape every adapter serves: anything that answers a web `Request` with a web `Response`.

/** The lambda-mcp core, or any fetch app. */
export interface FetchHandler {
  fetch(request: Request): Promise<Response>;
}
