// Conformance fixture: a factory for an McpServer that carries every tool, resource, template, prompt and
// utility the official @modelcontextprotocol/conformance server scenarios look for, on the 2025 revisions
// (sessions, server-to-client requests) and on 2026-07-28 (multi-round-trip results, listen streams).
import { randomUUID } from 'node:crypto';
import {
  acceptedContent,
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type ElicitRequestFormParams,
  type GetPromptResult,
  type InputRequests,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type JsonSchemaType,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceTemplate,
  type ServerContext,
  type ServerNotifier,
} from '@modelcontextprotocol/server';
import type { LambdaMcpContext } from 'lambda-mcp';
import { JSON_SCHEMA_VALIDATOR, jsonSchema } from './json-schema.js';
import { registerTaskTools } from './task-tools.js';

/** What the serving layer hands the factory: the SDK's construction context plus the shared state codec. */
export type ConformanceContext = LambdaMcpContext;

/** Optional wiring from the serving layer that the fixture cannot reach on its own. */
export interface ConformanceHooks {
  /**
   * Publisher for `subscriptions/listen` streams (2026-07-28). The list-change trigger tools use it; without
   * it they only notify a 2025 session over its own connection.
   */
  notify?: Pick<ServerNotifier, 'toolsChanged' | 'promptsChanged'>;
}

type ToolResult = CallToolResult | InputRequiredResult;

const SERVER_INFO = { name: 'lambda-mcp-conformance-fixture', version: '1.0.0' };

/** A single blue pixel, as PNG. */
const PNG_PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mOQm/AfAAJ9Aa5PDvJhAAAAAElFTkSuQmCC';

/** Eight samples of 8 kHz, 16-bit mono silence, as a RIFF/WAVE file. */
const WAV_SILENCE = buildSilentWav(8);

function buildSilentWav(samples: number): string {
  const dataBytes = samples * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // channels
  wav.writeUInt32LE(8000, 24); // sample rate
  wav.writeUInt32LE(16000, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return wav.toString('base64');
}

const NO_ARGUMENTS = jsonSchema<Record<string, never>>({ type: 'object', properties: {} });

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An elicitation asking for one required string field. */
function askFor(field: string, message: string) {
  return inputRequired.elicit({
    message,
    requestedSchema: { type: 'object', properties: { [field]: { type: 'string' } }, required: [field] },
  });
}

/** The state payloads this fixture mints; every one names the tool that minted it. */
type FixtureState = { tool: string; round?: number; name?: string; nonce: string };

function isFixtureState(value: unknown, tool: string): value is FixtureState {
  return typeof value === 'object' && value !== null && (value as { tool?: unknown }).tool === tool;
}

export function createConformanceServer(ctx: ConformanceContext, hooks: ConformanceHooks = {}): McpServer {
  const codec = ctx.requestState;
  const server = new McpServer(SERVER_INFO, {
    capabilities: {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      // Deprecated on 2026-07-28 but still negotiated by the 2025 logging scenarios.
      logging: {},
      completions: {},
    },
    instructions: 'Fixture for the MCP conformance suite; every tool is a deterministic probe.',
    // Retries may land on another instance: the codec's key is the one every instance shares.
    requestState: { verify: codec.verify },
    jsonSchemaValidator: JSON_SCHEMA_VALIDATOR,
    cacheHints: {
      'tools/list': { ttlMs: 60_000, cacheScope: 'public' },
      'prompts/list': { ttlMs: 60_000, cacheScope: 'public' },
      'resources/templates/list': { ttlMs: 60_000, cacheScope: 'public' },
    },
  });

  const mint = (payload: Omit<FixtureState, 'nonce'>) => codec.mint({ ...payload, nonce: randomUUID() });

  registerContentTools(server);
  registerSessionTools(server);
  registerStatelessProbes(server, ctx.era, hooks);
  registerInputRequiredTools(server, mint);
  registerResources(server);
  registerPrompts(server);
  registerCompletions(server);
  registerTaskTools(server);
  return server;
}

/** Tools whose only job is to return one kind of content. */
function registerContentTools(server: McpServer): void {
  const simple = (
    name: string,
    description: string,
    result: () => CallToolResult | Promise<CallToolResult>,
  ) => server.registerTool(name, { description, inputSchema: NO_ARGUMENTS }, async () => result());

  simple('test_simple_text', 'Returns one text block', () =>
    text('This is a simple text response for testing.'),
  );
  simple('test_image_content', 'Returns one PNG image block', () => ({
    content: [{ type: 'image', data: PNG_PIXEL, mimeType: 'image/png' }],
  }));
  simple('test_audio_content', 'Returns one WAV audio block', () => ({
    content: [{ type: 'audio', data: WAV_SILENCE, mimeType: 'audio/wav' }],
  }));
  simple('test_embedded_resource', 'Returns one embedded text resource', () => ({
    content: [
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ],
  }));
  simple('test_multiple_content_types', 'Returns text, image and resource blocks together', () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG_PIXEL, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: {
          uri: 'test://mixed-content-resource',
          mimeType: 'application/json',
          text: JSON.stringify({ test: 'data', value: 123 }),
        },
      },
    ],
  }));
  simple('test_error_handling', 'Always fails; the SDK reports the failure as an isError result', () => {
    throw new Error('This tool intentionally returns an error for testing');
  });

  server.registerTool(
    'test_tool_with_progress',
    {
      description: 'Reports progress 0, 50 and 100 of 100 when the caller sent a progress token',
      inputSchema: NO_ARGUMENTS,
    },
    async (_args, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (const progress of [0, 50, 100]) {
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken, progress, total: 100, message: `step ${progress / 50 + 1} of 3` },
          });
        }
        if (progress < 100) await sleep(50);
      }
      return text(`Progress reported with token ${String(progressToken ?? 'none')}`);
    },
  );

  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Advertises an input schema that uses JSON Schema 2020-12 keywords',
      inputSchema: jsonSchema(JSON_SCHEMA_2020_12_INPUT),
    },
    async (args) => text(`json_schema_2020_12_tool received ${JSON.stringify(args)}`),
  );
}

