// The vocabulary of a client session of either era, as `connect` and `call` use it: the server's requests
// for user input and the answers to them, its notifications, what `info` shows, and the session's operations.
import type {
  CallToolResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  ServerCapabilities,
  Tool,
} from '@modelcontextprotocol/client';
import type { AuthSettings } from '../auth/settings.js';

/** One field of an elicitation form (a primitive JSON Schema, as MCP restricts them). */
export interface ElicitationField {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  enumNames?: string[];
  oneOf?: { const: unknown; title?: string }[];
  items?: { enum?: unknown[]; anyOf?: { const: unknown; title?: string }[] };
  minimum?: number;
  maximum?: number;
  format?: string;
}

/** What the server asks the user: a 2025 `elicitation/create` request or a 2026-07-28 MRTR input request. */
export interface ElicitationRequest {
  /** `elicitation/create` in a 2025 session; `input_required` for a 2026-07-28 multi-round-trip result. */
  via: 'elicitation/create' | 'input_required';
  mode: 'form' | 'url';
  message: string;
  /** Form mode: the fields to fill in. */
  requestedSchema?: { properties?: Record<string, ElicitationField>; required?: string[] };
  /** URL mode: the page the user should open. */
  url?: string;
}

/** The user's answer to an {@link ElicitationRequest}. */
export interface ElicitationAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, string | number | boolean | string[]>;
}

/** A notification the server sent, as the session received it. */
export interface SessionEvent {
  at: Date;
  method: string;
  params?: unknown;
}

/** What `info` shows. */
export interface SessionInfo {
  era: 'modern' | 'legacy';
  /** The revision in use (negotiated by `initialize`, or pinned for 2026-07-28). */
  protocolVersion?: string;
  serverInfo?: { name?: string; version?: string; title?: string };
  /** The 2025 session id (`Mcp-Session-Id`); absent on 2026-07-28, which has no session. */
  sessionId?: string;
  capabilities?: ServerCapabilities;
  instructions?: string;
  /** The revisions the server lists in `server/discover` (2026-07-28). */
  supportedVersions?: string[];
}

/** Options of {@link openSession}. */
export interface SessionOptions {
  /** Print every HTTP exchange to stderr. */
  debug?: boolean;
  /** Answers the server's requests for user input; without it they are declined. */
  onElicit?: (request: ElicitationRequest) => Promise<ElicitationAnswer>;
  /** Receives every notification the server sends (log messages, list changes, …). */
  onEvent?: (event: SessionEvent) => void;
  /** Where debug output goes (default: stderr). */
  debugWrite?: (text: string) => void;
  /** The identity every request carries (`--token`, `--client-credentials`); none by default. */
  auth?: AuthSettings;
}

/** Per-request options: an abort signal (Ctrl-C in the REPL). */
export interface RequestOpts {
  signal?: AbortSignal;
}

/** A connected session of either era, with the operations `connect` and `call` need. */
export interface McpSession {
  readonly era: 'modern' | 'legacy';
  listTools(opts?: RequestOpts): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown>, opts?: RequestOpts): Promise<CallToolResult>;
  listResources(opts?: RequestOpts): Promise<{ resources: Resource[]; templates: ResourceTemplate[] }>;
  readResource(uri: string, opts?: RequestOpts): Promise<ReadResourceResult>;
  listPrompts(opts?: RequestOpts): Promise<Prompt[]>;
  getPrompt(name: string, args: Record<string, string>, opts?: RequestOpts): Promise<GetPromptResult>;
  info(): SessionInfo;
  /**
   * Makes sure notifications flow to `onEvent` and resolves a description of the stream(s) they come on:
   * 2025, the session's GET stream (open since `initialize`) and each call's POST stream; 2026-07-28, a
   * `subscriptions/listen` stream opened on first use. Rejects with a readable message when the server
   * offers nothing to listen to.
   */
  events(): Promise<string>;
  /** Ends the session (DELETE for a 2025 session) and closes the client. Never rejects. */
  close(): Promise<void>;
}

/** Answers the server's requests for user input. */
export type Elicit = (request: ElicitationRequest) => Promise<ElicitationAnswer>;
/** Receives the server's notifications. */
export type OnEvent = (event: SessionEvent) => void;
