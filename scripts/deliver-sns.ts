// `npm run deliver-sns -- <sns-event.json>`: hands a Lambda SNS event file to the reference server's SNS entry
// point (the Lambda `handler` of examples/aws-monitor/src/lambda.ts), with the configuration the server reads
// (STORE, DYNAMODB_ENDPOINT, SESSION_TABLE_NAME, ...). Every message lands in the shared global event log, so
// the streams of every local server on that DynamoDB receive it, as SNS does for deployed instances. Prints
// the ingest result as JSON on stdout; logs go to stderr. Exit codes: 0 delivered (skipped records
// included, as in Lambda), 1 the store failed, 2 usage or configuration error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, isSnsEvent, type SnsIngestResult } from 'lambda-mcp';

/** Thrown for a bad command line or configuration: exit code 2. */
export class UsageError extends Error {}

const USAGE = 'usage: npm run deliver-sns -- <sns-event.json>';

/**
 * The environment the entry point runs with. The embedded dynalite of a running `STORE=dynalite` server is
 * reached through its port, since a second process cannot open the same data folder.
 */
export function deliveryEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const store = env.STORE?.trim() || 'memory';
  if (store === 'memory') {
    throw new UsageError(
      'STORE=memory keeps events inside one process, so a delivery from here reaches no server. Run the ' +
        'server and this command with STORE=dynamodb (SESSION_TABLE_NAME, and DYNAMODB_ENDPOINT for a local ' +
        'DynamoDB) or STORE=dynalite with a fixed DYNALITE_PORT.',
    );
  }
  if (store === 'dynalite') {
    const port = env.DYNALITE_PORT?.trim();
    if (!port || port === '0') {
      throw new UsageError(
        'STORE=dynalite: start the server with a fixed DYNALITE_PORT (e.g. DYNALITE_PORT=8010 npm start) and ' +
          'pass the same DYNALITE_PORT here, so this command can reach its embedded dynalite.',
      );
    }
    return {
      ...env,
      STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
      SESSION_TABLE_NAME: env.SESSION_TABLE_NAME?.trim() || 'lambda-mcp-local',
    };
  }
  return env;
}

/** Reads and checks the event file. */
export function readSnsEvent(path: string | undefined) {
  if (!path) throw new UsageError(USAGE);
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  if (!isSnsEvent(event)) {
    throw new UsageError(`${path} is not a Lambda SNS event (Records[] with EventSource "aws:sns")`);
  }
  return event;
}

/** Delivers the event through the Lambda entry point; resolves its ingest result. */
export async function deliverSns(path: string | undefined, env: NodeJS.ProcessEnv): Promise<SnsIngestResult> {
  const event = readSnsEvent(path);
  Object.assign(process.env, deliveryEnv(env));
  const entry = await import('../examples/aws-monitor/src/lambda.js');
  try {
    return (await entry.handler(event, undefined as never)) as SnsIngestResult;
  } finally {
    await entry.app.close();
  }
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  try {
    const result = await deliverSns(process.argv[2], process.env);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`deliver-sns: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
  }
}