/**
 * An input schema exercising the 2020-12 vocabulary the json-schema-2020-12 scenario expects to survive
 * tools/list verbatim: $schema, $defs with an $anchor, $ref, allOf/anyOf, if/then/else, additionalProperties.
 */
const JSON_SCHEMA_2020_12_INPUT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'addressDef',
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here, not a thenable.
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
} as JsonSchemaType;

/**
 * 2025-era tools: they log on the request's stream, push server-to-client requests (sampling, elicitation)
 * and close their own SSE stream, so they need the sessionful transport.
 */
function registerSessionTools(server: McpServer): void {
  server.registerTool(
    'test_tool_with_logging',
    { description: 'Logs three info messages, 50 ms apart, while it runs', inputSchema: NO_ARGUMENTS },
    async (_args, ctx) => {
      await ctx.mcpReq.log('info', 'Tool execution started');
      await sleep(50);
      await ctx.mcpReq.log('info', 'Tool processing data');
      await sleep(50);
      await ctx.mcpReq.log('info', 'Tool execution completed');
      return text('Logged three messages at info level');
    },
  );

  server.registerTool(
    'test_sampling',
    {
      description: 'Asks the client to sample a completion for the given prompt',
      inputSchema: jsonSchema<{ prompt: string }>({
        type: 'object',
        properties: { prompt: { type: 'string', description: 'Prompt forwarded to the client model' } },
        required: ['prompt'],
      }),
    },
    async ({ prompt }, ctx) => {
      const sampled = await ctx.mcpReq.send({
        method: 'sampling/createMessage',
        params: {
          messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
          maxTokens: 100,
        } satisfies CreateMessageRequestParams,
      });
      const content = Array.isArray(sampled.content) ? sampled.content[0] : sampled.content;
      return text(`LLM response: ${content?.type === 'text' ? content.text : JSON.stringify(content)}`);
    },
  );

  const elicitAndReport = async (ctx: ServerContext, params: ElicitRequestFormParams, label: string) => {
    const answer = await ctx.mcpReq.send({ method: 'elicitation/create', params });
    return text(`${label}: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`);
  };

  server.registerTool(
    'test_elicitation',
    {
      description: 'Asks the user, through the client, for a username and an email address',
      inputSchema: jsonSchema<{ message: string }>({
        type: 'object',
        properties: { message: { type: 'string', description: 'Text shown to the user' } },
        required: ['message'],
      }),
    },
    async ({ message }, ctx) =>
      elicitAndReport(
        ctx,
        {
          message,
          requestedSchema: {
            type: 'object',
            properties: {
              username: { type: 'string', description: "User's response" },
              email: { type: 'string', description: "User's email address" },
            },
            required: ['username', 'email'],
          },
        },
        'User response',
      ),
  );

  server.registerTool(
    'test_elicitation_sep1034_defaults',
    {
      description: 'Elicits a form whose primitive fields all carry defaults (SEP-1034)',
      inputSchema: NO_ARGUMENTS,
    },
    async (_args, ctx) =>
      elicitAndReport(
        ctx,
        {
          message: 'Confirm or change the prefilled profile',
          requestedSchema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: 'Display name', default: 'John Doe' },
              age: { type: 'integer', description: 'Age in years', default: 30 },
              score: { type: 'number', description: 'Last score', default: 95.5 },
              status: {
                type: 'string',
                description: 'Account status',
                enum: ['active', 'inactive', 'pending'],
                default: 'active',
              },
              verified: { type: 'boolean', description: 'Whether the account is verified', default: true },
            },
            required: [],
          },
        },
        'Elicitation completed',
      ),
  );

  server.registerTool(
    'test_elicitation_sep1330_enums',
    { description: 'Elicits a form with each enum shape of SEP-1330', inputSchema: NO_ARGUMENTS },
    async (_args, ctx) => {
      const titled = (prefix: string, word: string) =>
        [1, 2, 3].map((n) => ({
          const: `${prefix}${n}`,
          title: `${['First', 'Second', 'Third'][n - 1]} ${word}`,
        }));
      return elicitAndReport(
        ctx,
        {
          message: 'Pick from each list',
          requestedSchema: {
            type: 'object',
            properties: {
              untitledSingle: {
                type: 'string',
                description: 'Plain single choice',
                enum: ['option1', 'option2', 'option3'],
              },
              titledSingle: {
                type: 'string',
                description: 'Titled single choice',
                oneOf: titled('value', 'Option'),
              },
              legacyEnum: {
                type: 'string',
                description: 'Single choice titled through enumNames',
                enum: ['opt1', 'opt2', 'opt3'],
                enumNames: ['Option One', 'Option Two', 'Option Three'],
              },
              untitledMulti: {
                type: 'array',
                description: 'Plain multiple choice',
                minItems: 1,
                maxItems: 3,
                items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
              },
              titledMulti: {
                type: 'array',
                description: 'Titled multiple choice',
                minItems: 1,
                maxItems: 3,
                items: { anyOf: titled('value', 'Choice') },
              },
            },
            required: [],
          },
        },
        'Elicitation completed',
      );
    },
  );

  server.registerTool(
    'test_reconnection',
    {
      description: 'Closes its own SSE stream mid-call and answers after the client reconnects (SEP-1699)',
      inputSchema: NO_ARGUMENTS,
    },
    async (_args, ctx) => {
      // A message before the result turns the response into an SSE stream, which is what gets closed.
      await ctx.mcpReq.log('info', 'test_reconnection: closing the stream, the result follows on reconnect');
      ctx.http?.closeSSE?.();
      await sleep(100);
      return text('Reconnection test completed: the result arrived after the stream was closed.');
    },
  );
}

