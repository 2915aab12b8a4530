// The conformance fixtures' JSON Schemas, validated with the SDK's @cfworker/json-schema validator: the one
// the shipped Lambda bundle makes the SDK's default (scripts/sdk/shims-cf-worker.ts), so the conformance
// run (json-schema-2020-12, the tool-argument and elicitation scenarios) checks the validator that ships.
import { fromJsonSchema, type JsonSchemaType } from '@modelcontextprotocol/server';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/server/validators/cf-worker';

/** One validator for every fixture schema and for the servers' elicitation results. */
export const JSON_SCHEMA_VALIDATOR = new CfWorkerJsonSchemaValidator();

/**
 * `fromJsonSchema` with {@link JSON_SCHEMA_VALIDATOR}.
 *
 * @example
 * const args = jsonSchema<{ name: string }>({ type: 'object', properties: { name: { type: 'string' } } });
 */
export function jsonSchema<T = unknown>(schema: JsonSchemaType) {
  return fromJsonSchema<T>(schema, JSON_SCHEMA_VALIDATOR);
}
