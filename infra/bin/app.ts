// The CDK app: one McpStack, named by `-c stackName=...` (default LambdaMcp). It synthesizes offline; the
// Lambda bundle must exist first (`npm run build:lambda` writes dist/lambda/http). Other switches:
// `-c httpApi=true` (an HTTP API with its own buffered function), `-c sns=true` (an event topic the function
// is subscribed to, with a dead-letter queue), `-c functionUrlAuthType=AWS_IAM`, `-c tableRemovalPolicy=destroy`
// (development stacks).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { DEFAULT_CODE_PATH, McpStack } from '../lib/mcp-stack.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === null ? undefined : String(value);
};

if (!existsSync(join(DEFAULT_CODE_PATH, 'index.mjs'))) {
  console.error(
    `${DEFAULT_CODE_PATH}/index.mjs is missing: run \`npm run build:lambda\` at the repository root first.`,
  );
  process.exit(1);
}

const authType = context('functionUrlAuthType') ?? 'NONE';
if (authType !== 'NONE' && authType !== 'AWS_IAM') {
  console.error(`functionUrlAuthType must be NONE or AWS_IAM; got "${authType}"`);
  process.exit(1);
}

new McpStack(app, context('stackName') ?? 'LambdaMcp', {
  description: 'lambda-mcp reference server: Lambda, Function URL, DynamoDB session table',
  functionUrlAuthType: authType === 'AWS_IAM' ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE,
  httpApi: context('httpApi') === 'true',
  sns: context('sns') === 'true',
  ...(context('tableRemovalPolicy') === 'destroy' && { tableRemovalPolicy: RemovalPolicy.DESTROY }),
});