/** Diagnostic tools the 2026-07-28 `server-stateless` scenario calls by name. */
function registerStatelessProbes(
  server: McpServer,
  era: ConformanceContext['era'],
  hooks: ConformanceHooks,
): void {
  server.registerTool(
    'test_missing_capability',
    {
      description: 'Needs the sampling client capability; without it the SDK answers -32021',
      inputSchema: NO_ARGUMENTS,
    },
    async (_args, ctx): Promise<ToolResult> => {
      if (inputResponse(ctx.mcpReq.inputResponses, 'probe').kind === 'sampling') {
        return text('sampling answered');
      }
      return inputRequired({
        inputRequests: {
          probe: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: 'Say ok.' } }],
            maxTokens: 8,
          }),
        },
      });
    },
  );

  server.registerTool(
    'test_streaming_elicitation',
    { description: 'Answers with result frames only, never a request of its own', inputSchema: NO_ARGUMENTS },
    async () => text('plain result, no server-initiated request'),
  );

  server.registerTool(
    'test_logging_tool',
    {
      description: 'Logs through ctx.mcpReq.log, which stays silent unless the request set a log level',
      inputSchema: NO_ARGUMENTS,
    },
    async (_args, ctx) => {
      await ctx.mcpReq.log('info', 'test_logging_tool ran');
      return text('logged at info');
    },
  );

  const trigger = (
    name: string,
    kind: 'toolsChanged' | 'promptsChanged',
    notifySession: () => Promise<void>,
  ) =>
    server.registerTool(
      name,
      {
        description: `Announces a ${kind === 'toolsChanged' ? 'tool' : 'prompt'} list change`,
        inputSchema: NO_ARGUMENTS,
      },
      async () => {
        // 2026-07-28 listeners hear it through the serving layer's bus; a 2025 session on its own stream.
        hooks.notify?.[kind]();
        if (era === 'legacy') await notifySession();
        return text(`${kind} announced`);
      },
    );
  trigger('test_trigger_tool_change', 'toolsChanged', () => server.server.sendToolListChanged());
  trigger('test_trigger_prompt_change', 'promptsChanged', () => server.server.sendPromptListChanged());

  server.registerTool(
    'test_x_mcp_header',
    {
      description: 'Mirrors its region argument into the Mcp-Param-Region header (SEP-2243)',
      inputSchema: jsonSchema<{ region?: string; level?: number }>({
        type: 'object',
        properties: {
          region: { type: 'string', description: 'Sent again as Mcp-Param-Region', 'x-mcp-header': 'Region' },
          level: { type: 'integer', description: 'Body only' },
        },
      } as JsonSchemaType),
    },
    async ({ region }) => text(`region is ${region ?? 'unset'}`),
  );
}

