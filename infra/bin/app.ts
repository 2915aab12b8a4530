// The CDK app: one McpStack, named by `-c stackName=...` (default LambdaMcp). It synthesizes offline; the
// Lambda bundle must exist first (`npm run build:lambda` writes dist/lambda/http). Auth (private by default):
// `-c auth=cognito` (the default: a Cognito user pool whose tokens the server requires), with
// `-c authIssuer=https://...` an existing authorization server instead (and `-c authAudience=...` the `aud`
// its tokens carry), `-c authCallbackUrls=url,url` (the Cognito public client's), `-c auth=iam` (SigV4 only),
// `-c auth=none` (public, only when asked for). Other switches: `-c httpApi=true` (an HTTP API with its own
// buffered function), `-c sns=true` (an event topic the function is subscribed to, with a dead-letter queue),
// `-c alarmEmail=ops@example.com` (every alarm e-mails it), `-c tableRemovalPolicy=destroy` (development
// stacks), `-c codePath=DIR` (another bundle folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { AUTH_MODES, type AuthMode } from '../lib/auth.js';
import { DEFAULT_CODE_PATH, McpStack } from '../lib/mcp-stack.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};
const stop = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const codePath = context('codePath') ?? DEFAULT_CODE_PATH;
if (!existsSync(join(codePath, 'index.mjs'))) {
  stop(`${codePath}/index.mjs is missing: run \`npm run build:lambda\` at the repository root first.`);
}
if (context('functionUrlAuthType') !== undefined) {
  stop('functionUrlAuthType is gone: use -c auth=iam (SigV4), -c auth=cognito (the default) or -c auth=none');
}
const auth = context('auth') ?? 'cognito';
if (!(AUTH_MODES as readonly string[]).includes(auth)) {
  stop(`auth must be one of ${AUTH_MODES.join(', ')}; got "${auth}"`);
}
const callbackUrls = context('authCallbackUrls');

try {
  new McpStack(app, context('stackName') ?? 'LambdaMcp', {
    description: 'lambda-mcp reference server: Lambda, Function URL, DynamoDB session table',
    codePath,
    auth: auth as AuthMode,
    ...(context('authIssuer') && { authIssuer: context('authIssuer') }),
    ...(context('authAudience') && { authAudience: context('authAudience') }),
    ...(callbackUrls && { authCallbackUrls: callbackUrls.split(',').map((url) => url.trim()) }),
    httpApi: context('httpApi') === 'true',
    sns: context('sns') === 'true',
    ...(context('alarmEmail') && { alarmEmail: context('alarmEmail') }),
    ...(context('tableRemovalPolicy') === 'destroy' && { tableRemovalPolicy: RemovalPolicy.DESTROY }),
  });
} catch (error) {
  stop(error instanceof Error ? error.message : String(error));
}
