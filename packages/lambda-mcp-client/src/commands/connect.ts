// `lambda-mcp-client connect --url URL`: an interactive session on one server, on a readline with history
// and Tab completion (commands, tool, prompt and resource names). The server's requests for input
// (2025 elicitations, 2026-07-28 MRTR) are asked on the same readline. Piped stdin works too (no TTY).
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { ConnectOptions } from '../options.js';
import { colorFor, type Styles, styles } from '../runner/style.js';
import {
  type ElicitationAnswer,
  type ElicitationField,
  type ElicitationRequest,
  type McpSession,
  openSession,
  type SessionEvent,
} from '../session.js';
import { describeError, parseArguments } from './call.js';

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

/** Most history lines kept in the history file. */
const HISTORY_LIMIT = 500;
/** Most notifications kept while nobody looks at them. */
const EVENT_BACKLOG_LIMIT = 1000;

type Palette = Styles;

/** Where history is kept: LAMBDA_MCP_CLIENT_HISTORY (empty: nowhere), else ~/.lambda_mcp_client_history. */
function historyFile(): string | undefined {
  const configured = process.env.LAMBDA_MCP_CLIENT_HISTORY;
  if (configured !== undefined) return configured || undefined;
  return join(homedir(), '.lambda_mcp_client_history');
}

function loadHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_LIMIT);
  } catch {
    return [];
  }
}

/** Resolved instead of a line when the user pressed Ctrl-C while asked something. */
const INTERRUPTED = Symbol('interrupted');
type Read = string | null | typeof INTERRUPTED;

/**
 * The lines of stdin, handed out in order to whoever asks: the REPL loop, or (first) a pending question
 * of the server. Lines typed ahead (or piped) wait in a buffer; `null` means end of input.
 */
class LineQueue {
  private readonly buffered: string[] = [];
  private readonly waiters: { resolve: (line: Read) => void; prompt: string; question: boolean }[] = [];
  private ended = false;

  constructor(
    private readonly rl: Interface,
    private readonly interactive: boolean,
  ) {
    rl.on('line', (line) => {
      const waiter = this.waiters.shift();
      if (!waiter) {
        this.buffered.push(line);
        return;
      }
      waiter.resolve(line);
      this.showPrompt();
    });
    rl.on('close', () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
    });
  }

  /** The next line; a `question` (the server asking) goes before the REPL's own wait. */
  next(prompt: string, question = false): Promise<Read> {
    const line = this.buffered.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = { resolve, prompt, question };
      if (question) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.showPrompt();
    });
  }

  /** Whether a question of the server is waiting for its answer. */
  get asking(): boolean {
    return this.waiters[0]?.question ?? false;
  }

  /** Whether the REPL's prompt is on screen, waiting for a command. */
  get idle(): boolean {
    return this.waiters.some((waiter) => !waiter.question);
  }

  /** Answers the pending question with INTERRUPTED (Ctrl-C). */
  interrupt(): void {
    if (!this.asking) return;
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.rl.write(null, { ctrl: true, name: 'u' });
    process.stdout.write('\n');
    this.waiters.shift()?.resolve(INTERRUPTED);
    this.showPrompt();
  }

  private showPrompt(): void {
    const waiter = this.waiters[0];
    if (!this.interactive || !waiter) return;
    this.rl.setPrompt(waiter.prompt);
    this.rl.prompt(true);
  }
}

/**
 * Runs the interactive session until `quit`, `exit` or end of input; resolves the exit code: 0 after a
 * clean end, 1 when the connection could not be made.
 */
