// A real DynamoDB for tests: dynalite on a free loopback port, started and stopped by the test file that
// uses it (`useTestDynamo` does both), a client whose every command is counted (middleware on the real
// client), and fresh tables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
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

/** A client for a local dynalite: fake credentials, two attempts, short timeouts. */
function testClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 500, requestTimeout: 2000 },
  });
}

/** Starts dynalite; call `close()` in `afterAll`. */
export async function startTestDynamo(options: { path?: string } = {}): Promise<TestDynamo> {
  let server: RunningDynalite | undefined = await startDynalite(options);
  const { endpoint, port } = server;
  const newClient = () => {
    const calls: string[] = [];
    const client = testClient(endpoint);
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

/**
 * Starts dynalite before the calling file's tests and stops it after them. The answer stands for the
 * server from the file's first test on (before that, touching it throws): use it in tests and factories.
 */
export function useTestDynamo(options: { path?: string } = {}): TestDynamo {
  let started: TestDynamo | undefined;
  beforeAll(async () => {
    started = await startTestDynamo(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): TestDynamo => {
    if (!started) throw new Error('useTestDynamo: dynalite starts in beforeAll; use it inside tests');
    return started;
  };
  return {
    get endpoint() {
      return current().endpoint;
    },
    get client() {
      return current().client;
    },
    get calls() {
      return current().calls;
    },
    newTable: () => current().newTable(),
    newClient: () => current().newClient(),
    stop: () => current().stop(),
    restart: () => current().restart(),
    close: () => current().close(),
  };
}

/** dynalite in a child process, so a test can freeze it (`SIGSTOP`) as a stalled DynamoDB would be. */
export interface ChildDynamo {
  endpoint: string;
  pid: number;
  /** Freezes the server: connections stay open, nothing answers. */
  pause(): void;
  /** Lets it run again. */
  resume(): void;
  /** A counted client (see {@link TestDynamo.newClient}) that also tracks the calls in flight. */
  newClient(): {
    client: DynamoDBClient;
    calls: string[];
    /** When each call started (`Date.now()`), in the order of `calls`. */
    starts: number[];
    inFlight: () => number;
    maxInFlight: () => number;
  };
  newTable(): Promise<string>;
  /** Resumes and kills the child; safe to call twice. */
  close(): Promise<void>;
}

/** Starts dynalite (in memory) in a child process on a free loopback port; call `close()` in `afterAll`. */
export async function startChildDynamo(): Promise<ChildDynamo> {
  const { spawn } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const script = `const server = require(${JSON.stringify(dynalitePath)})({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('startChildDynamo: the child did not start');
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('startChildDynamo: no port within 10 s')), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`startChildDynamo: the child exited (${code})`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const signal = (name: NodeJS.Signals) => {
    if (!exited) process.kill(pid, name);
  };
  const newClient = () => {
    const calls: string[] = [];
    const starts: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const client = testClient(endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        starts.push(Date.now());
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'countCommands' },
    );
    return { client, calls, starts, inFlight: () => inFlight, maxInFlight: () => maxInFlight };
  };
  const admin = newClient();
  return {
    endpoint,
    pid,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    newClient,
    async newTable() {
      const name = `lambda-mcp-test-${process.pid}-${++tables}`;
      await ensureLocalTable(admin.client, name, endpoint);
      return name;
    },
    async close() {
      admin.client.destroy();
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signal('SIGCONT');
      signal('SIGKILL');
      await gone;
    },
  };
}
