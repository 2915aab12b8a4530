// The `connect` REPL's commands: the table that `help` prints and Tab completes, and a handler per command
// (list and call tools, list and read resources, list and get prompts, info, help), plus `events`, which
// tails the session's notifications.
import type { Styles } from '../../runner/style.js';
import type { McpSession, RequestOpts } from '../../session.js';
import { parseArguments } from '../call.js';
import {
  formatCallResult,
  formatContents,
  formatHelp,
  formatInfo,
  formatPromptResult,
  formatPrompts,
  formatResources,
  formatTools,
} from './format.js';
import type { Terminal } from './line-queue.js';

/** The REPL's commands, their argument synopsis and what they do (the `help` text). */
export const COMMANDS = [
  ['tools', '', 'list the tools'],
  ['call', '<tool> [json]', 'call a tool with a JSON object of arguments (default {})'],
  ['resources', '', 'list the resources and resource templates'],
  ['read', '<uri>', 'read a resource'],
  ['prompts', '', 'list the prompts'],
  ['get', '<prompt> [json]', 'get a prompt with a JSON object of string arguments'],
  ['events', '[seconds]', "show the server's notifications, then tail them (Enter stops; or for N seconds)"],
  ['info', '', 'server, protocol revision, session id, capabilities'],
  ['help', '', 'this list'],
  ['quit', '', 'end the session (DELETE for a 2025 session) and exit; also exit, Ctrl-D'],
] as const;

const COMMAND_NAMES = [...COMMANDS.map(([name]) => name), 'exit'];

/** The names Tab completes after `call`, `get` and `read`, refreshed by the listings and list changes. */
export interface Names {
  tools: string[];
  prompts: string[];
  resources: string[];
}

/** What a command needs. */
export interface CommandContext extends Terminal {
  session: McpSession;
  names: Names;
}

/** Which names complete the word after a command. */
const COMPLETED = new Map<string, keyof Names>([
  ['call', 'tools'],
  ['get', 'prompts'],
  ['read', 'resources'],
]);

/** Tab completion: a command name, or the name of what the command takes. */
export function completerFor(names: Names): (line: string) => [string[], string] {
  return (line) => {
    const match = /^(\S*)(\s+)?(\S*)$/.exec(line);
    if (!match) return [[], line];
    const [, command = '', space, word = ''] = match;
    if (!space) {
      const hits = COMMAND_NAMES.filter((name) => name.startsWith(command)).map((name) => `${name} `);
      return [hits, command];
    }
    const kind = COMPLETED.get(command);
    const pool = kind ? names[kind] : [];
    return [pool.filter((name) => name.startsWith(word)), word];
  };
}

/** `<name> [json]`: the name and the JSON object of arguments after it; `usage` when the name is missing. */
function nameAndArguments(rest: string, usage: string): [string, Record<string, unknown>] {
  const [, name, json = ''] = /^(\S+)\s*([\s\S]*)$/.exec(rest) ?? [];
  if (!name) throw new Error(usage);
  const args = parseArguments(json);
  if (args instanceof Error) throw args;
  return [name, args];
}

/** What each list holds. */
interface Lists {
  tools: Awaited<ReturnType<McpSession['listTools']>>;
  prompts: Awaited<ReturnType<McpSession['listPrompts']>>;
  resources: Awaited<ReturnType<McpSession['listResources']>>;
}

/** How a list is fetched, which of its names Tab completes, and how its command shows it. */
interface Listing<T> {
  fetch: (session: McpSession, opts?: RequestOpts) => Promise<T>;
  names: (list: T) => string[];
  format: (list: T, out: Styles) => string;
}

const LISTINGS: { [K in keyof Lists]: Listing<Lists[K]> } = {
  tools: {
    fetch: (session, opts) => session.listTools(opts),
    names: (tools) => tools.map((tool) => tool.name),
    format: formatTools,
  },
  prompts: {
    fetch: (session, opts) => session.listPrompts(opts),
    names: (prompts) => prompts.map((prompt) => prompt.name),
    format: formatPrompts,
  },
  resources: {
    fetch: (session, opts) => session.listResources(opts),
    names: ({ resources }) => resources.map((resource) => resource.uri),
    format: ({ resources, templates }, out) => formatResources(resources, templates, out),
  },
};

