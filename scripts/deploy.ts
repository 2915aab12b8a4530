// `npm run deploy` and `npm run destroy`: the reference server's stack (infra/) in one command. deploy
// builds the Lambda bundle (buildLambda), runs one `cdk deploy` without a prompt, passing its own arguments
// on, and prints the endpoint, the dashboard, the exact commands that come next for the stack's auth mode and
// the client configuration to paste (scripts/client-configs.ts), read from the stack's outputs. The MRTR
// signing key (MCP_REQUEST_STATE_KEY) is no concern of it: the stack generates it once as a Secrets Manager
// secret (infra/lib/request-state-key.ts) and keeps it across deploys.
// destroy runs `cdk destroy` without a prompt and says what it keeps. TypeScript rather than bash: it calls
// buildLambda() in-process and reads the outputs file as JSON (no jq), so it needs nothing but Node, and no
// `aws` CLI at all.
// `--dry-run` (both) prints the stack, auth mode, cdk command lines and next steps instead, offline: it builds
// nothing (not even into a temp folder) and runs no cdk at all, not even `cdk synth`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambda, formatArtifact, ROOT } from './build-lambda.js';
import { clientConfigs, type StackOutputs } from './client-configs.js';

export type { StackOutputs } from './client-configs.js';

/** The CDK app's folder: cdk runs there, with its cdk.json. */
export const INFRA_DIR = join(ROOT, 'infra');

/** The arguments of `npm run deploy`: its own, and those passed on to `cdk deploy`. */
export interface DeployArgs {
  /** `--skip-build`: deploy the bundle already built. */
  skipBuild: boolean;
  /** `--dry-run`: print what would run (cdk commands, stack, auth mode, next steps); build and call nothing. */
  dryRun?: boolean;
  /**
   * `--out-dir DIR`: build into DIR as `npm run build:lambda -- --out-dir DIR` does, and deploy the bundle
   * there (`-c codePath=DIR/http`), instead of dist/lambda.
   */
  outDir?: string;
  /** Everything else, for cdk as given (`-c auth=iam -c httpApi=true`, `--profile`, ...). */
  cdkArgs: string[];
}

/**
 * Splits `npm run deploy` arguments into the script's own and cdk's.
 *
 * @example
 * parseDeployArgs(['--skip-build', '-c', 'auth=iam']); // { skipBuild: true, cdkArgs: ['-c', 'auth=iam'] }
 */
export function parseDeployArgs(args: string[]): DeployArgs {
  const parsed: DeployArgs = { skipBuild: false, cdkArgs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--skip-build') parsed.skipBuild = true;
    else if (arg === '--dry-run') parsed.dryRun = true;
    else if (arg === '--out-dir' || arg.startsWith('--out-dir=')) {
      const value = arg === '--out-dir' ? args[++i] : arg.slice('--out-dir='.length);
      if (!value) throw new Error('--out-dir needs a folder');
      parsed.outDir = resolve(value);
    } else parsed.cdkArgs.push(arg);
  }
  return parsed;
}

/**
 * The argv of `npx` for the one `cdk deploy`: the bundle folder, the caller's arguments, no approval prompt,
 * the outputs written to `outputsFile`. No key: the stack makes its own (its secret, kept across deploys).
 *
 * @example
 * cdkDeployArgv({ skipBuild: false, cdkArgs: ['-c', 'auth=iam'] }, '/tmp/out.json');
 * // ['cdk', 'deploy', '-c', 'auth=iam', '--require-approval', 'never', '--outputs-file', '/tmp/out.json']
 */
export function cdkDeployArgv(args: DeployArgs, outputsFile: string): string[] {
  return [
    'cdk',
    'deploy',
    ...codePath(args),
    ...args.cdkArgs,
    '--require-approval',
    'never',
    '--outputs-file',
    outputsFile,
  ];
}

/** `-c codePath=<out dir>/http` with `--out-dir`; nothing otherwise (the app defaults to dist/lambda/http). */
function codePath(args: DeployArgs): string[] {
  return args.outDir ? ['-c', `codePath=${join(args.outDir, 'http')}`] : [];
}