/** Multi-round-trip tools (SEP-2322): each returns input_required until the retry carries what it asked for. */
function registerInputRequiredTools(
  server: McpServer,
  mint: (payload: Omit<FixtureState, 'nonce'>) => Promise<string>,
): void {
  const mrtrTool = (
    name: string,
    description: string,
    handler: (ctx: ServerContext) => Promise<ToolResult>,
  ) =>
    server.registerTool(name, { description, inputSchema: NO_ARGUMENTS }, async (_args, ctx) => handler(ctx));

  mrtrTool('test_input_required_result_elicitation', 'Asks for a name, then greets', async (ctx) => {
    const name = acceptedContent<{ name?: unknown }>(ctx.mcpReq.inputResponses, 'user_name')?.name;
    if (typeof name !== 'string') {
      return inputRequired({ inputRequests: { user_name: askFor('name', 'What is your name?') } });
    }
    return text(`Hello, ${name}!`);
  });

  mrtrTool('test_input_required_result_sampling', 'Asks the client model a question', async (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'capital_question');
    if (answer.kind !== 'sampling') {
      return inputRequired({
        inputRequests: {
          capital_question: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
            maxTokens: 100,
          }),
        },
      });
    }
    const content = Array.isArray(answer.result.content) ? answer.result.content[0] : answer.result.content;
    return text(`Sampling response: ${content?.type === 'text' ? content.text : JSON.stringify(content)}`);
  });

  mrtrTool('test_input_required_result_list_roots', 'Asks for the client roots', async (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'client_roots');
    if (answer.kind !== 'roots') {
      return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    }
    return text(`Roots (${answer.roots.length}): ${answer.roots.map((root) => root.uri).join(', ')}`);
  });

  mrtrTool('test_input_required_result_request_state', 'Round-trips a sealed requestState', async (ctx) => {
    const confirmation = acceptedContent(ctx.mcpReq.inputResponses, 'confirm');
    if (confirmation === undefined) {
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({
            message: 'Confirm to continue',
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          }),
        },
        requestState: await mint({ tool: 'request_state' }),
      });
    }
    if (!isFixtureState(ctx.mcpReq.requestState(), 'request_state')) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        'requestState missing or not minted for this tool',
      );
    }
    return text('state-ok: the sealed requestState came back intact');
  });

  mrtrTool(
    'test_input_required_result_multiple_inputs',
    'Asks for a name, a sampled greeting and the roots',
    async (ctx) => {
      const responses = ctx.mcpReq.inputResponses;
      const name = acceptedContent<{ name?: unknown }>(responses, 'user_name')?.name;
      const greeting = inputResponse(responses, 'greeting');
      const roots = inputResponse(responses, 'client_roots');
      if (typeof name === 'string' && greeting.kind === 'sampling' && roots.kind === 'roots') {
        const content = Array.isArray(greeting.result.content)
          ? greeting.result.content[0]
          : greeting.result.content;
        const said = content?.type === 'text' ? content.text : 'hello';
        return text(`${said}, ${name}; ${roots.roots.length} root(s) visible`);
      }
      return inputRequired({
        inputRequests: {
          user_name: askFor('name', 'What is your name?'),
          greeting: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: 'Write a one-line greeting.' } }],
            maxTokens: 50,
          }),
          client_roots: inputRequired.listRoots(),
        },
        requestState: await mint({ tool: 'multiple_inputs' }),
      });
    },
  );

  mrtrTool(
    'test_input_required_result_multi_round',
    'Two elicitation rounds; the round lives in requestState',
    async (ctx) => {
      const state = ctx.mcpReq.requestState();
      const round = isFixtureState(state, 'multi_round') ? (state.round ?? 0) : 0;
      if (round === 0) {
        return inputRequired({
          inputRequests: { step1: askFor('name', 'Step 1: what is your name?') },
          requestState: await mint({ tool: 'multi_round', round: 1 }),
        });
      }
      const previous = state as FixtureState;
      if (round === 1) {
        const name = acceptedContent<{ name?: unknown }>(ctx.mcpReq.inputResponses, 'step1')?.name;
        return inputRequired({
          inputRequests: { step2: askFor('color', 'Step 2: what is your favourite colour?') },
          requestState: await mint({
            tool: 'multi_round',
            round: 2,
            name: typeof name === 'string' ? name : 'someone',
          }),
        });
      }
      const color = acceptedContent<{ color?: unknown }>(ctx.mcpReq.inputResponses, 'step2')?.color;
      return text(
        `Done after two rounds: ${previous.name ?? 'someone'} likes ${typeof color === 'string' ? color : 'no colour'}`,
      );
    },
  );

  mrtrTool(
    'test_input_required_result_tampered_state',
    'Refuses a requestState that fails verification',
    async (ctx) => {
      // A forged or altered state never gets here: the verify hook rejects it with -32602 first.
      if (
        isFixtureState(ctx.mcpReq.requestState(), 'tampered_state') &&
        acceptedContent(ctx.mcpReq.inputResponses, 'confirm') !== undefined
      ) {
        return text('integrity-ok: requestState verified');
      }
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({
            message: 'Confirm to continue',
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          }),
        },
        requestState: await mint({ tool: 'tampered_state' }),
      });
    },
  );

  mrtrTool(
    'test_input_required_result_capabilities',
    'Only asks for input kinds the client declared',
    async (ctx) => {
      if (ctx.mcpReq.inputResponses !== undefined) {
        return text('Declared-capability input received');
      }
      // The published 2.4.0 typings declare the envelope as `{}`, so its keys are read through a cast.
      const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
      const declared = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
      const inputRequests: InputRequests = {};
      if (declared?.elicitation !== undefined) inputRequests.user_name = askFor('name', 'What is your name?');
      if (declared?.sampling !== undefined) {
        inputRequests.greeting = inputRequired.createMessage({
          messages: [{ role: 'user', content: { type: 'text', text: 'Write a one-line greeting.' } }],
          maxTokens: 50,
        });
      }
      if (declared?.roots !== undefined) inputRequests.client_roots = inputRequired.listRoots();
      if (Object.keys(inputRequests).length === 0) {
        return text('The client declared no capability that an input request could use');
      }
      return inputRequired({ inputRequests });
    },
  );
}

