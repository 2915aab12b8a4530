// `lambda-mcp-client connect --url URL`: an interactive session on one server, on a readline with history
// and Tab completion (commands, tool, prompt and resource names). The server's requests for input
// (2025 elicitations, 2026-07-28 MRTR) are asked on the same readline. Piped stdin works too (no TTY).
import { createInterface } from 'node:readline';
import type { ConnectOptions } from '../options.js';
import { colorFor, styles } from '../runner/style.js';
import {
  type ElicitationAnswer,
  type ElicitationRequest,
  type McpSession,
  openSession,
  type SessionEvent,
} from '../session.js';
import { describeError } from './call.js';
import {
  type CommandContext,
  completerFor,
  type Names,
  refreshNames,
  runCommand,
  tailEvents,
} from './connect/commands.js';
import { askUser } from './connect/elicitation.js';
import { formatBacklog, formatEvent, serverName } from './connect/format.js';
import { HISTORY_LIMIT, historyFile, loadHistory, saveHistory } from './connect/history.js';
import { clearLine, INTERRUPTED, LineQueue, type Terminal } from './connect/line-queue.js';

export { COMMANDS } from './connect/commands.js';
export { parseField } from './connect/elicitation.js';
export { formatContent, formatEvent } from './connect/format.js';

/** Most notifications kept while nobody looks at them. */
const EVENT_BACKLOG_LIMIT = 1000;

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
  const names: Names = { tools: [], prompts: [], resources: [] };
  const file = interactive ? historyFile() : undefined;
  const previous = loadHistory(file);
  const entered: string[] = [];
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    completer: completerFor(names),
    history: [...previous].reverse(),
    historySize: HISTORY_LIMIT,
    removeHistoryDuplicates: true,
  });
  const lines = new LineQueue(rl, interactive);
  const term: Terminal = { rl, lines, interactive, out, write };
  const promptText = `${out.cyan('mcp')}${out.dim('>')} `;

  // Notifications: printed at once while a command runs or `events` tails, kept for `events` otherwise.
  const backlog: SessionEvent[] = [];
  let live = false;
  let announced = 0;
  let connected: McpSession | undefined;
  const onEvent = (event: SessionEvent) => {
    const listChanged = /^notifications\/(tools|prompts|resources)\/list_changed$/.test(event.method);
    if (listChanged && connected) refreshNames(connected, names);
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
    const answer = asking.then(() => askUser(request, term));
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
      auth: options,
      onElicit,
      onEvent,
    });
  } catch (error) {
    warn(`lambda-mcp-client connect: could not connect to ${options.url.href}: ${describeError(error)}`);
    rl.close();
    return 1;
  }

  connected = session;
  refreshNames(session, names);

  const info = session.info();
  const how = info.sessionId
    ? `${info.protocolVersion} session ${info.sessionId}`
    : `${info.protocolVersion} (stateless: no session)`;
  const banner = `Connected to ${out.bold(serverName(info) ?? 'the server')} at ${options.url.href}, ${how}.\n`;
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
      clearLine(rl);
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

  const context: CommandContext = { ...term, session, names };
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
  saveHistory(file, previous, entered);
  rl.close();
  return 0;
}