/** Runs `npx <argv>` in infra/, its output and its prompts passed through as they come; resolves its exit code. */
function runCdk(argv: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn('npx', argv, { cwd: INFRA_DIR, stdio: 'inherit' });
    child.once('error', (error) => {
      process.stderr.write(`could not run npx: ${error.message}\n`);
      done(127);
    });
    child.once('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/**
 * What to do after a deploy, from the stack's outputs: the endpoints and the dashboard, then for Cognito the
 * agent client's secret, the token URL and a `lambda-mcp-client test` with client credentials; for an
 * external issuer a test with a token; for IAM a signed request; for none the warning and a plain test; and
 * last the client configuration to paste ({@link clientConfigs}: scripts/client-configs.ts).
 *
 * @example
 * nextSteps('LambdaMcp', { FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', TableName: 't' });
 */
export function nextSteps(stackName: string, outputs: StackOutputs): string {
  const url = outputs.FunctionUrl ?? '<FunctionUrl>';
  const lines = [`Deployed ${stackName}.`, '', `  MCP endpoint (Function URL): ${url}`];
  if (outputs.HttpApiUrl) lines.push(`  HTTP API (buffered, 30 s):   ${outputs.HttpApiUrl}`);
  if (outputs.DashboardUrl) lines.push(`  Dashboard:                   ${outputs.DashboardUrl}`);
  if (outputs.TableName) lines.push(`  Session table:               ${outputs.TableName}`);
  if (outputs.AlarmTopicArn) {
    lines.push(
      `  Alarm topic:                 ${outputs.AlarmTopicArn} (confirm the e-mail AWS sends to subscribe)`,
    );
  }
  lines.push('');

  if (outputs.UserPoolId && outputs.AgentClientId) {
    const { UserPoolId: pool, AgentClientId: client } = outputs;
    lines.push(
      "Auth: Cognito. The agent client's secret is not an output; read it with the AWS CLI:",
      '',
      `  SECRET=$(aws cognito-idp describe-user-pool-client --user-pool-id ${pool} --client-id ${client} \\`,
      '    --query UserPoolClient.ClientSecret --output text)',
      '',
      `Test the deployment (the client gets its token from ${outputs.TokenUrl ?? 'the TokenUrl output'}):`,
      '',
      `  npx lambda-mcp-client test --url ${url} --client-credentials "${client}:$SECRET"`,
      '',
      `People sign in through the public client ${outputs.PublicClientId ?? '(PublicClientId)'} (authorization code with PKCE)`,
      'once an administrator has created their user:',
      '',
      `  aws cognito-idp admin-create-user --user-pool-id ${pool} --username person@example.com \\`,
      '    --user-attributes Name=email,Value=person@example.com Name=email_verified,Value=true',
    );
  } else if (outputs.AuthIssuer) {
    lines.push(
      `Auth: tokens of ${outputs.AuthIssuer}${outputs.AuthAudience ? ` with aud ${outputs.AuthAudience}` : ''}.`,
      'Get an access token for this server from that issuer, then:',
      '',
      '  export MCP_TOKEN=<access token>',
      `  npx lambda-mcp-client test --url ${url} --token "$MCP_TOKEN"`,
    );
  } else if (outputs.PublicEndpointWarning) {
    lines.push(`WARNING: ${outputs.PublicEndpointWarning}`, '', `  npx lambda-mcp-client test --url ${url}`);
  } else {
    const region = /\.lambda-url\.([a-z0-9-]+)\.on\.aws/.exec(url)?.[1] ?? '<region>';
    lines.push(
      'Auth: IAM. Only SigV4-signed requests get in (service lambda; execute-api for the HTTP API), from',
      'principals allowed lambda:InvokeFunctionUrl. lambda-mcp-client does not sign; check with curl (an answer',
      "from the server rather than AWS's 403 Forbidden means the signature was accepted):",
      '',
      `  curl -si --aws-sigv4 "aws:amz:${region}:lambda" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\`,
      `    -X POST -H 'content-type: application/json' -d '{}' ${url}`,
    );
  }
  if (outputs.HttpApiUrl) {
    lines.push('', `Through the HTTP API: the same with --url ${outputs.HttpApiUrl} (add --timeout 30000).`);
  }
  lines.push('', clientConfigs(outputs));
  return lines.join('\n');
}

/** The one stack of an outputs file (`{ "<stack>": { "<output>": "<value>" } }`). */
function readOutputs(file: string): [string, StackOutputs] {
  const stacks = JSON.parse(readFileSync(file, 'utf8')) as Record<string, StackOutputs>;
  const [entry] = Object.entries(stacks);
  if (!entry) throw new Error(`cdk wrote no stack outputs to ${file}`);
  return entry;
}

/** Builds the bundle into `outDir`/http (default dist/lambda/http), printing its summary; false if it fails. */
async function build(outDir?: string): Promise<boolean> {
  try {
    const { artifacts } = await buildLambda({ ...(outDir && { outDir }) });
    for (const artifact of artifacts) console.log(formatArtifact(artifact));
    return true;
  } catch (error) {
    console.error(`The Lambda bundle did not build: ${error instanceof Error ? error.message : error}`);
    return false;
  }
}

/**
 * `npm run deploy`: build, deploy (one `cdk deploy`, the first time as every later time), print the next
 * steps. Resolves the exit code: 0, a failing build's 1, or cdk's own.
 *
 * @example
 * process.exitCode = await deploy(['-c', 'auth=iam', '-c', 'httpApi=true']);
 */
export async function deploy(argv: string[]): Promise<number> {
  const args = parseDeployArgs(argv);
  if (args.dryRun) {
    console.log(deployPlan(args));
    return 0;
  }
  if (!args.skipBuild && !(await build(args.outDir))) return 1;
  const work = mkdtempSync(join(tmpdir(), 'lambda-mcp-deploy-'));
  try {
    const outputsFile = join(work, 'outputs.json');
    const code = await runCdk(cdkDeployArgv(args, outputsFile));
    if (code !== 0) return code;
    const [stackName, outputs] = readOutputs(outputsFile);
    console.log(`\n${nextSteps(stackName, outputs)}`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `npm run destroy`: `cdk destroy --force` with the caller's arguments (the same `-c stackName=...` as the
 * deploy), building the bundle first only when it is missing (the app synthesizes before it destroys).
 *
 * @example
 * process.exitCode = await destroy(['-c', 'stackName=Demo']);
 */
export async function destroy(argv: string[]): Promise<number> {
  const args = parseDeployArgs(argv);
  if (args.dryRun) {
    console.log(destroyPlan(args));
    return 0;
  }
  const bundle = join(args.outDir ?? join(ROOT, 'dist/lambda'), 'http', 'index.mjs');
  if (!args.skipBuild && !existsSync(bundle) && !(await build(args.outDir))) return 1;
  const code = await runCdk(['cdk', 'destroy', '--force', ...codePath(args), ...args.cdkArgs]);
  if (code !== 0) return code;
  console.log(`\n${AFTER_DESTROY}`);
  return 0;
}

/** What destroy prints once the stack is gone. */
const AFTER_DESTROY = [
  'Stack deleted. Kept on purpose (they hold data): the session table (unless deployed with',
  "-c tableRemovalPolicy=destroy), the MRTR signing key's secret and, with auth=cognito, the user pool with",
  'its users. Delete them by hand when you no longer need them (their names were the TableName,',
  'RequestStateKeySecretArn and UserPoolId outputs):',
  '',
  '  aws dynamodb delete-table --table-name <TableName>',
  '  aws secretsmanager delete-secret --secret-id <RequestStateKeySecretArn>',
  '  aws cognito-idp delete-user-pool --user-pool-id <UserPoolId>',
].join('\n');

/** The auth modes of the CDK app (infra/lib/auth.ts AUTH_MODES; deploy.test.ts keeps the two equal). */
export const AUTH_MODES = ['cognito', 'iam', 'none'] as const;

/**
 * The CDK context the arguments set (`-c key=value`, `--context key=value`, `--context=key=value`), as the app
 * reads it (infra/bin/app.ts; infra/cdk.json sets none of these).
 *
 * @example
 * contextOf(['-c', 'auth=iam', '--profile', 'dev']); // { auth: 'iam' }
 */
export function contextOf(cdkArgs: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < cdkArgs.length; i++) {
    const arg = cdkArgs[i] as string;
    const pair =
      arg === '-c' || arg === '--context'
        ? cdkArgs[++i]
        : arg.startsWith('--context=')
          ? arg.slice('--context='.length)
          : undefined;
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0) context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

/** The lines of `text`, each indented by two spaces (empty ones left empty). */
const indented = (text: string) => text.split('\n').map((line) => (line ? `  ${line}` : line));

/** An argv as one shell line, quoting what the shell would split or expand. */
function shellLine(argv: string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

/** The stack name and auth mode `cdk` would resolve from the arguments, with outputs standing in for real ones. */
function resolvePlan(args: DeployArgs): { stackName: string; description: string; outputs: StackOutputs } {
  const context = contextOf(args.cdkArgs);
  const stackName = context.stackName || 'LambdaMcp';
  const auth = context.auth || 'cognito';
  if (!(AUTH_MODES as readonly string[]).includes(auth)) {
    throw new Error(`auth must be one of ${AUTH_MODES.join(', ')}; got "${auth}"`);
  }
  const outputs: StackOutputs = {
    FunctionUrl: '<FunctionUrl>',
    DashboardUrl: '<DashboardUrl>',
    TableName: '<TableName>',
    ...(context.httpApi === 'true' && { HttpApiUrl: '<HttpApiUrl>' }),
  };
  let description: string;
  if (auth === 'cognito' && context.authIssuer) {
    description = `cognito with an external issuer: tokens of ${context.authIssuer}`;
    Object.assign(outputs, { AuthIssuer: context.authIssuer });
    if (context.authAudience) Object.assign(outputs, { AuthAudience: context.authAudience });
  } else if (auth === 'cognito') {
    description = 'cognito: a new Cognito user pool, whose tokens the server requires';
    Object.assign(outputs, {
      UserPoolId: '<UserPoolId>',
      AgentClientId: '<AgentClientId>',
      PublicClientId: '<PublicClientId>',
      TokenUrl: '<TokenUrl>',
    });
  } else if (auth === 'iam') description = 'iam: only SigV4-signed requests (Function URL AuthType AWS_IAM)';
  else {
    description = 'none: PUBLIC, no authentication';
    outputs.PublicEndpointWarning = 'PUBLIC: auth=none, anyone who knows the URL can call every tool';
  }
  if (context.alarmEmail) outputs.AlarmTopicArn = '<AlarmTopicArn>';
  return { stackName, description, outputs };
}

/**
 * What `npm run deploy -- --dry-run` prints: the stack, the auth mode, whether it would build, the exact cdk
 * command line, where the signing key comes from, and the next steps for that mode, with placeholders for
 * the outputs. Builds nothing and calls nothing: it works offline.
 *
 * @example
 * console.log(deployPlan(parseDeployArgs(['--dry-run', '-c', 'auth=iam'])));
 */
export function deployPlan(args: DeployArgs): string {
  const { stackName, description, outputs } = resolvePlan(args);
  const outputsFile = '<temp dir>/outputs.json';
  const deployLine = shellLine(['npx', ...cdkDeployArgv(args, outputsFile)]);
  const bundle = args.outDir ? join(args.outDir, 'http') : 'dist/lambda/http';
  const lines = [
    'Dry run: nothing is built, deployed or read from AWS.',
    '',
    `Stack:  ${stackName}`,
    `Auth:   ${description}`,
    `Alarms: ${contextOf(args.cdkArgs).alarmEmail ? `e-mailed to ${contextOf(args.cdkArgs).alarmEmail}` : 'no actions (no -c alarmEmail)'}`,
    '',
    args.skipBuild
      ? `It would not build (--skip-build): it would deploy the bundle already in ${bundle}.`
      : `It would build the Lambda bundle into ${bundle} (skipped in a dry run).`,
    'It would run, in infra/:',
    '',
    `  ${deployLine}`,
    '',
    'once, on the first deploy as on every later one. MCP_REQUEST_STATE_KEY is no parameter: the stack generates',
    'it once as a Secrets Manager secret (output RequestStateKeySecretArn) and keeps it across deploys.',
    '',
    'Then it would print (values from the stack outputs):',
    '',
    ...indented(nextSteps(stackName, outputs)),
  ];
  return lines.join('\n');
}

/**
 * What `npm run destroy -- --dry-run` prints: the stack, the cdk command line, whether it would build first,
 * and what destroy says it keeps. Builds nothing and calls nothing.
 *
 * @example
 * console.log(destroyPlan(parseDeployArgs(['--dry-run', '-c', 'stackName=Demo'])));
 */
export function destroyPlan(args: DeployArgs): string {
  const { stackName } = resolvePlan(args);
  const bundle = join(args.outDir ?? join(ROOT, 'dist/lambda'), 'http', 'index.mjs');
  const build =
    args.skipBuild || existsSync(bundle)
      ? 'It would not build: the app synthesizes from the bundle already there.'
      : `It would build the Lambda bundle first (${bundle} is missing; the app synthesizes before it destroys).`;
  return [
    'Dry run: nothing is built, deleted or read from AWS.',
    '',
    `Stack: ${stackName}`,
    build,
    'It would run, in infra/:',
    '',
    `  ${shellLine(['npx', 'cdk', 'destroy', '--force', ...codePath(args), ...args.cdkArgs])}`,
    '',
    'Then it would print:',
    '',
    ...indented(AFTER_DESTROY),
  ].join('\n');
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  const [first, ...rest] = process.argv.slice(2);
  const run = first === '--destroy' ? destroy(rest) : deploy(process.argv.slice(2));
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
