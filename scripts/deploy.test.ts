// scripts/deploy.ts (`npm run deploy`, `npm run destroy`) run against a recording stand-in `npx` first on
// PATH (each call's argv and folder logged as one JSON line; it plays `cdk deploy` and `cdk destroy` from a
// small state file: a deploy writes the outputs file it is given). Checks that a first and a later deploy are
// each exactly one cdk call with the same argv and no key (the stack generates MCP_REQUEST_STATE_KEY as its
// own secret), argument pass-through, the next steps and client configuration printed for the cognito,
// external issuer, iam and none outputs (the configurations themselves: client-configs.test.ts), and that a
// failing build or cdk stops the script with its exit code; and `--dry-run`, which runs no cdk at all and
// builds nothing, but prints the command lines, the stack, the auth mode and the next steps (the client
// configuration included, with placeholders), with AWS credentials and the network out of reach (no AWS_*
// variables, a proxy that does not exist). Nothing here calls AWS.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_MODES as INFRA_AUTH_MODES } from '../infra/lib/auth.js';
import { collectOutput } from '../test/support/collect-output.js';
import { AUTH_MODES } from './deploy.js';

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'scripts/deploy.ts');
const INFRA = join(ROOT, 'infra');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/**
 * The stand-in `npx`: logs `{ argv, cwd }` to $FAKE_CDK_LOG, then plays cdk from $FAKE_CDK_STATE
 * (`{ deployed, outputs, fail: { code, message } }`): the failure when one is set, else the outputs file
 * written under the stack's name (and `deployed` recorded).
 */
const STAND_IN = String.raw`#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_CDK_LOG, JSON.stringify({ argv: args, cwd: process.cwd() }) + '\n');
const statePath = process.env.FAKE_CDK_STATE;
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
if (args[0] !== 'cdk') process.exit(2);
process.stderr.write('\n✨  Synthesis time: 0.01s\n');
if (state.fail) {
  process.stderr.write(state.fail.message + '\n');
  process.exit(state.fail.code);
}
const stackArg = args.find((arg) => arg.startsWith('stackName='));
const stack = stackArg ? stackArg.slice('stackName='.length) : 'LambdaMcp';
if (args[1] === 'deploy') {
  // As the toolkit: its log goes to stdout when CI is set, else to stderr.
  const log = process.env.CI && process.env.CI !== 'false' ? process.stdout : process.stderr;
  log.write((state.deployed ? 'updating ' : 'creating ') + stack + '\n');
  state.deployed = true;
  fs.writeFileSync(statePath, JSON.stringify(state));
  fs.writeFileSync(args[args.indexOf('--outputs-file') + 1], JSON.stringify({ [stack]: state.outputs }));
  process.stdout.write('✅  ' + stack + '\n');
} else if (args[1] === 'destroy') {
  process.stdout.write('✅  ' + stack + ': destroyed\n');
} else process.exit(2);
`;

const URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/';
const DASHBOARD =
  'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/McpDashboard-X1';
const BASE = { FunctionUrl: URL, TableName: 'LambdaMcp-McpSessionTable-X1', DashboardUrl: DASHBOARD };
const COGNITO = {
  ...BASE,
  AuthIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool1',
  UserPoolId: 'eu-west-1_Pool1',
  TokenUrl: 'https://lambda-mcp-1234.auth.eu-west-1.amazoncognito.com/oauth2/token',
  AgentClientId: 'agentclient1',
  PublicClientId: 'publicclient1',
  AuthClientIds: 'agentclient1,publicclient1',
};

let work: string;
let bin: string;
let bundleOut: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lambda-mcp-deploy-test-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'npx'), STAND_IN);
  chmodSync(join(bin, 'npx'), 0o755);
  bundleOut = join(work, 'build');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: { argv: string[]; cwd: string }[];
  state: { deployed: boolean };
}

/**
 * Runs the script with `args`, the stand-in in the given state (`ci`: with CI set, else without); resolves
 * its output and the cdk calls.
 */
