// A real DynamoDB for tests: dynalite on a free loopback port, started and stopped by the test file that
// uses it, a client whose every command is counted (middleware on the real client), and fresh tables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type RunningDynalite, startDynalite } from '../src/dynamodb/dynalite.js';
import { ensureLocalTable } from '../src/dynamodb/ensure-table.js';

/** A dynalite server plus a counted client. */
export interface TestDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** The commands the client sent, in order (e.g. `GetItemCommand`); clear it with `calls.length = 0`. */
  calls: string[];
  /** Creates a fresh, empty table from the one table definition; resolves its name. */
  newTable(): Promise<string>;
  /** A client for the same server with its own command log. */
  newClient(): { client: DynamoDBClient; calls: string[] };
  /** Stops the server (the data is in memory and goes with it), for fault tests; `restart` brings it back. */
  stop(): Promise<void>;
  /** Starts the server again on the same port (an empty database unless `path` was given). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

let tables = 0;

/** Starts dynalite; call `close()` in `afterAll`. */
export async function startTestDynamo(options: { path?: string } = {}): Promise<TestDynamo> {
  let server: RunningDynalite | undefined = await startDynalite(options);
  const { endpoint, port } = server;
  const newClient = () => {
    const calls: string[] = [];
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 500, requestTimeout: 2000 },
    });
    client.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    return { client, calls };
  };
  const main = newClient();
  return {
    endpoint,
    ...main,
    newClient,
    async newTable() {
      const name = `lambda-mcp-test-${process.pid}-${++tables}`;
      await ensureLocalTable(main.client, name, endpoint);
      main.calls.length = 0;
      return name;
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
    async restart() {
      server = await startDynalite({ ...options, port });
    },
    async close() {
      main.client.destroy();
      await server?.close();
    },
  };
}
