// The public surface of lambda-mcp, entry point by entry point: the values a program can import (what the
// module object holds at run time) and the names that exist only as types (everything TypeScript sees
// exported, less those values). A change here changes what users may depend on, so it is a decision to
// make in review, not a side effect of exporting something from a module.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const ENTRIES = ['index.ts', 'dynamodb/index.ts', 'adapters/lambda/index.ts', 'node-entry.ts'];

/** Every name each entry exports, as TypeScript resolves it (values, classes, interfaces, type aliases). */
const allNames = (() => {
  const files = ENTRIES.map((entry) => join(SRC, entry));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  return new Map(
    files.map((file, i) => {
      const source = program.getSourceFile(file);
      const symbol = source && checker.getSymbolAtLocation(source);
      if (!symbol) throw new Error(`TypeScript cannot read ${file}`);
      return [ENTRIES[i] as string, checker.getExportsOfModule(symbol).map((s) => s.name)];
    }),
  );
})();

function surface(entry: string, module: object) {
  const values = Object.keys(module).sort();
  const types = (allNames.get(entry) ?? []).filter((name) => !values.includes(name)).sort();
  return { values, types };
}

describe('the public surface', () => {
  it('of lambda-mcp', async () => {
    expect(surface('index.ts', await import('./index.js'))).toMatchInlineSnapshot(`
      {
        "types": [
          "AuthOptions",
          "EnvStores",
          "EventFeed",
          "EventInput",
          "EventScope",
          "EventStore",
          "FetchHandler",
          "GlobalEventLog",
          "LambdaClientLike",
          "LambdaContextLike",
          "LambdaMcpContext",
          "LambdaMcpHandler",
          "LambdaMcpOptions",
          "LambdaMcpRequestOptions",
          "LambdaMcpServerFactory",
          "LambdaSdk",
          "LogPage",
          "LoggedEvent",
          "McpEvent",
          "MemoryGlobalEventLogOptions",
          "PublishResult",
          "RequestRecord",
          "ResolvedOptions",
          "ResponseMailbox",
          "SessionPatch",
          "SessionRecord",
          "SessionStore",
          "SnsIngestResult",
          "StoredEvent",
          "TaskCall",
          "TaskError",
          "TaskOptions",
          "TaskPatch",
          "TaskRecord",
          "TaskRun",
          "TaskRunner",
          "TaskRuntime",
          "TaskStatus",
          "TaskStore",
          "TaskSupport",
          "TaskToolConfig",
          "TaskWorkerEvent",
        ],
        "values": [
          "ConfigError",
          "HttpError",
          "InProcessTaskRunner",
          "InvalidCursorError",
          "InvalidEventError",
          "LambdaAsyncTaskRunner",
          "LambdaMcpError",
          "MemoryEventStore",
          "MemoryGlobalEventLog",
          "MemoryResponseMailbox",
          "MemorySessionStore",
          "MemoryTaskStore",
          "SessionEventHub",
          "StoreConflictError",
          "StoreItemTooLargeError",
          "StoreUnavailableError",
          "TASKS_EXTENSION_ID",
          "TASK_DEFAULTS",
          "TaskStateError",
          "UnsupportedEventError",
          "cachedJsonSchema",
          "createLambdaMcp",
          "hasScope",
          "ingestSns",
          "isClientRejection",
          "isSnsEvent",
          "isTaskWorkerEvent",
          "optionsFromEnv",
          "registerTaskTool",
          "resolveOptions",
          "storesFromEnv",
        ],
      }
    `);
  });

  it('of lambda-mcp/dynamodb', async () => {
    expect(surface('dynamodb/index.ts', await import('./dynamodb/index.js'))).toMatchInlineSnapshot(`
      {
        "types": [
          "DynamoClientInput",
          "DynamoClientOptions",
          "DynamoEventStoreOptions",
          "DynamoGlobalEventLogOptions",
          "DynamoResponseMailboxOptions",
          "DynamoSessionStoreOptions",
          "DynamoStores",
          "DynamoStoresOptions",
          "DynamoTaskStoreOptions",
        ],
        "values": [
          "DynamoEventStore",
          "DynamoGlobalEventLog",
          "DynamoResponseMailbox",
          "DynamoSessionStore",
          "DynamoTaskStore",
          "TABLE",
          "createDynamoClient",
          "createDynamoStores",
          "createTableInput",
        ],
      }
    `);
  });

  it('of lambda-mcp/lambda', async () => {
    expect(
      surface('adapters/lambda/index.ts', await import('./adapters/lambda/index.js')),
    ).toMatchInlineSnapshot(`
      {
        "types": [
          "AwsLambdaRuntime",
          "FetchHandler",
          "HttpResponseMetadata",
          "LambdaContextLike",
          "LambdaHandlerOptions",
          "LambdaHttpEvent",
          "LambdaHttpHandler",
          "LambdaHttpResult",
          "LambdaResponseStream",
          "StreamingLambdaHandler",
          "StreamingLambdaHandlerOptions",
        ],
        "values": [
          "InvocationDeadlineError",
          "UnsupportedEventError",
          "toLambdaHandler",
          "toStreamingLambdaHandler",
        ],
      }
    `);
  });

  it('of lambda-mcp/node', async () => {
    expect(surface('node-entry.ts', await import('./node-entry.js'))).toMatchInlineSnapshot(`
      {
        "types": [
          "LocalMcpServer",
          "ServeOptions",
          "ServedApp",
        ],
        "values": [
          "exitOnSignals",
          "localServerOptions",
          "serve",
          "serveLocal",
        ],
      }
    `);
  });

  it('exports every value TypeScript sees, so no runtime export hides from the type surface', async () => {
    const modules = [
      await import('./index.js'),
      await import('./dynamodb/index.js'),
      await import('./adapters/lambda/index.js'),
      await import('./node-entry.js'),
    ];
    ENTRIES.forEach((entry, i) => {
      expect(allNames.get(entry)).toEqual(expect.arrayContaining(Object.keys(modules[i] as object)));
    });
  });
});