async function run(args: string[], state: Record<string, unknown>, { ci = false } = {}): Promise<Run> {
  const dir = mkdtempSync(join(work, 'run-'));
  const log = join(dir, 'calls.jsonl');
  const statePath = join(dir, 'state.json');
  writeFileSync(log, '');
  writeFileSync(statePath, JSON.stringify(state));
  const { CI: _ci, ...withoutCi } = process.env;
  const child = spawn(TSX, [SCRIPT, ...args], {
    cwd: ROOT,
    env: {
      ...withoutCi,
      ...(ci && { CI: 'true' }),
      PATH: `${bin}${delimiter}${process.env.PATH}`,
      FAKE_CDK_LOG: log,
      FAKE_CDK_STATE: statePath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, stdout, stderr } = await collectOutput(child);
  const calls = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Run['calls'][number]);
  return { code, stdout, stderr, calls, state: JSON.parse(readFileSync(statePath, 'utf8')) };
}

/** The outputs file a deploy call named (a fresh temp file, removed when the script ends). */
const outputsFileOf = (argv: string[]) => argv[argv.indexOf('--outputs-file') + 1] as string;

describe('npm run deploy', () => {
  it('builds the bundle, and deploys a new stack with one cdk deploy that passes no key', async () => {
    const result = await run(['--out-dir', bundleOut], { deployed: false, outputs: COGNITO });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(bundleOut, 'http/index.mjs'))).toBe(true);
    expect(result.stdout).toContain('index.mjs');
    expect(result.calls.map((call) => call.cwd)).toEqual([INFRA]);
    const [argv] = result.calls.map((call) => call.argv) as [string[]];
    const outputsFile = outputsFileOf(argv);
    expect(argv).toEqual([
      'cdk',
      'deploy',
      '-c',
      `codePath=${join(bundleOut, 'http')}`,
      '--require-approval',
      'never',
      '--outputs-file',
      outputsFile,
    ]);
    expect(outputsFile).toMatch(/lambda-mcp-deploy-[^/]+\/outputs\.json$/);
    expect(existsSync(outputsFile), 'the outputs file is removed').toBe(false);
    // The toolkit's own log is passed through as it comes.
    expect(result.stderr).toContain('creating LambdaMcp');
    expect(result.stdout).toContain('Deployed LambdaMcp.');
    expect(result.state.deployed).toBe(true);
  });

  it('deploys the same way in CI, where the toolkit logs to stdout', async () => {
    const result = await run(['--skip-build'], { deployed: false, outputs: BASE }, { ci: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('creating LambdaMcp');
    expect(result.calls).toHaveLength(1);
    expect(result.calls[0]?.argv).not.toContain('--parameters');
  });

  it('runs one cdk deploy on a later deploy too, the same argv (no --parameters), passing arguments on', async () => {
    const outputs = { ...BASE, HttpApiUrl: 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com' };
    const args = ['-c', 'auth=iam', '-c', 'httpApi=true', '--profile', 'dev'];
    const result = await run(['--skip-build', ...args], { deployed: true, outputs });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('updating LambdaMcp');
    expect(result.calls).toHaveLength(1);
    const [argv] = result.calls.map((call) => call.argv) as [string[]];
    expect(argv).toEqual([
      'cdk',
      'deploy',
      ...args,
      '--require-approval',
      'never',
      '--outputs-file',
      outputsFileOf(argv),
    ]);
    expect(result.stdout).not.toContain('index.mjs');
    expect(result.stdout).toContain(
      [
        'Deployed LambdaMcp.',
        '',
        `  MCP endpoint (Function URL): ${URL}`,
        '  HTTP API (buffered, 30 s):   https://a1b2c3.execute-api.eu-west-1.amazonaws.com',
        `  Dashboard:                   ${DASHBOARD}`,
        '  Session table:               LambdaMcp-McpSessionTable-X1',
      ].join('\n'),
    );
    expect(result.stdout).toContain('Auth: IAM. Only SigV4-signed requests get in');
    expect(result.stdout).toContain(
      `  curl -si --aws-sigv4 "aws:amz:eu-west-1:lambda" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\\n` +
        `    -X POST -H 'content-type: application/json' -d '{}' ${URL}`,
    );
    expect(result.stdout).not.toContain('lambda-mcp-client test');
    expect(result.stdout).toContain('Client configuration: none to paste.');
    expect(result.stdout).not.toContain('mcpServers');
  });

  it('prints the Cognito next steps: the secret command, the token URL and the client-credentials test', async () => {
    const result = await run(['--skip-build', '-c', 'stackName=Demo'], { deployed: true, outputs: COGNITO });
    expect(result.code, result.stderr).toBe(0);
    expect(result.calls[0]?.argv.slice(0, 4)).toEqual(['cdk', 'deploy', '-c', 'stackName=Demo']);
    expect(result.stdout).toContain('Deployed Demo.');
    expect(result.stdout).toContain(
      '  SECRET=$(aws cognito-idp describe-user-pool-client --user-pool-id eu-west-1_Pool1 --client-id agentclient1 \\\n' +
        '    --query UserPoolClient.ClientSecret --output text)',
    );
    expect(result.stdout).toContain(
      'Test the deployment (the client gets its token from https://lambda-mcp-1234.auth.eu-west-1.amazoncognito.com/oauth2/token):',
    );
    expect(result.stdout).toContain(
      `  npx lambda-mcp-client test --url ${URL} --client-credentials "agentclient1:$SECRET"`,
    );
    expect(result.stdout).toContain('public client publicclient1 (authorization code with PKCE)');
    expect(result.stdout).toContain(
      '  aws cognito-idp admin-create-user --user-pool-id eu-west-1_Pool1 --username person@example.com \\\n' +
        '    --user-attributes Name=email,Value=person@example.com Name=email_verified,Value=true',
    );
    expect(result.stdout).toContain('docs/clients.md');
    // Then the client configuration, filled from the outputs; no secret is an output, so none is printed.
    expect(result.stdout).toContain(
      '  export MCP_TOKEN=$(curl -s -u "agentclient1:$SECRET" "https://lambda-mcp-1234.auth.eu-west-1.amazoncognito.com/oauth2/token"',
    );
    expect(result.stdout).toContain(`      "lambda-mcp": {\n        "url": ${JSON.stringify(URL)}`);
    expect(result.stdout).toContain('"CLIENT_ID": "publicclient1"');
    expect(result.stdout).toContain('"clientId": "publicclient1"');
    expect(result.stdout.indexOf('Client configuration')).toBeGreaterThan(
      result.stdout.indexOf('admin-create-user'),
    );
  });

  it('prints a token test for an external issuer, and the warning and a plain test for auth=none', async () => {
    const issuer = { ...BASE, AuthIssuer: 'https://login.example.com/', AuthAudience: 'https://mcp.example' };
    const external = await run(['--skip-build'], { deployed: true, outputs: issuer });
    expect(external.code, external.stderr).toBe(0);
    expect(external.stdout).toContain(
      'Auth: tokens of https://login.example.com/ with aud https://mcp.example.',
    );
    expect(external.stdout).toContain(
      `  export MCP_TOKEN=<access token>\n  npx lambda-mcp-client test --url ${URL} --token "$MCP_TOKEN"`,
    );
    expect(external.stdout).not.toContain('cognito-idp');
    // The header configurations, with the URL, after the next steps.
    expect(external.stdout).toContain('Cursor, a token, in ~/.cursor/mcp.json');
    expect(external.stdout).toContain(`        "url": "${URL}",\n        "headers": {`);

    const warning = 'PUBLIC: auth=none, anyone who knows the URL can call every tool';
    const open = await run(['--skip-build', '-c', 'auth=none'], {
      deployed: true,
      outputs: { ...BASE, PublicEndpointWarning: warning },
    });
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout).toContain(`WARNING: ${warning}`);
    expect(open.stdout).toContain(`  npx lambda-mcp-client test --url ${URL}\n`);
    expect(open.stdout).not.toContain('--client-credentials');
    expect(open.stdout).toContain('Cursor, no token needed, in ~/.cursor/mcp.json');
    expect(open.stdout).not.toContain('Authorization');
  });

  it('stops with cdk exit code when cdk fails, without retrying or printing next steps', async () => {
    const failing = {
      deployed: false,
      outputs: BASE,
      fail: { code: 3, message: 'Need to perform AWS calls' },
    };
    const result = await run(['--skip-build'], failing);
    expect(result.code).toBe(3);
    expect(result.calls).toHaveLength(1);
    expect(result.stderr).toContain('Need to perform AWS calls');
    expect(result.stdout).not.toContain('Deployed');
  });

  it('stops with exit code 1 when the bundle does not build, before running cdk', async () => {
    const blocked = join(work, 'a-file');
    writeFileSync(blocked, 'not a folder');
    const result = await run(['--out-dir', join(blocked, 'build')], { deployed: true, outputs: BASE });
    expect(result.code).toBe(1);
    expect(result.calls).toEqual([]);
    expect(result.stderr).toContain('The Lambda bundle did not build');
  });
});

describe('npm run destroy', () => {
  it('runs cdk destroy without a prompt, passing arguments on, and says what it keeps', async () => {
    const result = await run(['--destroy', '--skip-build', '-c', 'stackName=Demo'], { deployed: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.calls).toEqual([
      { argv: ['cdk', 'destroy', '--force', '-c', 'stackName=Demo'], cwd: INFRA },
    ]);
    expect(result.stdout).toContain('Kept on purpose (they hold data): the session table');
    expect(result.stdout).toContain('the user pool with');
    expect(result.stdout).toContain('  aws dynamodb delete-table --table-name <TableName>');
    expect(result.stdout).toContain("the MRTR signing key's secret");
    expect(result.stdout).toContain(
      '  aws secretsmanager delete-secret --secret-id <RequestStateKeySecretArn>',
    );
  });

  it('stops with cdk exit code', async () => {
    const result = await run(['--destroy', '--skip-build'], { fail: { code: 5, message: 'no credentials' } });
    expect(result.code).toBe(5);
    expect(result.stdout).not.toContain('Kept on purpose');
  });
});

/** The environment of a dry run: no AWS credentials or profile, and every HTTP(S) request sent nowhere. */
const OFFLINE = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
];

/** {@link run} with `--dry-run` added, offline; the stand-in fails any call, so that none goes unnoticed. */
async function dryRun(args: string[]): Promise<Run> {
  const saved = Object.fromEntries(OFFLINE.map((name) => [name, process.env[name]]));
  const proxy = { HTTPS_PROXY: process.env.HTTPS_PROXY, HTTP_PROXY: process.env.HTTP_PROXY };
  for (const name of OFFLINE) delete process.env[name];
  process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
  process.env.HTTP_PROXY = 'http://127.0.0.1:9';
  try {
    const destroying = args[0] === '--destroy';
    const rest = destroying ? args.slice(1) : args;
    return await run([...(destroying ? ['--destroy'] : []), '--dry-run', ...rest], {
      deployed: false,
      fail: { code: 9, message: 'a dry run ran cdk' },
    });
  } finally {
    for (const [name, value] of Object.entries({ ...saved, ...proxy })) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('--dry-run', () => {
  it('deploy: prints the stack, the auth mode and the exact cdk lines, runs no cdk and builds nothing', async () => {
    const out = join(work, 'dry-build');
    const args = ['--out-dir', out, '-c', 'auth=iam', '-c', 'httpApi=true', '--profile', 'dev'];
    const result = await dryRun(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.calls).toEqual([]);
    expect(existsSync(out), 'nothing built').toBe(false);
    const deploy = `npx cdk deploy -c codePath=${join(out, 'http')} -c auth=iam -c httpApi=true --profile dev --require-approval never --outputs-file '<temp dir>/outputs.json'`;
    expect(result.stdout).toContain('Dry run: nothing is built, deployed or read from AWS.');
    expect(result.stdout).toContain('Stack:  LambdaMcp\n');
    expect(result.stdout).toContain('Auth:   iam: only SigV4-signed requests');
    expect(result.stdout).toContain(
      `It would build the Lambda bundle into ${join(out, 'http')} (skipped in a dry run).`,
    );
    expect(result.stdout).toContain(`\n  ${deploy}\n`);
    // One cdk deploy, first time or not: the stack generates the key as its own secret.
    expect(result.stdout.split('npx cdk deploy')).toHaveLength(2);
    expect(result.stdout).toContain(
      '\nonce, on the first deploy as on every later one. MCP_REQUEST_STATE_KEY is no parameter: the stack generates\n' +
        'it once as a Secrets Manager secret (output RequestStateKeySecretArn) and keeps it across deploys.\n',
    );
    expect(result.stdout).not.toContain('--parameters');
    expect(result.stdout).not.toContain('RequestStateKey=');
    // The next steps of auth=iam, with the outputs as placeholders.
    expect(result.stdout).toContain('  Auth: IAM. Only SigV4-signed requests get in');
    expect(result.stdout).toContain(`curl -si --aws-sigv4 "aws:amz:<region>:lambda"`);
    expect(result.stdout).toContain('Through the HTTP API: the same with --url <HttpApiUrl>');
  });

  it('deploy: resolves cognito by default, an external issuer, none and the alarm e-mail from -c', async () => {
    const cognito = await dryRun([
      '--skip-build',
      '-c',
      'stackName=Demo',
      '-c',
      'alarmEmail=ops@example.com',
    ]);
    expect(cognito.code, cognito.stderr).toBe(0);
    expect(cognito.calls).toEqual([]);
    expect(cognito.stdout).toContain('Stack:  Demo\n');
    expect(cognito.stdout).toContain(
      'Auth:   cognito: a new Cognito user pool, whose tokens the server requires',
    );
    expect(cognito.stdout).toContain('Alarms: e-mailed to ops@example.com');
    expect(cognito.stdout).toContain('It would not build (--skip-build)');
    expect(cognito.stdout).toContain('Alarm topic:                 <AlarmTopicArn>');
    expect(cognito.stdout).toContain('--client-id <AgentClientId>');
    expect(cognito.stdout).toContain('--client-credentials "<AgentClientId>:$SECRET"');
    // The client configuration with the placeholders, its JSON indented with the rest of the next steps.
    expect(cognito.stdout).toContain('  Cursor, signing in instead, in ~/.cursor/mcp.json');
    expect(cognito.stdout).toContain('          "url": "<FunctionUrl>",\n          "auth": {');
    expect(cognito.stdout).toContain('"CLIENT_ID": "<PublicClientId>"');
    expect(cognito.stdout).toContain('-u "<AgentClientId>:$SECRET" "<TokenUrl>"');

    const issuer = await dryRun(['--skip-build', '--context', 'authIssuer=https://login.example.com/']);
    expect(issuer.code, issuer.stderr).toBe(0);
    expect(issuer.stdout).toContain(
      'Auth:   cognito with an external issuer: tokens of https://login.example.com/',
    );
    expect(issuer.stdout).toContain('Alarms: no actions (no -c alarmEmail)');
    expect(issuer.stdout).toContain('npx lambda-mcp-client test --url <FunctionUrl> --token "$MCP_TOKEN"');

    const open = await dryRun(['--skip-build', '-c', 'auth=none']);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout).toContain('Auth:   none: PUBLIC, no authentication');
    expect(open.stdout).toContain('WARNING: PUBLIC: auth=none');
    expect([...issuer.calls, ...open.calls]).toEqual([]);
  });

  it('deploy: passes parameters the caller gives on as they are, in the one deploy line', async () => {
    const result = await dryRun(['--skip-build', '--parameters', 'MemorySize=2048']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.calls).toEqual([]);
    expect(result.stdout).toContain(
      "\n  npx cdk deploy --parameters MemorySize=2048 --require-approval never --outputs-file '<temp dir>/outputs.json'\n",
    );
    expect(result.stdout.split('npx cdk deploy')).toHaveLength(2);
  });

  it('deploy: refuses an unknown auth mode, as the app would, with exit code 1', async () => {
    const result = await dryRun(['--skip-build', '-c', 'auth=basic']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('auth must be one of cognito, iam, none; got "basic"');
    expect(result.calls).toEqual([]);
  });

  it('destroy: prints the stack and the cdk destroy line and what it keeps, runs no cdk', async () => {
    const out = join(work, 'dry-destroy-build');
    const result = await dryRun(['--destroy', '--out-dir', out, '-c', 'stackName=Demo']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.calls).toEqual([]);
    expect(existsSync(out), 'nothing built').toBe(false);
    expect(result.stdout).toContain('Dry run: nothing is built, deleted or read from AWS.');
    expect(result.stdout).toContain('Stack: Demo\n');
    expect(result.stdout).toContain(
      `It would build the Lambda bundle first (${join(out, 'http/index.mjs')} is missing`,
    );
    expect(result.stdout).toContain(
      `\n  npx cdk destroy --force -c codePath=${join(out, 'http')} -c stackName=Demo\n`,
    );
    expect(result.stdout).toContain('  aws dynamodb delete-table --table-name <TableName>');
  });

  it("knows the CDK app's auth modes", () => {
    expect(AUTH_MODES).toEqual(INFRA_AUTH_MODES);
  });
});
