// One façade over both SDK clients for `connect` and `call`: the v2 client pinned to 2026-07-28, or the v1
// client in a 2025 session (its `initialize` pinned to the chosen revision), with an optional fetch wrapper
// that prints every HTTP exchange to stderr, and the server's notifications and input requests routed out.
import {
  type CallToolResult,
  type GetPromptResult,
  type McpSubscription,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplateType as ResourceTemplate,
  type ServerCapabilities,
  type SubscriptionFilter,
  type Tool,
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ProtocolVersion } from './options.js';

/** The revision served statelessly by the v2 client; every other one is a 2025 session on the v1 client. */
export const MODERN_VERSION = '2026-07-28';

const CLIENT_INFO = { name: 'lambda-mcp-client', version: '0.1.0' };

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

/** A `fetch` as the SDK transports accept it. */
type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Connects to `url`: the v2 client pinned to 2026-07-28, or the v1 client opening a 2025 session that
 * offers exactly `protocolVersion` in `initialize`. Rejects when the server does not speak that revision.
 *
 * @example
 * const session = await openSession(new URL('http://127.0.0.1:3000/mcp'), '2025-11-25', { debug: true });
 * console.log(await session.listTools());
 * await session.close();
 */
export async function openSession(
  url: URL,
  protocolVersion: ProtocolVersion,
  options: SessionOptions = {},
): Promise<McpSession> {
  let fetchFn: FetchFn = (input, init) => fetch(input, init);
  if (options.debug)
    fetchFn = debugFetch(fetchFn, options.debugWrite ?? ((text) => process.stderr.write(text)));
  const elicit = options.onElicit ?? (async (): Promise<ElicitationAnswer> => ({ action: 'decline' }));
  const onEvent = options.onEvent ?? (() => {});
  return protocolVersion === MODERN_VERSION
    ? openModern(url, fetchFn, elicit, onEvent)
    : openLegacy(url, protocolVersion, fetchFn, elicit, onEvent);
}

type Elicit = (request: ElicitationRequest) => Promise<ElicitationAnswer>;
type OnEvent = (event: SessionEvent) => void;

/** Reads the fields of an elicitation's params, whichever SDK parsed them. */
function toElicitation(via: ElicitationRequest['via'], params: Record<string, unknown>): ElicitationRequest {
  const url = typeof params.url === 'string' ? params.url : undefined;
  return {
    via,
    mode: params.mode === 'url' || (params.mode === undefined && url) ? 'url' : 'form',
    message: String(params.message ?? ''),
    ...(params.requestedSchema !== undefined && {
      requestedSchema: params.requestedSchema as ElicitationRequest['requestedSchema'],
    }),
    ...(url && { url }),
  };
}

