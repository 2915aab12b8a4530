// The reference server's documented test hook, `publish_event` (`{ type, data?, target: global|session }`),
// as the streaming checks use it on a 2025 session opened over the wire: finding it (or skipping without
// it), publishing through it, and recognising what it published when a stream carries it.
import { randomUUID } from 'node:crypto';
import type { Client as ModernClient } from '@modelcontextprotocol/client';
import { isRecord } from '../guards.js';
import { brief, check, describeResponse, fail, readResponse, textOf } from './assert.js';
import { post, type RawSession } from './mcp.js';
import type { StreamedMessage } from './session-stream.js';
import type { TestContext } from './types.js';

/** The reference server's documented test hook. */
export const HOOK = 'publish_event';
/** Why a check that needs the hook is skipped without it. */
export const NO_HOOK =
  `the server has no documented publish hook (no ${HOOK} tool, as the reference server offers with ` +
  'PUBLISH_TOOL=true), so no event can be published on demand';

/** An event type no other run uses. */
export function uniqueType(label: string): string {
  return `lambda-mcp-client.${label}.${randomUUID()}`;
}

/** The published event a streamed `notifications/message` carries as its data, if any. */
export function publishedEvent(streamed: StreamedMessage): Record<string, unknown> | undefined {
  if (streamed.message.method !== 'notifications/message') return undefined;
  const data = streamed.message.params?.data;
  return isRecord(data) ? data : undefined;
}

/** Matches the streamed published event of `type`. */
export function ofType(type: string) {
  return (streamed: StreamedMessage) => publishedEvent(streamed)?.type === type;
}

let requests = 0;

/** A raw JSON-RPC request on a 2025 session; resolves its result (a rule: it must have one). */
export async function rpc(
  ctx: TestContext,
  session: RawSession,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const id = `lambda-mcp-client-${++requests}`;
  const read = await readResponse(await post(ctx, { jsonrpc: '2.0', id, method, params }, session.headers));
  check(read.status === 200 && read.message?.result, `${method} must answer a result`, () =>
    describeResponse(read),
  );
  return read.message.result;
}

/** Skips the test unless the session's tools/list offers the publish hook. */
export async function requireHook(ctx: TestContext, session: RawSession): Promise<void> {
  const capabilities = session.result.capabilities;
  if (!isRecord(capabilities) || !capabilities.tools) ctx.skip(NO_HOOK);
  let cursor: unknown;
  for (let page = 0; page < 50; page++) {
    const result = await rpc(ctx, session, 'tools/list', cursor === undefined ? {} : { cursor });
    const tools = Array.isArray(result.tools) ? result.tools : [];
    if (tools.some((tool) => isRecord(tool) && tool.name === HOOK)) return;
    cursor = result.nextCursor;
    if (typeof cursor !== 'string' || cursor === '') break;
  }
  ctx.skip(NO_HOOK);
}

/** Whether a v2 client's tools/list (every page until it is found) offers the hook. */
export async function modernOffersHook(
  client: ModernClient,
  options: { signal: AbortSignal; timeout: number },
): Promise<boolean> {
  let hooked = false;
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
    hooked ||= page.tools.some((tool) => tool.name === HOOK);
    cursor = page.nextCursor;
  } while (!hooked && cursor);
  return hooked;
}

/** Publishes an event through the hook; resolves the id the hook reports (if any). */
export async function publish(
  ctx: TestContext,
  session: RawSession,
  args: { type: string; target?: 'global' | 'session'; data?: Record<string, unknown> },
): Promise<string | undefined> {
  const result = await rpc(ctx, session, 'tools/call', { name: HOOK, arguments: args });
  if (result.isError === true) {
    fail(`${HOOK} ${brief(args, 120)} must publish the event`, `an error result: ${textOf(result.content)}`);
  }
  const structured = result.structuredContent;
  return isRecord(structured) && typeof structured.id === 'string' ? structured.id : undefined;
}
