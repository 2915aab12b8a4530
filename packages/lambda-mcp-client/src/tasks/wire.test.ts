// The Tasks extension's request shapes: the extension declared in the `_meta` client capabilities (or not),
// and the SEP's routing headers (`Mcp-Method`, `Mcp-Name: <taskId>`).
import { describe, expect, it } from 'vitest';
import { pollInterval } from './follow.js';
import { isTerminal, TASKS_EXTENSION, taskRequest } from './wire.js';

type Meta = { _meta: Record<string, { extensions?: Record<string, unknown>; elicitation?: unknown }> };

describe('taskRequest', () => {
  it('routes tasks/get by its taskId and declares the extension', () => {
    const { headers, message } = taskRequest('tasks/get', { taskId: 'abc' });
    expect(headers['mcp-method']).toBe('tasks/get');
    expect(headers['mcp-name']).toBe('abc');
    expect(headers['mcp-protocol-version']).toBe('2026-07-28');
    const params = message.params as Meta & { taskId: string };
    expect(params.taskId).toBe('abc');
    const capabilities = params._meta['io.modelcontextprotocol/clientCapabilities'];
    expect(capabilities?.extensions).toEqual({ [TASKS_EXTENSION]: {} });
    expect(capabilities?.elicitation).toEqual({ form: {}, url: {} });
  });

  it('routes tools/call by the tool name; leaves the extension out or the name header out on request', () => {
    expect(taskRequest('tools/call', { name: 'slow', arguments: {} }).headers['mcp-name']).toBe('slow');
    const bare = taskRequest('tasks/cancel', { taskId: 'abc' }, { declare: false, name: 'other' });
    expect(bare.headers['mcp-name']).toBe('other');
    const meta = (bare.message.params as Meta)._meta['io.modelcontextprotocol/clientCapabilities'];
    expect(meta?.extensions).toBeUndefined();
    expect(taskRequest('tasks/list', {}, { name: null }).headers['mcp-name']).toBeUndefined();
  });
});

describe('task statuses and polling', () => {
  it('knows the terminal statuses', () => {
    expect(['completed', 'cancelled', 'failed'].every(isTerminal)).toBe(true);
    expect(['working', 'input_required', 'done'].some(isTerminal)).toBe(false);
  });

  it('honours pollIntervalMs within bounds, 1 s when none is given', () => {
    const task = { taskId: 't', status: 'working' as const };
    expect(pollInterval({ ...task, pollIntervalMs: 250 })).toBe(250);
    expect(pollInterval(task)).toBe(1000);
    expect(pollInterval({ ...task, pollIntervalMs: 0 })).toBe(10);
    expect(pollInterval({ ...task, pollIntervalMs: 86_400_000 })).toBe(60_000);
  });
});