function registerResources(server: McpServer): void {
  const staticText = (
    name: string,
    uri: string,
    description: string,
    body: () => Omit<ReadResourceResult['contents'][number], 'uri'>,
  ) =>
    server.registerResource(name, uri, { title: name, description, mimeType: body().mimeType }, async () => ({
      contents: [{ uri, ...body() } as ReadResourceResult['contents'][number]],
    }));

  staticText('static-text', 'test://static-text', 'A fixed text document', () => ({
    mimeType: 'text/plain',
    text: 'This is the content of the static text resource.',
  }));
  staticText('static-binary', 'test://static-binary', 'A fixed PNG image', () => ({
    mimeType: 'image/png',
    blob: PNG_PIXEL,
  }));
  staticText('watched-resource', 'test://watched-resource', 'A document to subscribe to', () => ({
    mimeType: 'text/plain',
    text: 'Watched resource content',
  }));

  server.registerResource(
    'template',
    new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    { title: 'Data by id', description: 'JSON data for the given id', mimeType: 'application/json' },
    async (uri, variables) => {
      const id = String(variables.id);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
          },
        ],
      };
    },
  );

  // 2025 subscriptions: acknowledged per request. Updates would go to the session's GET stream; the
  // fixture's resources never change, so there is nothing to remember between requests.
  server.server.setRequestHandler('resources/subscribe', async () => ({}));
  server.server.setRequestHandler('resources/unsubscribe', async () => ({}));
}