export async function runConnect(options: ConnectOptions): Promise<number> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const out = styles(colorFor(process.stdout));
  const err = styles(colorFor(process.stderr));
  const write = (text: string) => process.stdout.write(text);
  const warn = (text: string) => process.stderr.write(`${err.red(text)}\n`);

  // Names offered by Tab completion, refreshed by `tools`, `prompts`, `resources` and list changes.
  const names = { tools: [] as string[], prompts: [] as string[], resources: [] as string[] };
  const completer = (line: string): [string[], string] => {
    const match = /^(\S*)(\s+)?(\S*)$/.exec(line);
    if (!match) return [[], line];
    const [, command = '', space, word = ''] = match;
    if (!space) {
      const hits = COMMAND_NAMES.filter((name) => name.startsWith(command)).map((name) => `${name} `);
      return [hits, command];
    }
    const pool =
      command === 'call'
        ? names.tools
        : command === 'get'
          ? names.prompts
          : command === 'read'
            ? names.resources
            : [];
    return [pool.filter((name) => name.startsWith(word)), word];
  };

  const file = interactive ? historyFile() : undefined;
  const previous = loadHistory(file);
  const entered: string[] = [];
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    completer,
    history: [...previous].reverse(),
    historySize: HISTORY_LIMIT,
    removeHistoryDuplicates: true,
  });
  const lines = new LineQueue(rl, interactive);
  const promptText = `${out.cyan('mcp')}${out.dim('>')} `;

  // Notifications: printed at once while a command runs or `events` tails, kept for `events` otherwise.
  const backlog: SessionEvent[] = [];
  let live = false;
  let announced = 0;
  let refreshNames: (() => void) | undefined;
  const onEvent = (event: SessionEvent) => {
    if (/^notifications\/(tools|prompts|resources)\/list_changed$/.test(event.method)) refreshNames?.();
    if (live) {
      write(`${formatEvent(event, out)}\n`);
      return;
    }
    backlog.push(event);
    if (backlog.length > EVENT_BACKLOG_LIMIT) backlog.shift();
  };

  // The server's questions, one at a time, on the same readline.
  let asking = Promise.resolve();
  const onElicit = (request: ElicitationRequest): Promise<ElicitationAnswer> => {
    const answer = asking.then(() => askUser(request, lines, rl, interactive, out, write));
    asking = answer.then(
      () => {},
      () => {},
    );
    return answer;
  };

  let session: McpSession;
  try {
    session = await openSession(options.url, options.protocolVersion, {
      debug: options.debug,
      onElicit,
      onEvent,
    });
  } catch (error) {
    warn(`lambda-mcp-client connect: could not connect to ${options.url.href}: ${describeError(error)}`);
    rl.close();
    return 1;
  }

  refreshNames = () => {
    void Promise.allSettled([
      session.listTools().then((tools) => {
        names.tools = tools.map((tool) => tool.name);
      }),
      session.listPrompts().then((prompts) => {
        names.prompts = prompts.map((prompt) => prompt.name);
      }),
      session.listResources().then(({ resources }) => {
        names.resources = resources.map((resource) => resource.uri);
      }),
    ]);
  };
  refreshNames();

  const info = session.info();
  const server = info.serverInfo
    ? `${info.serverInfo.name} ${info.serverInfo.version ?? ''}`.trim()
    : 'the server';
  const how = info.sessionId
    ? `${info.protocolVersion} session ${info.sessionId}`
    : `${info.protocolVersion} (stateless: no session)`;
  const banner = `Connected to ${out.bold(server)} at ${options.url.href}, ${how}.\n`;
  if (interactive) write(`${banner}Type ${out.bold('help')} for the commands; Tab completes names.\n`);
  else process.stderr.write(banner);

  let running: AbortController | undefined;
  let exitPending = false;
  rl.on('SIGINT', () => {
    if (lines.asking) {
      lines.interrupt();
      return;
    }
    if (running) {
      running.abort(new Error('cancelled (Ctrl-C)'));
      return;
    }
    if (rl.line) {
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      exitPending = false;
      return;
    }
    if (exitPending) {
      write('\n');
      rl.close();
      return;
    }
    exitPending = true;
    write(`\n${out.dim('(To exit, press Ctrl-C again or Ctrl-D, or type quit)')}\n`);
    rl.prompt(true);
  });

  const context: CommandContext = { session, names, out, write, interactive, lines };
  for (;;) {
    if (interactive && backlog.length > announced) {
      write(`${out.dim(`(${backlog.length} notification(s) waiting: type events)`)}\n`);
      announced = backlog.length;
    }
    const read = await lines.next(promptText);
    if (read === null) {
      if (interactive) write('\n');
      break;
    }
    if (read === INTERRUPTED) continue;
    const line = read.trim();
    if (!line) continue;
    exitPending = false;
    entered.push(line);
    const [, command = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
    if (command === 'quit' || command === 'exit') break;
    running = new AbortController();
    live = true;
    try {
      if (command === 'events') {
        write(formatBacklog(backlog, out));
        announced = 0;
        await tailEvents(rest, context);
      } else {
        await runCommand(command, rest, context, running.signal);
      }
    } catch (error) {
      warn(`error: ${describeError(error)}`);
    } finally {
      running = undefined;
      live = false;
    }
  }

  await session.close();
  if (file && entered.length > 0) {
    try {
      writeFileSync(file, `${[...previous, ...entered].slice(-HISTORY_LIMIT).join('\n')}\n`, { mode: 0o600 });
    } catch {
      // History is a convenience: an unwritable file is no reason to fail the session.
    }
  }
  rl.close();
  return 0;
}

