// The body of an artifact cold-start child, bundled by bench/artifact/build.ts and run as
// `node child.mjs <artifact index.mjs> <handler|streamingHandler> <modern|legacy>` with a Lambda-like
// environment: installs the runtime's `awslambda` global (the stand-in of test/support), imports the
// artifact as the runtime's init phase does (top-level await included), invokes the named handler once with a
// Function URL event, checks the answer and prints one `BENCH {...}` line of timings, then exits.
import { pathToFileURL } from 'node:url';
import { installAwsLambdaGlobal, invokeStreaming } from '../../test/support/awslambda-standin.js';
import type { ColdRequest } from '../cold/child.js';
import { type Answer, checkAnswer } from '../requests.js';
import { firstEvent } from './event.js';
import { type ArtifactChildReport, REPORT_PREFIX } from './protocol.js';

type Buffered = (
  event: unknown,
  context: unknown,
) => Promise<{
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}>;

const lambdaContext = () => {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: '2026/12/03/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
};

async function main(startedMs: number): Promise<ArtifactChildReport> {
  const [entry, name, kind] = process.argv.slice(2) as [string, 'handler' | 'streamingHandler', ColdRequest];
  const event = await firstEvent(kind);
  installAwsLambdaGlobal();
  const importStarted = performance.now();
  const module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  const imported = performance.now();
  let answer: Answer;
  if (name === 'handler') {
    const result = await (module.handler as Buffered)(event, lambdaContext());
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
    );
    const body = result.body ?? '';
    answer = {
      status: result.statusCode ?? 200,
      contentType: headers['content-type'] ?? '',
      text: result.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
    };
  } else {
    const invocation = invokeStreaming(module.streamingHandler as () => unknown, event);
    const outcome = await invocation.outcome;
    if (outcome.status !== 'success') throw new Error(`streaming invocation: ${JSON.stringify(outcome)}`);
    const { prelude, bodyText } = invocation.response.http();
    const headers = Object.fromEntries(
      Object.entries(prelude.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
    );
    answer = {
      status: prelude.statusCode ?? 200,
      contentType: headers['content-type'] ?? '',
      text: bodyText,
    };
  }
  const answered = performance.now();
  checkAnswer(answer, 1);
  return {
    ok: true,
    startedMs,
    importMs: imported - importStarted,
    answerMs: answered - imported,
    rssBytes: process.memoryUsage.rss(),
  };
}

const startedMs = performance.now();
let report: ArtifactChildReport;
try {
  report = await main(startedMs);
} catch (error) {
  const error_ = error instanceof Error ? (error.stack ?? error.message) : String(error);
  report = { ok: false, error: error_, startedMs, importMs: 0, answerMs: 0, rssBytes: 0 };
}
process.stdout.write(`\n${REPORT_PREFIX}${JSON.stringify(report)}\n`, () => process.exit(0));
