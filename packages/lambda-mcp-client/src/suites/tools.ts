// The tools suite: tools/list on each revision through the SDK clients, then for every tool a check that its
// input and output schemas compile as JSON Schema and a call with arguments made from its inputSchema, whose
// result must validate against its outputSchema (or be an error result that says what went wrong).
import { isRecord } from '../guards.js';
import { PROTOCOL_VERSIONS } from '../options.js';
import { brief, check, errorText, fail, textOf } from '../runner/assert.js';
import { connectLegacy, connectModern, isModern, type ToolDefinition } from '../runner/mcp.js';
import { argumentsFor, compileSchema } from '../runner/schema.js';
import type { FollowUp, TestCase, TestContext } from '../runner/types.js';

/** What the checks read of a tool definition, as either SDK lists it. */
export interface ToolLike {
  name: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

/** What the checks read of a tool result. */
interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

/**
 * Whether a tool may be destructive, by the spec's reading of its annotations: `destructiveHint` defaults to
 * true and only matters when `readOnlyHint` is not true.
 */
export function isDestructive(tool: ToolLike): boolean {
  return tool.annotations?.readOnlyHint !== true && tool.annotations?.destructiveHint !== false;
}

function destructiveReason(tool: ToolLike): string {
  return tool.annotations?.destructiveHint === true
    ? `${tool.name} is destructive (annotations.destructiveHint: true), so it is not called`
    : `${tool.name} may be destructive (no readOnlyHint: true or destructiveHint: false; the spec's default ` +
        'is destructive), so it is not called';
}

/** A connected SDK client of `ctx.version`, reduced to what the suite needs. */
interface ToolsClient {
  declaresTools: boolean;
  listTools(): Promise<ToolLike[]>;
  callTool(tool: ToolLike, args: Record<string, unknown>): Promise<ToolResult>;
}

async function toolsClient(ctx: TestContext): Promise<ToolsClient> {
  const options = { signal: ctx.signal, timeout: ctx.timeout };
  if (isModern(ctx.version)) {
    const client = await connectModern(ctx);
    return {
      declaresTools: Boolean(client.getServerCapabilities()?.tools),
      listTools: async () => (await client.listTools(undefined, options)).tools,
      callTool: (tool, args) =>
        client.callTool(
          { name: tool.name, arguments: args },
          { ...options, toolDefinition: tool as ToolDefinition },
        ),
    };
  }
  const { client } = await connectLegacy(ctx);
  return {
    declaresTools: Boolean(client.getServerCapabilities()?.tools),
    listTools: async () => (await client.listTools(undefined, options)).tools,
    callTool: (tool, args) =>
      client.callTool({ name: tool.name, arguments: args }, undefined, options) as Promise<ToolResult>,
  };
}

/** Checks one schema of a tool: a JSON object with type "object" that compiles. */
function checkSchema(tool: ToolLike, key: 'inputSchema' | 'outputSchema'): void {
  const schema = tool[key];
  check(
    isRecord(schema) && schema.type === 'object',
    `${tool.name}'s ${key} must be a JSON Schema object with type "object"`,
    () => brief(schema),
  );
  try {
    compileSchema(schema);
  } catch (error) {
    fail(`${tool.name}'s ${key} must compile as JSON Schema`, errorText(error));
  }
}

function schemaTest(tool: ToolLike): FollowUp {
  const hasOutput = tool.outputSchema !== undefined;
  return {
    name: hasOutput
      ? `${tool.name}: inputSchema and outputSchema compile as JSON Schema`
      : `${tool.name}: inputSchema compiles as JSON Schema (no outputSchema)`,
    async run() {
      checkSchema(tool, 'inputSchema');
      if (hasOutput) checkSchema(tool, 'outputSchema');
    },
  };
}

function callTest(tool: ToolLike): FollowUp {
  const generated = argumentsFor(tool.inputSchema);
  const shown = generated.ok ? ` with ${brief(generated.args, 100)}` : '';
  return {
    name: `${tool.name}: call${shown}`,
    async run(ctx) {
      if (isDestructive(tool)) ctx.skip(destructiveReason(tool));
      if (!generated.ok) return ctx.skip(`${tool.name} is not called: ${generated.reason}`);
      ctx.note(`arguments ${generated.source}`);
      const client = await toolsClient(ctx);
      let result: ToolResult;
      try {
        result = await client.callTool(tool, generated.args);
      } catch (error) {
        const message = errorText(error);
        if (/output schema|structured content/i.test(message)) {
          fail(`${tool.name}'s result must carry structuredContent valid against its outputSchema`, message);
        }
        fail(`tools/call ${tool.name} must answer a CallToolResult`, message);
      }
      check(Array.isArray(result.content), `a tools/call result must carry a content array`, () =>
        brief(result),
      );
      if (result.isError === true) {
        const text = textOf(result.content);
        check(
          text.trim() !== '',
          `an error result (isError: true) from ${tool.name} must say what went wrong in non-empty text`,
          () => brief(result),
        );
        ctx.note(`answered an error result (isError: true): ${brief(text, 160)}`);
        return;
      }
      if (tool.outputSchema === undefined) return;
      check(
        result.structuredContent !== undefined,
        `${tool.name} declares an outputSchema, so its result must carry structuredContent`,
        'no structuredContent',
      );
      const problem = compileSchema(tool.outputSchema)(result.structuredContent);
      check(
        problem === undefined,
        `${tool.name}'s structuredContent must validate against its outputSchema`,
        problem,
      );
    },
  };
}

/** The tools suite's tests: one listing per revision, followed by a schema check and a call per tool. */
export const toolsTests: TestCase[] = [
  {
    suite: 'tools',
    name: 'tools/list answers a valid listing',
    versions: PROTOCOL_VERSIONS,
    async run(ctx) {
      const client = await toolsClient(ctx);
      if (!client.declaresTools) ctx.skip('the server does not declare the tools capability');
      let tools: ToolLike[];
      try {
        tools = await client.listTools();
      } catch (error) {
        fail('tools/list must answer a valid ListToolsResult', errorText(error));
      }
      const names = tools.map((tool) => tool.name);
      check(
        names.every((name) => typeof name === 'string' && name !== ''),
        'every listed tool must have a name',
        () => brief(names),
      );
      const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
      check(duplicates.length === 0, 'tool names must be unique', () => duplicates.join(', '));
      if (tools.length === 0) ctx.skip('the server lists no tools: nothing to check');
      ctx.note(`${tools.length} tools: ${names.join(', ')}`);
      ctx.followUp(...tools.flatMap((tool) => [schemaTest(tool), callTest(tool)]));
    },
  },
];
