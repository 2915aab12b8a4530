// What each lambda-mcp-client command accepts, as parsed from the command line (see main.ts), and the
// protocol revisions and test suites it offers.
import type { AuthSettings } from './auth/settings.js';

export type { AuthSettings, ClientCredentials } from './auth/settings.js';

/** The protocol revisions the client speaks, newest first. */
export const PROTOCOL_VERSIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** The test suites (`auth` runs only with an identity: `--token`, LAMBDA_MCP_TOKEN or `--client-credentials`). */
export const SUITES = ['protocol', 'sessions', 'streaming', 'tools', 'tasks', 'auth'] as const;
export type Suite = (typeof SUITES)[number];

/** `lambda-mcp-client test`; the auth flags give every request a token and the auth suite its identities. */
export interface TestOptions extends AuthSettings {
  url: URL;
  suite: Suite | 'all';
  protocolVersion: ProtocolVersion | 'all';
  /** Concurrent streams in the streaming suite. */
  concurrency: number;
  /** Per-test timeout, in ms. */
  timeout: number;
  detailedReport: boolean;
  /** Where to write the machine-readable report. */
  json?: string;
  /** The tool the tasks suite runs as a task (default: the first a probe call turns into one). */
  taskTool?: string;
}

/** `lambda-mcp-client connect`. */
export interface ConnectOptions extends AuthSettings {
  url: URL;
  debug: boolean;
  protocolVersion: ProtocolVersion;
}

/** `lambda-mcp-client call`. */
export interface CallOptions extends AuthSettings {
  url: URL;
  debug: boolean;
  protocolVersion: ProtocolVersion;
  /** Declare the Tasks extension and follow a task the server answers to its end. */
  task?: boolean;
  /** With `task`: send tasks/cancel after this many ms. */
  cancelAfter?: number;
}
