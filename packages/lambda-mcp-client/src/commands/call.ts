// `lambda-mcp-client call --url URL <tool> <json>`: one tool call for scripts. Prints the result as JSON on
// stdout; exits 0 on success, 1 on an error result or a failed call, 2 on arguments that are not JSON. With
// `--task` the call declares the Tasks extension and follows a task to its end (commands/call-task.ts).
import { isRecord } from '../guards.js';
import type { CallOptions } from '../options.js';
import { type McpSession, MODERN_VERSION, openSession } from '../session.js';

/** Exit code for a bad command line (arguments that are not a JSON object). */
export const EXIT_USAGE = 2;

/** Parses tool arguments: a JSON object, or an Error saying what is wrong with the text. */
export function parseArguments(json: string): Record<string, unknown> | Error {
  const text = json.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new Error(`the arguments are not valid JSON (${(error as Error).message}): ${text}`);
  }
  if (!isRecord(value)) {
    return new Error(`the arguments must be a JSON object, e.g. '{"key": "value"}', not: ${text}`);
  }
  return value;
}

/**
 * Calls `tool` with `json` as its arguments and prints `{ structuredContent?, content, isError? }` as
 * pretty JSON; resolves the exit code. Requests for user input are declined: `call` is not interactive.
 */
export async function runCall(tool: string, json: string, options: CallOptions): Promise<number> {
  const args = parseArguments(json);
  if (args instanceof Error) {
    process.stderr.write(`lambda-mcp-client call: ${args.message}\n`);
    return EXIT_USAGE;
  }
  if (options.cancelAfter !== undefined && !options.task) {
    process.stderr.write('lambda-mcp-client call: --cancel-after needs --task\n');
    return EXIT_USAGE;
  }
  if (options.task) {
    if (options.protocolVersion !== MODERN_VERSION) {
      process.stderr.write(
        `lambda-mcp-client call: --task needs --protocol-version ${MODERN_VERSION} (tasks are a 2026-07-28 extension)\n`,
      );
      return EXIT_USAGE;
    }
    return (await import('./call-task.js')).runTaskCall(tool, args, options);
  }
  let session: McpSession | undefined;
  try {
    session = await openSession(options.url, options.protocolVersion, {
      debug: options.debug,
      auth: options,
      onElicit: async (request) => {
        process.stderr.write(
          `lambda-mcp-client call: declined the server's request for input ("${request.message}"); ` +
            'answer it in an interactive session: lambda-mcp-client connect\n',
        );
        return { action: 'decline' };
      },
    });
    return printResult(tool, await session.callTool(tool, args));
  } catch (error) {
    process.stderr.write(`lambda-mcp-client call: ${describeError(error)}\n`);
    return 1;
  } finally {
    await session?.close();
  }
}

/** What `call` prints of a tool result. */
export interface PrintedResult {
  structuredContent?: unknown;
  content?: unknown;
  isError?: boolean;
}

/**
 * Prints `{ structuredContent?, content, isError? }` of `result` as pretty JSON on stdout; resolves the exit
 * code: 1 (with a line on stderr) for an error result, else 0.
 *
 * @example
 * process.exitCode = printResult('greet', { content: [{ type: 'text', text: 'Hello' }] }); // 0
 */
export function printResult(
  tool: string,
  result: PrintedResult,
  write: (text: string) => void = (text) => process.stdout.write(text),
  warn: (text: string) => void = (text) => process.stderr.write(text),
): number {
  const printed = {
    ...(result.structuredContent !== undefined && { structuredContent: result.structuredContent }),
    content: result.content,
    ...(result.isError && { isError: true }),
  };
  write(`${JSON.stringify(printed, null, 2)}\n`);
  if (result.isError) {
    warn(`lambda-mcp-client call: ${tool} answered with an error result\n`);
    return 1;
  }
  return 0;
}

/** A one-line description of a failure: the message, its JSON-RPC code and the causes it wraps. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  let text =
    typeof code === 'number' && !error.message.includes(String(code))
      ? `${error.message} [code ${code}]`
      : error.message;
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    const detail = cause.message || (cause as { code?: unknown }).code;
    if (detail && !text.includes(String(detail))) text += `: ${detail}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return text;
}