/** Fetches a list and keeps its names for Tab completion. */
async function fetchList<K extends keyof Lists>(
  kind: K,
  session: McpSession,
  names: Names,
  opts?: RequestOpts,
): Promise<Lists[K]> {
  const listing: Listing<Lists[K]> = LISTINGS[kind];
  const list = await listing.fetch(session, opts);
  names[kind] = listing.names(list);
  return list;
}

/** Refreshes every name Tab completes, in the background (at the start, and when a list changed). */
export function refreshNames(session: McpSession, names: Names): void {
  void Promise.allSettled(
    (['tools', 'prompts', 'resources'] as const).map((kind) => fetchList(kind, session, names)),
  );
}

type Handler = (rest: string, ctx: CommandContext, signal: AbortSignal) => Promise<void>;

/** A listing command: fetches the list (keeping its names) and shows it. */
function listingCommand<K extends keyof Lists>(kind: K): Handler {
  return async (_rest, ctx, signal) => {
    const listing: Listing<Lists[K]> = LISTINGS[kind];
    ctx.write(listing.format(await fetchList(kind, ctx.session, ctx.names, { signal }), ctx.out));
  };
}

const HANDLERS = new Map<string, Handler>([
  ['tools', listingCommand('tools')],
  [
    'call',
    async (rest, ctx, signal) => {
      const [tool, args] = nameAndArguments(rest, 'usage: call <tool> [json], e.g. call session_info {}');
      ctx.write(formatCallResult(await ctx.session.callTool(tool, args, { signal }), ctx.out));
    },
  ],
  ['resources', listingCommand('resources')],
  [
    'read',
    async (rest, ctx, signal) => {
      const uri = rest.trim();
      if (!uri) throw new Error('usage: read <uri>');
      ctx.write(formatContents((await ctx.session.readResource(uri, { signal })).contents, ctx.out));
    },
  ],
  ['prompts', listingCommand('prompts')],
  [
    'get',
    async (rest, ctx, signal) => {
      const usage = 'usage: get <prompt> [json], e.g. get summarize {"topic": "lambda"}';
      const [prompt, args] = nameAndArguments(rest, usage);
      const strings = Object.fromEntries(
        Object.entries(args).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
      ctx.write(formatPromptResult(await ctx.session.getPrompt(prompt, strings, { signal }), ctx.out));
    },
  ],
  ['info', async (_rest, ctx) => ctx.write(formatInfo(ctx.session.info(), ctx.out))],
  ['help', async (_rest, ctx) => ctx.write(formatHelp(COMMANDS, ctx.out))],
]);

/** Runs one REPL command (everything but `events` and `quit`). */
export async function runCommand(
  command: string,
  rest: string,
  ctx: CommandContext,
  signal: AbortSignal,
): Promise<void> {
  const handler = HANDLERS.get(command);
  if (!handler) throw new Error(`unknown command '${command}': type help for the list`);
  await handler(rest, ctx, signal);
}

/** `events [seconds]`: tails the session's notifications until Enter, for N seconds, or (piped) not at all. */
export async function tailEvents(rest: string, ctx: CommandContext): Promise<void> {
  const { out, write } = ctx;
  const text = rest.trim();
  const seconds = text ? Number(text) : undefined;
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new Error('usage: events [seconds]');
  }
  const source = await ctx.session.events();
  if (seconds !== undefined && seconds > 0) {
    write(`${out.dim(`Tailing ${source} for ${seconds} s…`)}\n`);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } else if (ctx.interactive && seconds === undefined) {
    write(`${out.dim(`Tailing ${source}; press Enter to stop.`)}\n`);
    await ctx.lines.next('', true);
  } else {
    write(`${out.dim(`Notifications come on ${source}.`)}\n`);
  }
}
