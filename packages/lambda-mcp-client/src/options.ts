// What each lambda-mcp-client command accepts, as parsed from the command line (see main.ts), and the
// protocol revisions and test suites it offers.

/** The protocol revisions the client speaks, newest first. */
export const PROTOCOL_VERSIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** The test suites. */
export const SUITES = ['protocol', 'sessions', 'streaming', 'tools'] as const;
export type Suite = (typeof SUITES)[number];

/** `lambda-mcp-client test`. */
export interface TestOptions {
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
}

/** `lambda-mcp-client connect`. */
export interface ConnectOptions {
  url: URL;
  debug: boolean;
  protocolVersion: ProtocolVersion;
}

/** `lambda-mcp-client call`. */
export interface CallOptions {
  url: URL;
  debug: boolean;
  protocolVersion: ProtocolVersion;
}
