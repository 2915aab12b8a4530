// A tool or prompt schema whose JSON Schema is computed once per instance, not once per request. lambda-mcp
// builds a fresh McpServer for every request, and the SDK converts each registered schema to JSON Schema
// again on every server that needs it (`tools/list` for inputs; every `tools/call` of a tool with an output
// schema, to project its result): for a zod object of a dozen fields that is about 60 µs a call, a quarter of
// a warm 2026-07-28 `tools/call`. The wrapper keeps the schema's own validation and hands the SDK a copy of
// the first conversion for each target, so no request sees what another one did to its copy.
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

type JsonSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>[0];

/**
 * `schema` with its JSON Schema conversions memoised (by direction and target); validation, types and every
 * other property are the schema's own. Build it once, at module level or per instance, and register it on
 * each request's server. Register the wrapper itself; to compose (nest it in another zod object, `.meta()`,
 * `z.toJSONSchema`) use the bare schema, since zod's metadata registry knows the schema object, not the
 * wrapper.
 *
 * @example
 * const Output = cachedJsonSchema(z.object({ count: z.number() }));
 * server.registerTool('count', { outputSchema: Output }, handler);
 */
export function cachedJsonSchema<S extends StandardSchemaWithJSON>(schema: S): S {
  const standard = schema['~standard'];
  const memo = new Map<string, Record<string, unknown>>();
  const convert =
    (io: 'input' | 'output') =>
    (options: JsonSchemaOptions): Record<string, unknown> => {
      const key = `${io} ${options.target} ${JSON.stringify(options.libraryOptions ?? null)}`;
      let converted = memo.get(key);
      if (!converted) {
        converted = standard.jsonSchema[io](options);
        memo.set(key, converted);
      }
      return structuredClone(converted);
    };
  const cached = { ...standard, jsonSchema: { input: convert('input'), output: convert('output') } };
  // The schema itself stays the prototype: its methods (a zod schema's parse, shape...) and fields are there.
  return Object.create(schema, { '~standard': { value: cached, enumerable: true } }) as S;
}
