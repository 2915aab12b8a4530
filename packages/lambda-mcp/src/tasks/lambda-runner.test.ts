// The lambda-async runner with a host's own AWS SDK copy: the loader runs when a task starts (an import is cached by the module system; never at
// construction, so a cold start that creates no task loads nothing), and the command and the client it sends
// with come from that one copy. Lambda cannot run here: the SDK classes are stand-ins that record what is sent.
import { describe, expect, it } from 'vitest';
import { LambdaAsyncTaskRunner, type LambdaSdk } from './lambda-runner.js';

describe('LambdaAsyncTaskRunner with loadSdk', () => {
  it('loads the SDK when a task starts, not at construction, and invokes the function asynchronously with the run', async () => {
    const sent: unknown[] = [];
    let loads = 0;
    class InvokeCommand {
      constructor(readonly input: unknown) {}
    }
    const configs: unknown[] = [];
    class LambdaClient {
      constructor(config: unknown) {
        configs.push(config);
      }
      async send(command: unknown) {
        sent.push(command);
        return {};
      }
    }
    const sdk: LambdaSdk = { InvokeCommand, LambdaClient };
    const runner = new LambdaAsyncTaskRunner({
      functionName: 'mcp-fn',
      loadSdk: async () => {
        loads++;
        return sdk;
      },
    });
    expect(loads).toBe(0);
    await runner.start({ taskId: 't1', runId: 'r1' });
    await runner.start({ taskId: 't2', runId: 'r2' });
    expect(loads).toBe(2);
    expect(sent).toHaveLength(2);
    // One client, built with deadlines on every call.
    expect(configs).toEqual([
      { requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } },
    ]);
    const first = sent[0] as InvokeCommand;
    expect(first).toBeInstanceOf(InvokeCommand);
    expect(first.input).toEqual({
      FunctionName: 'mcp-fn',
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(
        JSON.stringify({ 'lambda-mcp': 'task-run', taskId: 't1', runId: 'r1' }),
      ),
    });
  });
});