function registerPrompts(server: McpServer): void {
  const userText = (value: string) => ({
    role: 'user' as const,
    content: { type: 'text' as const, text: value },
  });

  server.registerPrompt(
    'test_simple_prompt',
    { title: 'Simple prompt', description: 'A prompt without arguments' },
    async (): Promise<GetPromptResult> => ({ messages: [userText('This is a simple prompt for testing.')] }),
  );

  server.registerPrompt(
    'test_prompt_with_arguments',
    {
      title: 'Prompt with arguments',
      description: 'A prompt with two required arguments',
      argsSchema: jsonSchema<{ arg1: string; arg2: string }>({
        type: 'object',
        properties: {
          arg1: { type: 'string', description: 'First test argument' },
          arg2: { type: 'string', description: 'Second test argument' },
        },
        required: ['arg1', 'arg2'],
      }),
    },
    async ({ arg1, arg2 }): Promise<GetPromptResult> => ({
      messages: [userText(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`)],
    }),
  );

  server.registerPrompt(
    'test_prompt_with_embedded_resource',
    {
      title: 'Prompt with an embedded resource',
      description: 'Embeds the resource named by resourceUri',
      argsSchema: jsonSchema<{ resourceUri: string }>({
        type: 'object',
        properties: { resourceUri: { type: 'string', description: 'URI of the resource to embed' } },
        required: ['resourceUri'],
      }),
    },
    async ({ resourceUri }): Promise<GetPromptResult> => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: {
              uri: resourceUri,
              mimeType: 'text/plain',
              text: 'Embedded resource content for testing.',
            },
          },
        },
        userText('Please process the embedded resource above.'),
      ],
    }),
  );

  server.registerPrompt(
    'test_prompt_with_image',
    { title: 'Prompt with an image', description: 'Shows a PNG image, then asks about it' },
    async (): Promise<GetPromptResult> => ({
      messages: [
        { role: 'user', content: { type: 'image', data: PNG_PIXEL, mimeType: 'image/png' } },
        userText('Please analyze the image above.'),
      ],
    }),
  );

  server.registerPrompt(
    'test_input_required_result_prompt',
    { title: 'Prompt needing input', description: 'Asks for context (SEP-2322) before it renders' },
    async (ctx) => {
      const context = acceptedContent<{ context?: unknown }>(
        ctx.mcpReq.inputResponses,
        'user_context',
      )?.context;
      if (typeof context !== 'string') {
        return inputRequired({
          inputRequests: { user_context: askFor('context', 'What should the prompt be about?') },
        });
      }
      return { messages: [userText(`Write about: ${context}`)] };
    },
  );
}

/** Suggestions for prompt arguments and template variables, filtered by the typed prefix. */
const COMPLETIONS: Record<string, Record<string, string[]>> = {
  'ref/prompt:test_prompt_with_arguments': {
    arg1: ['paris', 'park', 'party', 'pasta'],
    arg2: ['world', 'wonder', 'work'],
  },
  'ref/resource:test://template/{id}/data': { id: ['1', '12', '123', '2', '42'] },
};

function registerCompletions(server: McpServer): void {
  server.server.setRequestHandler('completion/complete', async (request) => {
    const { ref, argument } = request.params;
    const key = ref.type === 'ref/prompt' ? `ref/prompt:${ref.name}` : `ref/resource:${ref.uri}`;
    const values = (COMPLETIONS[key]?.[argument.name] ?? []).filter((value) =>
      value.startsWith(argument.value),
    );
    return { completion: { values, total: values.length, hasMore: false } };
  });
}
