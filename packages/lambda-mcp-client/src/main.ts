// The command line of lambda-mcp-client: `test` (suites that report pass, fail or skip with a reason and
// exit non-zero on any failure), `connect` (an interactive session) and `call` (one tool call for scripts).
// Each command's module is loaded only when that command runs.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseClientCredentials, parseToken } from './auth/settings.js';
import {
  type CallOptions,
  type ConnectOptions,
  PROTOCOL_VERSIONS,
  SUITES,
  type TestOptions,
} from './options.js';
import { MODERN_VERSION } from './sdk.js';

function positiveInteger(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1)
      throw new InvalidArgumentError(`${name} must be a whole number above 0`);
    return number;
  };
}

function url(value: string): URL {
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed;
  } catch {
    // Reported below.
  }
  throw new InvalidArgumentError('must be an http(s) URL, e.g. http://127.0.0.1:3000/mcp');
}

const program = new Command('lambda-mcp-client')
  .description('Test and use MCP servers over Streamable HTTP, on every protocol revision.')
  .showHelpAfterError()
  // Usage errors exit 2 (as for bad JSON arguments), leaving 1 for failed tests and error results.
  .exitOverride((error) => {
    process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2);
  });

/** A credential flag's value that did not parse: why, without the value (it may be a secret). */
class InvalidCredential {
  constructor(readonly message: string) {}
}

/**
 * `parse` as the argument parser of a credential flag. Commander would quote the rejected value in its
 * message, so the failure is kept here and reported by the preAction hook, without the value (exit 2).
 */
function credential<T>(parse: (value: string) => T) {
  return (value: string): T | InvalidCredential => {
    try {
      return parse(value);
    } catch (error) {
      return new InvalidCredential((error as Error).message);
    }
  };
}

/** Before a command runs: a usage error (exit 2) for a credential flag that did not parse. */
function rejectInvalidCredentials(_program: Command, command: Command): void {
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (value instanceof InvalidCredential) {
      const from =
        command.getOptionValueSource(option.attributeName()) === 'env' ? ` (from ${option.envVar})` : '';
      command.error(`error: option '${option.flags}'${from} is invalid: ${value.message}`, { exitCode: 2 });
    }
  }
}

/** A command on one MCP endpoint, `--url`, with the identity its requests carry. */
function endpointCommand(name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .requiredOption('--url <url>', 'the MCP endpoint', url)
    .hook('preAction', rejectInvalidCredentials)
    .addOption(
      new Option('--token <jwt>', 'send this bearer token on every request (never printed)')
        .env('LAMBDA_MCP_TOKEN')
        .argParser(credential(parseToken)),
    )
    .addOption(
      new Option(
        '--client-credentials <id:secret>',
        "get a token with the client_credentials grant from the server's authorization server " +
          '(found through its protected resource metadata); with --token too, the auth suite uses it as a ' +
          'second identity',
      ).argParser(credential(parseClientCredentials)),
    )
    .option(
      '--scope <scopes>',
      'the scopes --client-credentials asks for (space-separated; default: what the server advertises)',
    );
}

/** `--protocol-version`, one of `choices`. */
function versionOption(choices: readonly string[], fallback: string): Option {
  return new Option('--protocol-version <version>', 'which revision').choices(choices).default(fallback);
}

/** `--debug`. */
function debugOption(): Option {
  return new Option('--debug', 'show every HTTP exchange').default(false);
}

/** Sets the exit code that a command's run (its module loaded only now) resolves. */
async function exitWith(run: () => Promise<number>): Promise<void> {
  process.exitCode = await run();
}

endpointCommand('test', 'Run test suites against a server; exits non-zero when any test fails')
  .addOption(
    new Option('--suite <suite>', 'which suite (all includes auth only with a token or credentials)')
      .choices([...SUITES, 'all'])
      .default('all'),
  )
  .addOption(versionOption([...PROTOCOL_VERSIONS, 'all'], 'all'))
  .option(
    '--concurrency <n>',
    'concurrent streams in the streaming suite',
    positiveInteger('--concurrency'),
    5,
  )
  .option('--timeout <ms>', 'per-test timeout in milliseconds', positiveInteger('--timeout'), 15_000)
  .option('--detailed-report', 'per-test timings, and the wire exchange of each failure', false)
  .option('--json <file>', 'also write a machine-readable report to this file')
  .option(
    '--task-tool <name>',
    'the tool the tasks suite runs as a task (default: the first tool a probe call turns into one)',
  )
  .action((options: TestOptions) =>
    exitWith(async () => (await import('./commands/test.js')).runTests(options)),
  );

endpointCommand(
  'connect',
  'An interactive session: tools, call, resources, read, prompts, get, events, info, help, quit',
)
  .addOption(debugOption())
  .addOption(versionOption(PROTOCOL_VERSIONS, MODERN_VERSION))
  .action((options: ConnectOptions) =>
    exitWith(async () => (await import('./commands/connect.js')).runConnect(options)),
  );

endpointCommand('call', 'Call one tool and print its result; exits non-zero on an error result')
  .addOption(versionOption(PROTOCOL_VERSIONS, MODERN_VERSION))
  .addOption(debugOption())
  .option(
    '--task',
    'declare the Tasks extension (2026-07-28); when the server answers a task, follow it to its end, ' +
      'printing its status on stderr and asking for any input it needs',
    false,
  )
  .option(
    '--cancel-after <ms>',
    'with --task: send tasks/cancel after this many milliseconds, then poll until the task ends',
    positiveInteger('--cancel-after'),
  )
  .argument('<tool>', 'the tool name')
  .argument('[json]', 'the arguments as a JSON object', '{}')
  .action((tool: string, json: string, options: CallOptions) =>
    exitWith(async () => (await import('./commands/call.js')).runCall(tool, json, options)),
  );

await program.parseAsync(process.argv);
