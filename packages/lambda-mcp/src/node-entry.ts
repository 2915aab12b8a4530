// The `lambda-mcp/node` entry point: the node:http adapter and the local-server helpers built on it.

export * from './adapters/node.js';
export * from './setup/local.js';
