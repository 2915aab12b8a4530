// A 2025 session on the v1 `@modelcontextprotocol/sdk` client: `initialize` offers exactly the chosen
// revision (and the session is refused when the server answers another), elicitations are answered through
// `onElicit`, notifications arrive on the session's streams, and `close` ends the session with DELETE.
import type * as V2 from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_INFO, type FetchFn, pinInitialize } from '../sdk.js';
import { CLIENT_CAPABILITIES, elicitationHandler, notificationSink } from './routing.js';
import type { Elicit, McpSession, OnEvent } from './types.js';

/** Opens a 2025 session of `version` at `url`; rejects when the server negotiates another revision. */
export async function openLegacy(
  url: URL,
  version: string,
  fetchFn: FetchFn,
  elicit: Elicit,
  onEvent: OnEvent,
): Promise<McpSession> {
  const client = new V1Client(CLIENT_INFO, { capabilities: CLIENT_CAPABILITIES });
  client.setRequestHandler(ElicitRequestSchema, elicitationHandler(elicit, 'elicitation/create'));
  client.fallbackNotificationHandler = notificationSink(onEvent);
  const transport = new V1Transport(url, { fetch: pinInitialize(fetchFn, version) });
  await client.connect(transport);
  const negotiated = transport.protocolVersion;
  if (negotiated !== version) {
    await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
    throw new Error(`the server answered initialize with ${negotiated ?? 'no version'}, not ${version}`);
  }

  // The v1 SDK's result types are its own; their shapes are the v2 types the session hands out.
  return {
    era: 'legacy',
    listTools: async (opts) => {
      if (!client.getServerCapabilities()?.tools) return [];
      return (await client.listTools(undefined, opts)).tools as V2.Tool[];
    },
    callTool: async (name, args, opts) =>
      (await client.callTool({ name, arguments: args }, undefined, opts)) as V2.CallToolResult,
    listResources: async (opts) => {
      if (!client.getServerCapabilities()?.resources) return { resources: [], templates: [] };
      const [resources, templates] = await Promise.all([
        client.listResources(undefined, opts),
        client.listResourceTemplates(undefined, opts),
      ]);
      return {
        resources: resources.resources as V2.Resource[],
        templates: templates.resourceTemplates as V2.ResourceTemplateType[],
      };
    },
    readResource: async (uri, opts) => (await client.readResource({ uri }, opts)) as V2.ReadResourceResult,
    listPrompts: async (opts) => {
      if (!client.getServerCapabilities()?.prompts) return [];
      return (await client.listPrompts(undefined, opts)).prompts as V2.Prompt[];
    },
    getPrompt: async (name, args, opts) =>
      (await client.getPrompt({ name, arguments: args }, opts)) as V2.GetPromptResult,
    info: () => {
      const server = client.getServerVersion();
      const instructions = client.getInstructions();
      return {
        era: 'legacy',
        ...(negotiated && { protocolVersion: negotiated }),
        ...(server && { serverInfo: server }),
        ...(transport.sessionId && { sessionId: transport.sessionId }),
        ...(client.getServerCapabilities() && {
          capabilities: client.getServerCapabilities() as V2.ServerCapabilities,
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