/** What a command needs. */
interface CommandContext {
  session: McpSession;
  names: { tools: string[]; prompts: string[]; resources: string[] };
  out: Palette;
  write: (text: string) => void;
  interactive: boolean;
  lines: LineQueue;
}

/** Runs one REPL command (everything but `events` and `quit`). */
async function runCommand(
  command: string,
  rest: string,
  ctx: CommandContext,
  signal: AbortSignal,
): Promise<void> {
  const { session, out, write } = ctx;
  switch (command) {
    case 'tools': {
      const tools = await session.listTools({ signal });
      ctx.names.tools = tools.map((tool) => tool.name);
      write(`${tools.length} tool${tools.length === 1 ? '' : 's'}:\n`);
      for (const tool of tools) {
        const schema = tool.inputSchema as { properties?: Record<string, unknown>; required?: string[] };
        const args = Object.keys(schema.properties ?? {})
          .map((name) => (schema.required?.includes(name) ? name : `${name}?`))
          .join(', ');
        write(`  ${out.bold(tool.name)}(${args})${describe(tool.title ?? tool.description, out)}\n`);
      }
      return;
    }
    case 'call': {
      const [, tool, json = ''] = /^(\S+)\s*([\s\S]*)$/.exec(rest) ?? [];
      if (!tool) throw new Error('usage: call <tool> [json], e.g. call session_info {}');
      const args = parseArguments(json);
      if (args instanceof Error) throw args;
      const result = await session.callTool(tool, args, { signal });
      if (result.isError) write(`${out.red(out.bold('error result:'))}\n`);
      const shown = formatContent(result.content as unknown[], out);
      if (shown) write(`${shown}\n`);
      if (result.structuredContent !== undefined && !result.content.some((block) => block.type === 'text')) {
        write(`${JSON.stringify(result.structuredContent, null, 2)}\n`);
      }
      return;
    }
    case 'resources': {
      const { resources, templates } = await session.listResources({ signal });
      ctx.names.resources = resources.map((resource) => resource.uri);
      write(`${resources.length} resource${resources.length === 1 ? '' : 's'}:\n`);
      for (const resource of resources) {
        const mime = resource.mimeType ? out.dim(` (${resource.mimeType})`) : '';
        write(`  ${out.bold(resource.uri)}${mime}${describe(resource.title ?? resource.name, out)}\n`);
      }
      if (templates.length > 0) {
        write(`${templates.length} template${templates.length === 1 ? '' : 's'}:\n`);
        for (const template of templates) {
          write(`  ${out.bold(template.uriTemplate)}${describe(template.title ?? template.name, out)}\n`);
        }
      }
      return;
    }
    case 'read': {
      const uri = rest.trim();
      if (!uri) throw new Error('usage: read <uri>');
      const result = await session.readResource(uri, { signal });
      for (const content of result.contents as {
        uri: string;
        mimeType?: string;
        text?: string;
        blob?: string;
      }[]) {
        write(`${out.dim(`${content.uri}${content.mimeType ? ` (${content.mimeType})` : ''}`)}\n`);
        write(
          content.text !== undefined
            ? `${content.text}\n`
            : `[blob, ${content.blob?.length ?? 0} base64 characters]\n`,
        );
      }
      return;
    }
    case 'prompts': {
      const prompts = await session.listPrompts({ signal });
      ctx.names.prompts = prompts.map((prompt) => prompt.name);
      write(`${prompts.length} prompt${prompts.length === 1 ? '' : 's'}:\n`);
      for (const prompt of prompts) {
        const args = (prompt.arguments ?? [])
          .map((arg) => (arg.required ? arg.name : `${arg.name}?`))
          .join(', ');
        write(`  ${out.bold(prompt.name)}(${args})${describe(prompt.title ?? prompt.description, out)}\n`);
      }
      return;
    }
    case 'get': {
      const [, prompt, json = ''] = /^(\S+)\s*([\s\S]*)$/.exec(rest) ?? [];
      if (!prompt) throw new Error('usage: get <prompt> [json], e.g. get summarize {"topic": "lambda"}');
      const args = parseArguments(json);
      if (args instanceof Error) throw args;
      const strings = Object.fromEntries(
        Object.entries(args).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
      const result = await session.getPrompt(prompt, strings, { signal });
      if (result.description) write(`${out.dim(result.description)}\n`);
      for (const message of result.messages) {
        write(`${out.bold(`${message.role}:`)} ${formatContent([message.content], out)}\n`);
      }
      return;
    }
    case 'info': {
      const info = session.info();
      const server = info.serverInfo;
      write(
        `${out.bold('server')}        ${server ? `${server.name} ${server.version ?? ''}`.trim() : '(anonymous)'}\n`,
      );
      write(`${out.bold('protocol')}      ${info.protocolVersion ?? '?'} (${info.era})\n`);
      write(`${out.bold('session')}       ${info.sessionId ?? 'none (2026-07-28 is stateless)'}\n`);
      write(`${out.bold('capabilities')}  ${JSON.stringify(info.capabilities ?? {})}\n`);
      if (info.supportedVersions)
        write(`${out.bold('supports')}      ${info.supportedVersions.join(', ')}\n`);
      if (info.instructions) write(`${out.bold('instructions')}  ${info.instructions}\n`);
      return;
    }
    case 'help': {
      write('Commands:\n');
      for (const [name, synopsis, text] of COMMANDS) {
        const padding = ' '.repeat(Math.max(2, 22 - name.length - synopsis.length));
        write(`  ${out.bold(name)} ${synopsis}${padding}${text}\n`);
      }
      write(
        `${out.dim('When the server asks for input, answer each field; :decline or :cancel refuses.')}\n` +
          `${out.dim('Ctrl-C cancels a running call; Ctrl-D or quit ends the session.')}\n`,
      );
      return;
    }
    default:
      throw new Error(`unknown command '${command}': type help for the list`);
  }
}

/** `events [seconds]`: tails the session's notifications until Enter, for N seconds, or (piped) not at all. */
async function tailEvents(rest: string, ctx: CommandContext): Promise<void> {
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

/** Prints and empties the notifications that arrived while nobody looked. */
function formatBacklog(backlog: SessionEvent[], out: Palette): string {
  if (backlog.length === 0) return `${out.dim('No notifications waiting.')}\n`;
  return `${backlog
    .splice(0)
    .map((event) => formatEvent(event, out))
    .join('\n')}\n`;
}

/** One notification on one line: time, method, and the log message or the params. */
export function formatEvent(event: SessionEvent, out: Palette): string {
  const time = out.dim(event.at.toISOString().slice(11, 23));
  const params = (event.params ?? {}) as Record<string, unknown>;
  if (event.method === 'notifications/message') {
    const data = typeof params.data === 'string' ? params.data : JSON.stringify(params.data);
    const logger = typeof params.logger === 'string' ? ` ${params.logger}` : '';
    return `${time} ${out.yellow(`[${String(params.level ?? 'log')}${logger}]`)} ${data}`;
  }
  const { _meta, ...shown } = params;
  const body = Object.keys(shown).length > 0 ? ` ${JSON.stringify(shown)}` : '';
  return `${time} ${out.cyan(event.method)}${body}`;
}

/** A description after a name: its first line, dimmed. */
function describe(text: string | undefined, out: Palette): string {
  const first = text?.split('\n')[0]?.trim();
  if (!first) return '';
  return `  ${out.dim(first.length > 100 ? `${first.slice(0, 99)}…` : first)}`;
}

/** Content blocks as text: text as is, other kinds as a one-line summary. */
export function formatContent(blocks: unknown[], out: Palette): string {
  return blocks
    .map((raw) => {
      const block = raw as Record<string, unknown>;
      switch (block.type) {
        case 'text':
          return String(block.text);
        case 'image':
        case 'audio':
          return out.dim(
            `[${block.type} ${String(block.mimeType)}, ${String(block.data ?? '').length} base64 characters]`,
          );
        case 'resource_link':
          return out.dim(
            `[resource link] ${String(block.uri)}${block.name ? ` (${String(block.name)})` : ''}`,
          );
        case 'resource': {
          const resource = (block.resource ?? {}) as Record<string, unknown>;
          const head = out.dim(`[resource] ${String(resource.uri)}`);
          return typeof resource.text === 'string' ? `${head}\n${resource.text}` : head;
        }
        default:
          return JSON.stringify(block);
      }
    })
    .join('\n');
}

/**
 * Asks the user what the server wants to know, on the REPL's readline: the message, then each field of a
 * form (or, for URL mode and empty forms, accept / decline / cancel). `:decline` or `:cancel` at any
 * field refuses; Ctrl-C or end of input cancels.
 */
async function askUser(
  request: ElicitationRequest,
  lines: LineQueue,
  rl: Interface,
  interactive: boolean,
  out: Palette,
  write: (text: string) => void,
): Promise<ElicitationAnswer> {
  const origin = request.via === 'input_required' ? 'The server needs input (MRTR)' : 'The server asks';
  // A question between commands (on the GET stream) starts below the prompt it interrupts.
  if (interactive && lines.idle) write('\n');
  write(`${out.yellow('?')} ${out.bold(origin)}: ${request.message}\n`);
  type Typed = { text: string } | 'decline' | 'cancel';
  const ask = async (prompt: string): Promise<Typed> => {
    const line = await lines.next(prompt, true);
    if (line === null || line === INTERRUPTED) return 'cancel';
    // An answer is not a command: keep it out of the readline history.
    const history = (rl as unknown as { history?: string[] }).history;
    if (interactive && Array.isArray(history) && history[0] === line) history.shift();
    const trimmed = line.trim();
    if (trimmed === ':decline') return 'decline';
    if (trimmed === ':cancel') return 'cancel';
    return { text: line };
  };
  const chooseAction = async (): Promise<ElicitationAnswer> => {
    for (;;) {
      const answer = await ask(`  ${out.bold('[a]ccept, [d]ecline or [c]ancel')}? `);
      if (answer === 'decline' || answer === 'cancel') return { action: answer };
      const word = answer.text.trim().toLowerCase();
      if (word === 'a' || word === 'accept' || word === '') return { action: 'accept', content: {} };
      if (word === 'd' || word === 'decline') return { action: 'decline' };
      if (word === 'c' || word === 'cancel') return { action: 'cancel' };
      write(`  ${out.red('answer a, d or c')}\n`);
    }
  };

  if (request.mode === 'url') {
    write(`  Open ${out.bold(request.url ?? '(no URL given)')}\n`);
    const answer = await chooseAction();
    return answer.action === 'accept' ? { action: 'accept' } : answer;
  }
  const properties = Object.entries(request.requestedSchema?.properties ?? {});
  if (properties.length === 0) return chooseAction();
  if (interactive) write(`${out.dim('  (answer each field; :decline or :cancel refuses)')}\n`);
  const required = new Set(request.requestedSchema?.required ?? []);
  const content: Record<string, string | number | boolean | string[]> = {};
  for (const [name, field] of properties) {
    for (;;) {
      const answer = await ask(`  ${fieldPrompt(name, field, required.has(name), out)}: `);
      if (answer === 'decline' || answer === 'cancel') return { action: answer };
      const parsed = parseField(answer.text, field, required.has(name));
      if (parsed instanceof Error) {
        write(`  ${out.red(parsed.message)}\n`);
        continue;
      }
      if (parsed !== undefined) content[name] = parsed;
      break;
    }
  }
  return { action: 'accept', content };
}

/** The choices of an enum field: value and label. */
function choicesOf(field: ElicitationField): { value: string; label: string }[] | undefined {
  const options =
    field.type === 'array' ? (field.items?.anyOf ?? field.items?.enum) : (field.oneOf ?? field.enum);
  if (!options) return undefined;
  return options.map((option, index) => {
    if (typeof option === 'object' && option !== null && 'const' in option) {
      const { const: value, title } = option as { const: unknown; title?: string };
      return { value: String(value), label: title ?? String(value) };
    }
    return { value: String(option), label: field.enumNames?.[index] ?? String(option) };
  });
}

function fieldPrompt(name: string, field: ElicitationField, required: boolean, out: Palette): string {
  const choices = choicesOf(field);
  const kind = choices
    ? `${field.type === 'array' ? 'some of' : 'one of'} ${choices.map((c, i) => `${i + 1}=${c.label}`).join(', ')}`
    : field.type === 'boolean'
      ? 'y/n'
      : (field.format ?? field.type ?? 'string');
  const notes = [kind, required ? 'required' : 'optional'];
  if (field.default !== undefined) notes.push(`default ${JSON.stringify(field.default)}`);
  const label = field.title && field.title !== name ? `${name} (${field.title})` : name;
  const description = field.description ? ` ${out.dim(field.description)}` : '';
  return `${out.bold(label)}${description} ${out.dim(`[${notes.join('; ')}]`)}`;
}

/** Parses a typed answer for a field: its value, undefined to leave it out, or an Error to ask again. */
export function parseField(
  text: string,
  field: ElicitationField,
  required: boolean,
): string | number | boolean | string[] | undefined | Error {
  const value = text.trim();
  if (value === '') {
    if (field.default !== undefined) return field.default as string | number | boolean | string[];
    return required ? new Error('a value is required (or :decline / :cancel)') : undefined;
  }
  const choices = choicesOf(field);
  const pick = (word: string): string | undefined => {
    const index = Number(word);
    if (Number.isInteger(index) && index >= 1 && index <= (choices?.length ?? 0))
      return choices?.[index - 1]?.value;
    return choices?.find((c) => c.value === word || c.label.toLowerCase() === word.toLowerCase())?.value;
  };
  if (field.type === 'array') {
    const picked = value.split(',').map((word) => word.trim());
    const values = choices ? picked.map(pick) : picked;
    if (values.some((v) => v === undefined))
      return new Error('pick among the listed choices, separated by commas');
    return values as string[];
  }
  if (choices) return pick(value) ?? new Error('pick one of the listed choices (its number or its value)');
  switch (field.type) {
    case 'boolean':
      if (/^(y|yes|true|1)$/i.test(value)) return true;
      if (/^(n|no|false|0)$/i.test(value)) return false;
      return new Error('answer y or n');
    case 'number':
    case 'integer': {
      const number = Number(value);
      if (!Number.isFinite(number)) return new Error('a number is expected');
      if (field.type === 'integer' && !Number.isInteger(number))
        return new Error('a whole number is expected');
      if (field.minimum !== undefined && number < field.minimum)
        return new Error(`at least ${field.minimum}`);
      if (field.maximum !== undefined && number > field.maximum) return new Error(`at most ${field.maximum}`);
      return number;
    }
    default:
      return value;
  }
}