async function openModern(url: URL, fetchFn: FetchFn, elicit: Elicit, onEvent: OnEvent): Promise<McpSession> {
  const client = new V2Client(CLIENT_INFO, {
    capabilities: { elicitation: { form: {}, url: {} } },
    versionNegotiation: { mode: { pin: MODERN_VERSION } },
  });
  // In the 2026-07-28 era the client fulfils `input_required` results through this same handler.
  client.setRequestHandler('elicitation/create', async (request) => {
    const answer = await elicit(toElicitation('input_required', request.params as Record<string, unknown>));
    return answer.action === 'accept'
      ? { action: 'accept', content: answer.content ?? {} }
      : { action: answer.action };
  });
  client.fallbackNotificationHandler = async (notification) => {
    onEvent({ at: new Date(), method: notification.method, params: notification.params });
  };
  await client.connect(new V2Transport(url, { fetch: fetchFn }));

  let subscription: McpSubscription | undefined;
  let listening: Promise<string> | undefined;

  const listen = async (): Promise<string> => {
    const caps = client.getServerCapabilities() ?? {};
    const filter: SubscriptionFilter = {
      ...(caps.tools?.listChanged && { toolsListChanged: true }),
      ...(caps.prompts?.listChanged && { promptsListChanged: true }),
      ...(caps.resources?.listChanged && { resourcesListChanged: true }),
    };
    if (caps.resources?.subscribe) {
      const { resources } = await client.listResources();
      const uris = resources.map((r) => r.uri).slice(0, 100);
      if (uris.length > 0) filter.resourceSubscriptions = uris;
    }
    if (Object.keys(filter).length === 0) {
      throw new Error(
        'This server offers nothing to listen to on 2026-07-28: its capabilities declare no list changes ' +
          '(tools, prompts, resources listChanged) and no resource subscriptions, so it opens no ' +
          'subscriptions/listen stream. (2026-07-28 has no session stream; log messages of a call arrive ' +
          'with its answer.)',
      );
    }
    subscription = await client.listen(filter);
    void subscription.closed.then((cause) => {
      subscription = undefined;
      listening = undefined;
      if (cause !== 'local') {
        onEvent({ at: new Date(), method: '(subscriptions/listen closed)', params: { cause } });
      }
    });
    const honored = Object.entries(subscription.honoredFilter)
      .map(([key, value]) => (Array.isArray(value) ? `${key}: ${value.join(', ')}` : key))
      .join('; ');
    return `a subscriptions/listen stream (${honored || 'nothing honored'})`;
  };

  return {
    era: 'modern',
    listTools: async (opts) => {
      if (!client.getServerCapabilities()?.tools) return [];
      return (await client.listTools(undefined, { ...opts, cacheMode: 'refresh' })).tools;
    },
    callTool: (name, args, opts) => client.callTool({ name, arguments: args }, opts),
    listResources: async (opts) => {
      const caps = client.getServerCapabilities();
      if (!caps?.resources) return { resources: [], templates: [] };
      const [resources, templates] = await Promise.all([
        client.listResources(undefined, { ...opts, cacheMode: 'refresh' }),
        client.listResourceTemplates(undefined, { ...opts, cacheMode: 'refresh' }),
      ]);
      return { resources: resources.resources, templates: templates.resourceTemplates };
    },
    readResource: (uri, opts) => client.readResource({ uri }, { ...opts, cacheMode: 'bypass' }),
    listPrompts: async (opts) => {
      if (!client.getServerCapabilities()?.prompts) return [];
      return (await client.listPrompts(undefined, { ...opts, cacheMode: 'refresh' })).prompts;
    },
    getPrompt: (name, args, opts) => client.getPrompt({ name, arguments: args }, opts),
    info: () => {
      const server = client.getServerVersion();
      const instructions = client.getInstructions();
      const discover = client.getDiscoverResult();
      return {
        era: 'modern',
        protocolVersion: client.getNegotiatedProtocolVersion() ?? MODERN_VERSION,
        ...(server && { serverInfo: server }),
        ...(client.getServerCapabilities() && { capabilities: client.getServerCapabilities() }),
        ...(instructions && { instructions }),
        ...(discover && { supportedVersions: discover.supportedVersions }),
      };
    },
    events: () => {
      if (subscription) return Promise.resolve('the open subscriptions/listen stream');
      listening ??= listen().catch((error: unknown) => {
        listening = undefined;
        throw error;
      });
      return listening;
    },
    close: async () => {
      await subscription?.close().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}

/** Rewrites the protocol version the v1 client offers in `initialize` (it always offers its latest). */
function pinInitialize(fetchFn: FetchFn, version: string): FetchFn {
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

async function openLegacy(
  url: URL,
  version: string,
  fetchFn: FetchFn,
  elicit: Elicit,
  onEvent: OnEvent,
): Promise<McpSession> {
  const client = new V1Client(CLIENT_INFO, { capabilities: { elicitation: { form: {}, url: {} } } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    const answer = await elicit(
      toElicitation('elicitation/create', request.params as Record<string, unknown>),
    );
    return answer.action === 'accept'
      ? { action: 'accept', content: answer.content ?? {} }
      : { action: answer.action };
  });
  client.fallbackNotificationHandler = async (notification) => {
    onEvent({ at: new Date(), method: notification.method, params: notification.params });
  };
  const transport = new V1Transport(url, { fetch: pinInitialize(fetchFn, version) });
  await client.connect(transport);
  const negotiated = transport.protocolVersion;
  if (negotiated !== version) {
    await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
    throw new Error(`the server answered initialize with ${negotiated ?? 'no version'}, not ${version}`);
  }

  return {
    era: 'legacy',
    listTools: async (opts) => {
      if (!client.getServerCapabilities()?.tools) return [];
      return (await client.listTools(undefined, opts)).tools as Tool[];
    },
    callTool: async (name, args, opts) =>
      (await client.callTool({ name, arguments: args }, undefined, opts)) as CallToolResult,
    listResources: async (opts) => {
      if (!client.getServerCapabilities()?.resources) return { resources: [], templates: [] };
      const [resources, templates] = await Promise.all([
        client.listResources(undefined, opts),
        client.listResourceTemplates(undefined, opts),
      ]);
      return {
        resources: resources.resources as Resource[],
        templates: templates.resourceTemplates as ResourceTemplate[],
      };
    },
    readResource: async (uri, opts) => (await client.readResource({ uri }, opts)) as ReadResourceResult,
    listPrompts: async (opts) => {
      if (!client.getServerCapabilities()?.prompts) return [];
      return (await client.listPrompts(undefined, opts)).prompts as Prompt[];
    },
    getPrompt: async (name, args, opts) =>
      (await client.getPrompt({ name, arguments: args }, opts)) as GetPromptResult,
    info: () => {
      const server = client.getServerVersion();
      const instructions = client.getInstructions();
      return {
        era: 'legacy',
        ...(negotiated && { protocolVersion: negotiated }),
        ...(server && { serverInfo: server }),
        ...(transport.sessionId && { sessionId: transport.sessionId }),
        ...(client.getServerCapabilities() && {
          capabilities: client.getServerCapabilities() as ServerCapabilities,
        }),
        ...(instructions && { instructions }),
      };
    },
    events: async () =>
      `the session's streams: its GET stream (open since initialize) and each call's POST stream (session ${transport.sessionId})`,
    close: async () => {
      // DELETE ends the session on the server; a server that refuses it (405) is fine.
      await transport.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}

/** Longest body shown by the debug output, in characters. */
const DEBUG_BODY_LIMIT = 2000;

function truncate(text: string, limit = DEBUG_BODY_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text;
}

function headerLines(headers: Headers): string {
  const lines: string[] = [];
  headers.forEach((value, name) => {
    const shown = name === 'authorization' || name === 'cookie' ? '[redacted]' : value;
    lines.push(`  ${name}: ${shown}\n`);
  });
  return lines.join('');
}

/**
 * Wraps `fetchFn` so every exchange is written out: method, URL, headers and body of the request, then the
 * status, headers and body of the response (SSE bodies chunk by chunk as they arrive), bodies truncated.
 */
export function debugFetch(fetchFn: FetchFn, write: (text: string) => void): FetchFn {
  let counter = 0;
  return async (input, init) => {
    const n = ++counter;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const target = input instanceof Request ? input.url : String(input);
    const requestHeaders = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    const body = typeof init?.body === 'string' ? `  ${truncate(init.body)}\n` : '';
    write(`[http ${n}] → ${method} ${target}\n${headerLines(requestHeaders)}${body}`);
    const started = Date.now();
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (error) {
      write(`[http ${n}] ✗ ${method} ${target} failed after ${Date.now() - started} ms: ${String(error)}\n`);
      throw error;
    }
    const head = `[http ${n}] ← ${response.status} ${response.statusText} (${Date.now() - started} ms)\n${headerLines(response.headers)}`;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/event-stream') && response.body) {
      write(head);
      const decoder = new TextDecoder();
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const text = decoder.decode(chunk, { stream: true }).trimEnd();
          if (text) write(`[http ${n}] ← SSE ${truncate(text).replace(/\n/g, '\n  ')}\n`);
          controller.enqueue(chunk);
        },
        flush() {
          write(`[http ${n}] ← SSE stream ended\n`);
        },
      });
      return new Response(response.body.pipeThrough(tap), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    const text = response.body ? await response.clone().text() : '';
    write(`${head}${text ? `  ${truncate(text)}\n` : ''}`);
    return response;
  };
}
