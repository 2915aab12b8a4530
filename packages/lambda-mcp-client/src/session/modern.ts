// A 2026-07-28 session on the v2 `@modelcontextprotocol/client`, pinned to that revision: stateless (no
// session id), lists fetched fresh, MRTR input requests answered through `onElicit`, and notifications from
// a `subscriptions/listen` stream opened on the first `events`.
import {
  type McpSubscription,
  type SubscriptionFilter,
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client';
import { CLIENT_INFO, type FetchFn, MODERN_VERSION } from '../sdk.js';
import { CLIENT_CAPABILITIES, elicitationHandler, notificationSink } from './routing.js';
import type { Elicit, McpSession, OnEvent } from './types.js';

const NOTHING_TO_LISTEN_TO =
  'This server offers nothing to listen to on 2026-07-28: its capabilities declare no list changes ' +
  '(tools, prompts, resources listChanged) and no resource subscriptions, so it opens no ' +
  'subscriptions/listen stream. (2026-07-28 has no session stream; log messages of a call arrive ' +
  'with its answer.)';

/** Connects the v2 client to `url`; rejects when the server does not speak 2026-07-28. */
export async function openModern(
  url: URL,
  fetchFn: FetchFn,
  elicit: Elicit,
  onEvent: OnEvent,
): Promise<McpSession> {
  const client = new V2Client(CLIENT_INFO, {
    capabilities: CLIENT_CAPABILITIES,
    versionNegotiation: { mode: { pin: MODERN_VERSION } },
  });
  // In the 2026-07-28 era the client fulfils `input_required` results through this same handler.
  client.setRequestHandler('elicitation/create', elicitationHandler(elicit, 'input_required'));
  client.fallbackNotificationHandler = notificationSink(onEvent);
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
    if (Object.keys(filter).length === 0) throw new Error(NOTHING_TO_LISTEN_TO);
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

  // Lists are fetched fresh each time (the REPL shows what the server has now), reads bypass the cache.
  const fresh = { cacheMode: 'refresh' } as const;
  return {
    era: 'modern',
    listTools: async (opts) => {
      if (!client.getServerCapabilities()?.tools) return [];
      return (await client.listTools(undefined, { ...opts, ...fresh })).tools;
    },
    callTool: (name, args, opts) => client.callTool({ name, arguments: args }, opts),
    listResources: async (opts) => {
      if (!client.getServerCapabilities()?.resources) return { resources: [], templates: [] };
      const [resources, templates] = await Promise.all([
        client.listResources(undefined, { ...opts, ...fresh }),
        client.listResourceTemplates(undefined, { ...opts, ...fresh }),
      ]);
      return { resources: resources.resources, templates: templates.resourceTemplates };
    },
    readResource: (uri, opts) => client.readResource({ uri }, { ...opts, cacheMode: 'bypass' }),
    listPrompts: async (opts) => {
      if (!client.getServerCapabilities()?.prompts) return [];
      return (await client.listPrompts(undefined, { ...opts, ...fresh })).prompts;
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
