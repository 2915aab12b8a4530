// JSON Schema work for the tools checks: compiling a tool's schemas with the SDK's own Ajv validator provider,
// and making minimal valid arguments from an inputSchema (its `examples`, or required properties with
// defaults, enums' first values and type-appropriate values), checked against the schema before use.
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import { isRecord } from '../guards.js';

type Schema = Record<string, unknown>;

/** Checks `data` against a compiled schema: `undefined` when valid, else the validator's message. */
export type SchemaCheck = (data: unknown) => string | undefined;

const provider = new AjvJsonSchemaValidator();

/** Compiles `schema` with the SDK's Ajv provider; throws when it is not valid JSON Schema. */
export function compileSchema(schema: unknown): SchemaCheck {
  if (!isRecord(schema)) throw new Error(`a schema must be a JSON object (got ${typeof schema})`);
  const validate = provider.getValidator(schema as Parameters<typeof provider.getValidator>[0]);
  return (data) => {
    const result = validate(data);
    return result.valid ? undefined : result.errorMessage;
  };
}

/** Arguments for a call, and where they came from. */
export type GeneratedArguments =
  | { ok: true; args: Record<string, unknown>; source: 'schema examples' | 'generated from the inputSchema' }
  | { ok: false; reason: string };

/**
 * Minimal arguments valid against `inputSchema`: its first `examples` entry when it has one, otherwise the
 * required properties (plus optional ones that declare a default) with generated values.
 *
 * @example
 * argumentsFor({ type: 'object', properties: { n: { type: 'integer', minimum: 2 } }, required: ['n'] });
 * // { ok: true, args: { n: 2 }, source: 'generated from the inputSchema' }
 */
export function argumentsFor(inputSchema: unknown): GeneratedArguments {
  let check: SchemaCheck;
  try {
    check = compileSchema(inputSchema);
  } catch (error) {
    return { ok: false, reason: `its inputSchema does not compile: ${(error as Error).message}` };
  }
  const schema = inputSchema as Schema;
  const examples = Array.isArray(schema.examples) ? schema.examples.filter(isRecord) : [];
  for (const example of examples) {
    if (check(example) === undefined) return { ok: true, args: example, source: 'schema examples' };
  }
  const generated = valueFor(schema, schema, 0);
  const args = isRecord(generated) ? generated : {};
  const problem = check(args);
  if (problem !== undefined) {
    return {
      ok: false,
      reason: `no valid arguments could be generated from its inputSchema (${JSON.stringify(args)}: ${problem})`,
    };
  }
  return { ok: true, args, source: 'generated from the inputSchema' };
}

/** Resolves a local `$ref` (`#/$defs/x`, `#/definitions/x`) against the root schema. */
function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(part.replaceAll('~1', '/').replaceAll('~0', '~'));
    node = isRecord(node) ? node[key] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

const FORMATS: Record<string, string> = {
  'date-time': '2026-01-01T00:00:00Z',
  date: '2026-01-01',
  time: '00:00:00Z',
  email: 'test@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function valueFor(schema: Schema, root: Schema, depth: number): unknown {
  if (depth > 8) return null;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    return target ? valueFor(target, root, depth + 1) : null;
  }
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = Array.isArray(schema[key]) ? (schema[key] as unknown[]).filter(isRecord) : [];
    const branch = branches.find((b) => b.type !== 'null') ?? branches[0];
    if (branch) return valueFor(branch, root, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf.filter(isRecord)) {
      Object.assign(merged.properties as Schema, isRecord(part.properties) ? part.properties : {});
      if (Array.isArray(part.required)) (merged.required as unknown[]).push(...part.required);
    }
    return valueFor(merged, root, depth + 1);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type =
    types.find((t) => typeof t === 'string' && t !== 'null') ??
    (types.includes('null') ? 'null' : undefined) ??
    (isRecord(schema.properties) ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required)
        ? schema.required.filter((k) => typeof k === 'string')
        : [];
      const value: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(properties)) {
        if (!isRecord(property)) continue;
        if (required.includes(key)) value[key] = valueFor(property, root, depth + 1);
        else if ('default' in property) value[key] = property.default;
      }
      for (const key of required) if (!(key in value)) value[key] = 'test';
      return value;
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = isRecord(schema.items) ? schema.items : {};
      return Array.from({ length: count }, () => valueFor(items, root, depth + 1));
    }
    case 'integer':
    case 'number':
      return numberFor(schema, type === 'integer');
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string': {
      if (typeof schema.format === 'string' && FORMATS[schema.format]) return FORMATS[schema.format];
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
      const text = 'test'.padEnd(min, 'x');
      return text.slice(0, Math.max(min, Math.min(text.length, max)));
    }
    default:
      return null;
  }
}

function numberFor(schema: Schema, integer: boolean): number {
  const num = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  let value =
    num('minimum') ?? (num('exclusiveMinimum') !== undefined ? (num('exclusiveMinimum') as number) + 1 : 0);
  const max =
    num('maximum') ??
    (num('exclusiveMaximum') !== undefined ? (num('exclusiveMaximum') as number) - 1 : undefined);
  if (max !== undefined && value > max) value = max;
  const multipleOf = num('multipleOf');
  if (multipleOf) value = Math.ceil(value / multipleOf) * multipleOf;
  return integer ? Math.ceil(value) : value;
}
