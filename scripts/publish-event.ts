// `npm run publish-event -- --type TYPE [--data JSON] [--session ID] [--source S] [--topic-arn ARN] [--region R]`:
// publishes one event to the server's SNS topic, in the format its SNS ingest reads: Subject = the event type,
// Message = the event data as JSON text, message attributes `sessionId` (one 2025 session instead of every
// stream) and `source`. Prints the SNS MessageId, which becomes the event's id. Usage errors exit 2.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
} from '@aws-sdk/client-sns';

export const USAGE =
  'usage: npm run publish-event -- [--topic-arn ARN] --type TYPE [--data JSON] [--session ID] [--source S] [--region R]\n' +
  '  --topic-arn  the SNS topic (default: SNS_TOPIC_ARN)\n' +
  '  --type       the event type, sent as the Subject: 1-99 of A-Z a-z 0-9 . _ - / :\n' +
  '  --data       the event data, a JSON value (default {})\n' +
  '  --session    deliver to this 2025 session only (message attribute sessionId)\n' +
  '  --source     who sent it (message attribute source; the server defaults to sns:<topic ARN>)\n' +
  "  --region     the region of the SNS call (default: the topic ARN's)";

/** A command line the script refuses; the message names the flag. `main` prints it with {@link USAGE}, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What one publish sends. */
export interface PublishEventArgs {
  topicArn: string;
  type: string;
  /** The JSON text of the data, as given. */
  data: string;
  sessionId?: string;
  source?: string;
  region: string;
}

const FLAGS = ['--topic-arn', '--type', '--data', '--session', '--source', '--region'] as const;
type Flag = (typeof FLAGS)[number];

/** lambda-mcp's event type rule (1-128 of these), capped at 99: an SNS Subject is under 100 characters. */
const TYPE_PATTERN = /^[A-Za-z0-9._\-/:]{1,99}$/;
/** A standard SNS topic ARN; its fourth field is the region. */
const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Parses the command line (`--flag value` or `--flag=value`); the topic defaults to `env.SNS_TOPIC_ARN`.
 *
 * @throws {UsageError} naming the flag that is missing, repeated, unknown or invalid.
 */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): PublishEventArgs {
  const given = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown argument ${arg}`);
    const flag = name as Flag;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`${flag} needs a value`);
    if (given.has(flag)) throw new UsageError(`${flag} is given twice`);
    given.set(flag, value);
  }

  const type = given.get('--type');
  if (type === undefined) throw new UsageError('--type is required');
  if (!TYPE_PATTERN.test(type)) {
    throw new UsageError(`--type must be 1-99 of A-Z a-z 0-9 . _ - / :; got "${type}"`);
  }
  const topicArn = given.get('--topic-arn') ?? env.SNS_TOPIC_ARN?.trim();
  if (!topicArn) throw new UsageError('--topic-arn is required (or set SNS_TOPIC_ARN)');
  const arn = TOPIC_ARN_PATTERN.exec(topicArn);
  if (!arn) {
    throw new UsageError(
      `--topic-arn must be a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); got "${topicArn}"`,
    );
  }
  const data = given.get('--data') ?? '{}';
  try {
    JSON.parse(data);
  } catch (error) {
    throw new UsageError(`--data must be JSON (${(error as Error).message}); got ${data}`);
  }
  const region = given.get('--region') ?? (arn[1] as string);
  if (!REGION_PATTERN.test(region)) throw new UsageError(`--region must be an AWS region; got "${region}"`);
  for (const flag of ['--session', '--source'] as const) {
    const value = given.get(flag);
    if (value !== undefined && (value.trim() === '' || value.length > 256)) {
      throw new UsageError(`${flag} must be 1-256 characters`);
    }
  }
  const sessionId = given.get('--session');
  const source = given.get('--source');
  return {
    topicArn,
    type,
    data,
    region,
    ...(sessionId !== undefined && { sessionId }),
    ...(source !== undefined && { source }),
  };
}

/** The `PublishCommand` input for one event: Subject, Message, and the attributes that are given. */
export function publishInput(args: PublishEventArgs): PublishCommandInput {
  const attributes: Record<string, MessageAttributeValue> = {};
  if (args.sessionId !== undefined)
    attributes.sessionId = { DataType: 'String', StringValue: args.sessionId };
  if (args.source !== undefined) attributes.source = { DataType: 'String', StringValue: args.source };
  return {
    TopicArn: args.topicArn,
    Subject: args.type,
    Message: args.data,
    ...(Object.keys(attributes).length > 0 && { MessageAttributes: attributes }),
  };
}

/** Options of {@link publishEvent}. */
export interface PublishEventOptions {
  /** The SNS client (default: one for the region of the arguments, with the SDK's credential chain). */
  client?: SNSClient;
  /** Where `SNS_TOPIC_ARN` is read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Publishes the event the command line describes and resolves with the SNS MessageId.
 *
 * @throws {UsageError} for a bad command line (nothing is sent).
 * @example
 * const id = await publishEvent(['--type', 'deploy.finished', '--data', '{"version":"1.4.2"}']);
 */
export async function publishEvent(argv: string[], options: PublishEventOptions = {}): Promise<string> {
  const args = parseArgs(argv, options.env);
  const client = options.client ?? new SNSClient({ region: args.region });
  const { MessageId } = await client.send(new PublishCommand(publishInput(args)));
  if (!MessageId) throw new Error('SNS answered without a MessageId');
  return MessageId;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    process.stdout.write(`${await publishEvent(argv)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`publish-event: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    process.stderr.write(`publish-event: ${name}: ${message}\n`);
    return 1;
  }
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
