// The `lambda-mcp/node` entry point: the node:http adapter for local runs and the local-server helpers
// built on it. Named exports only, so nothing joins the surface by being exported from a module here.

// Types: a served app and its options, and the local MCP server `serveLocal` starts.
export type { ServedApp, ServeOptions } from './adapters/node.js';
export { serve } from './adapters/node.js';
export type { LocalMcpServer } from './setup/local.js';
export { exitOnSignals, localServerOptions, serveLocal } from './setup/local.js';
