// cachedJsonSchema: the same JSON Schema and validation as the schema it wraps, converted once per direction
// and target, each caller getting its own copy; and an SDK server built per request lists and checks tools
// with it exactly as with the bare schema.
import { McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { cachedJsonSchema } from './schema-cache.js';

const Output = z.object({ count: z.number().int(), note: z.string().optional() });
const TARGET = { target: 'draft-2020-12' } as const;

describe('cachedJsonSchema', () => {
  it('converts once per direction and target, and hands out copies equal to the bare conversion', () => {
    const convert = vi.spyOn(Output['~standard'].jsonSchema, 'output');
    const cached = cachedJsonSchema(Output);
    const first = cached['~standard'].jsonSchema.output(TARGET);
    const second = cached['~standard'].jsonSchema.output(TARGET);
    expect(convert).toHaveBeenCalledTimes(1);
    convert.mockRestore();
    expect(first).toEqual(Output['~standard'].jsonSchema.output(TARGET));
    expect(second).toEqual(first);
    first.mutated = true; // one request's copy never leaks into the next
    expect(cached['~standard'].jsonSchema.output(TARGET)).not.toHaveProperty('mutated');
    expect(cached['~standard'].jsonSchema.input({ target: 'draft-07' })).toEqual(
      Output['~standard'].jsonSchema.input({ target: 'draft-07' }),
    );
  });

  it("keeps the schema's validation and its own methods", async () => {
    const cached = cachedJsonSchema(Output);
    expect(await cached['~standard'].validate({ count: 2 })).toEqual({ value: { count: 2 } });
    const refused = await cached['~standard'].validate({ count: 1.5 });
    expect('issues' in refused && refused.issues?.length).toBeGreaterThan(0);
    expect(cached.parse({ count: 3, note: 'x' })).toEqual({ count: 3, note: 'x' });
    expect(cached.shape.count).toBe(Output.shape.count);
  });

  it('serves tools/list and tools/call of a fresh server per request the same as the bare schema', async () => {
    const call = async (input: z.ZodType, output: z.ZodType, method: string, params: object) => {
      const server = new McpServer({ name: 's', version: '1' });
      server.registerTool(
        'count',
        { inputSchema: input as typeof Output, outputSchema: output as typeof Output },
        async (args) => ({
          content: [{ type: 'text', text: 'ok' }],
          structuredContent: { count: args.count + 1 },
        }),
      );
      const { Client } = await import('@modelcontextprotocol/client');
      const { InMemoryTransport } = await import('@modelcontextprotocol/server');
      const [a, b] = InMemoryTransport.createLinkedPair();
      await server.connect(a);
      const client = new Client({ name: 'c', version: '1' });
      await client.connect(b);
      const result =
        method === 'tools/list' ? await client.listTools() : await client.callTool(params as never);
      await client.close();
      return result;
    };
    const bare = [Output, Output] as const;
    const cached = [cachedJsonSchema(Output), cachedJsonSchema(Output)] as const;
    expect(await call(...cached, 'tools/list', {})).toEqual(await call(...bare, 'tools/list', {}));
    const params = { name: 'count', arguments: { count: 1 } };
    expect(await call(...cached, 'tools/call', params)).toEqual(await call(...bare, 'tools/call', params));
    const bad = { name: 'count', arguments: { count: 'one' } };
    expect(await call(...cached, 'tools/call', bad)).toEqual(await call(...bare, 'tools/call', bad));
  });
});
