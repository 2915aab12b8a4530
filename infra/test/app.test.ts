// The CDK app (bin/app.ts) run as `cdk synth` runs it, a child process with the context in CDK_CONTEXT_JSON and
// a stand-in bundle: the auth context keys reach the stack (private by default), and settings that make no
// sense stop it with a message naming the key, before anything is synthesized; -c alarmEmail adds the alarm topic.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CfnTemplate, outputValues, render } from './expectations.js';

const INFRA = resolve(import.meta.dirname, '..');
const TSX = resolve(INFRA, '../node_modules/.bin/tsx');
const work = mkdtempSync(join(tmpdir(), 'lambda-mcp-app-'));
const bundle = join(work, 'bundle');
mkdirSync(bundle);
writeFileSync(join(bundle, 'index.mjs'), 'export const handler = async () => ({ statusCode: 204 });\n');
afterAll(() => rmSync(work, { recursive: true, force: true }));

let runs = 0;

/** Runs bin/app.ts with `context` (plus the stand-in bundle); the template when it synthesized one. */
function synth(
  context: Record<string, string>,
): Promise<{ code: number | null; stderr: string; template?: CfnTemplate }> {
  const outdir = join(work, `out${++runs}`);
  return new Promise((done, reject) => {
    const child = spawn(TSX, ['bin/app.ts'], {
      cwd: INFRA,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ codePath: bundle, ...context }),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const file = join(outdir, 'LambdaMcp.template.json');
      const template = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate) : undefined;
      done({ code, stderr, ...(template && { template }) });
    });
  });
}

describe('bin/app.ts', { timeout: 120_000 }, () => {
  it('is private by default (the Cognito user pool and AUTH_ISSUER) and takes -c auth, authIssuer, authAudience, authCallbackUrls, alarmEmail', async () => {
    const [cognito, iam, external] = await Promise.all([
      synth({ authCallbackUrls: 'https://app.example/cb, http://localhost:3000/cb' }),
      synth({ auth: 'iam', httpApi: 'true', alarmEmail: 'ops@example.com' }),
      synth({ authIssuer: 'https://login.example.com/', authAudience: 'https://mcp.example.com/mcp' }),
    ]);
    expect(cognito.stderr).toBe('');
    expect(cognito.template?.Resources.McpPublicClient?.Properties?.CallbackURLs).toEqual([
      'https://app.example/cb',
      'http://localhost:3000/cb',
    ]);
    expect(render(cognito.template?.Resources.McpFunction?.Properties?.Environment)).toMatchObject({
      Variables: { AUTH_ISSUER: 'https://cognito-idp.{{AWS::Region}}.{{AWS::URLSuffix}}/{{McpUserPool}}' },
    });
    expect(cognito.template?.Resources.McpFunctionUrl?.Properties?.AuthType).toBe('NONE');

    expect(iam.template?.Resources.McpFunctionUrl?.Properties?.AuthType).toBe('AWS_IAM');
    expect(iam.template?.Resources.HttpApiRoute?.Properties?.AuthorizationType).toBe('AWS_IAM');
    expect(iam.template?.Resources.McpAlarmTopic?.Properties?.Subscription).toEqual([
      { Endpoint: 'ops@example.com', Protocol: 'email' },
    ]);
    expect(iam.template?.Resources.HttpApi5xxAlarm?.Properties?.AlarmActions).toEqual([
      { Ref: 'McpAlarmTopic' },
    ]);
    // Without -c alarmEmail: no topic, and alarms without actions.
    expect(cognito.template?.Resources.McpAlarmTopic).toBeUndefined();
    expect(cognito.template?.Resources.McpFunctionErrorsAlarm?.Properties?.AlarmActions).toBeUndefined();

    expect(outputValues(external.template as CfnTemplate)).toMatchObject({
      AuthIssuer: 'https://login.example.com/',
      AuthAudience: 'https://mcp.example.com/mcp',
    });
    expect(
      Object.values(external.template?.Resources ?? {}).filter((r) => r.Type.startsWith('AWS::Cognito::')),
    ).toEqual([]);
  });

  it('stops, naming the setting, on the old functionUrlAuthType (the stack itself refuses bad auth settings: stack.test.ts)', async () => {
    const run = await synth({ functionUrlAuthType: 'AWS_IAM' });
    expect([run.code, run.stderr.trim(), run.template]).toEqual([
      1,
      'functionUrlAuthType is gone: use -c auth=iam (SigV4), -c auth=cognito (the default) or -c auth=none',
      undefined,
    ]);
  });
});
