// lambda-mcp-client with OAuth, as a user runs it: the executable in a child process against the reference
// server behind lambda-mcp's token gate, with real tokens from a real authorization server (oidc-provider):
// `--token`, LAMBDA_MCP_TOKEN and `--client-credentials` (discovered through the resource's metadata, one token
// for the whole run), `--suite auth` passing against the real gate and failing against a server that accepts
// any bearer token, and no token or secret ever in the output.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalMcpServer, localServerOptions, serveLocal } from 'lambda-mcp/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsMonitorApp, buildAwsMonitor } from '../examples/aws-monitor/src/app.js';
import type { JsonReport } from '../packages/lambda-mcp-client/src/runner/report.js';
import { TEST_KEY } from './helpers.js';
import { type CliRun, cliRunner, NO_AWS } from './support/cli-runner.js';
import { type OidcProvider, startOidcProvider } from './support/oidc-provider.js';

const SERVER_ENV = { LOG_LEVEL: 'SILENT', ADMIN_TOOLS: 'true', PUBLISH_TOOL: 'true', ...NO_AWS };

const apps: AwsMonitorApp[] = [];
const servers: LocalMcpServer[] = [];
const cli = cliRunner();
let issuer: OidcProvider;
/** The reference server behind the real gate. */
let gated: LocalMcpServer;
/** Every distinct bearer token the gated server was sent (the count of tokens a run obtained). */
const tokensSeen = new Set<string>();
let dir: string;

/** Serves `app` (built once the port is known) at a free loopback port. */
async function serveLater(handle: (request: Request) => Promise<Response>): Promise<LocalMcpServer> {
  const server = await serveLocal({ fetch: handle }, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server;
}

async function referenceApp(options: Parameters<typeof buildAwsMonitor>[0]): Promise<AwsMonitorApp> {
  const app = await buildAwsMonitor(
    { requestStateKey: TEST_KEY, ...localServerOptions('127.0.0.1', {}), ...options },
    SERVER_ENV,
    () => {},
  );
  apps.push(app);
  return app;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambda-mcp-client-auth-'));
  let app: AwsMonitorApp | undefined;
  gated = await serveLater(async (request) => {
    const authorization = request.headers.get('authorization');
    if (authorization?.startsWith('Bearer ')) tokensSeen.add(authorization.slice(7));
    return (app as AwsMonitorApp).handler.fetch(request);
  });
  issuer = await startOidcProvider({ resource: gated.url, scopes: ['mcp:tools', 'mcp:admin'] });
  app = await referenceApp({ auth: { issuer: issuer.issuer } });
});

afterEach(() => {
  cli.killAll();
});

afterAll(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const app of apps.splice(0)) await app.close();
  await issuer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `lambda-mcp-client …args` to its exit, `env` added and `input` piped. */
const run = (args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<CliRun> =>
  cli.run(args, env, input);

function expectNoSecrets(result: CliRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(20);
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonReport;

describe('lambda-mcp-client call with a token', () => {
  it('--token reaches the gated server, and --debug shows the header redacted', async () => {
    const token = await issuer.tokenFor(['mcp:tools']);
    const refused = await run(['call', '--url', gated.url, 'session_info']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401|Unauthorized/i);

    const result = await run(['call', '--url', gated.url, '--token', token, '--debug', 'session_info']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ structuredContent: { era: 'modern' } });
    expect(result.stderr).toMatch(/authorization: Bearer \[redacted, \d+ characters\]/);
    expectNoSecrets(result, [token]);
  });

  it('LAMBDA_MCP_TOKEN is used without the flag, and the flag wins over it', async () => {
    const token = await issuer.tokenFor(['mcp:tools']);
    const viaEnv = await run(
      ['call', '--url', gated.url, '--protocol-version', '2025-11-25', 'session_info'],
      {
        LAMBDA_MCP_TOKEN: token,
      },
    );
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({
      structuredContent: { era: 'legacy', hasSession: true },
    });

    const flagWins = await run(['call', '--url', gated.url, '--token', token, 'session_info'], {
      LAMBDA_MCP_TOKEN: 'not-a-valid-token',
    });
    expect(flagWins.code).toBe(0);
    expectNoSecrets(viaEnv, [token]);
  });

  it('--client-credentials discovers the authorization server and gets a token for the resource', async () => {
    const secret = `${issuer.clientId}:${issuer.clientSecret}`;
    const result = await run([
      'call',
      '--url',
      gated.url,
      '--client-credentials',
      secret,
      '--scope',
      'mcp:tools mcp:admin',
      '--debug',
      'list_active_sessions',
    ]);
    expect(result.code).toBe(0);
    // The admin tool exists: the token holds the admin scope, asked for by name (the metadata never
    // advertises it, so clients that ask for every advertised scope get no admin rights by default).
    expect(JSON.parse(result.stdout)).toMatchObject({ structuredContent: { sessions: expect.any(Array) } });
    // Discovery as --debug shows it: the challenge, the resource metadata, the issuer's metadata, the grant.
    expect(result.stderr).toMatch(/← 401 Unauthorized/);
    expect(result.stderr).toContain(`/.well-known/oauth-protected-resource/mcp`);
    expect(result.stderr).toContain(`${issuer.issuer}/.well-known/oauth-authorization-server`);
    const advertised = (await (
      await fetch(new URL('/.well-known/oauth-protected-resource/mcp', gated.url))
    ).json()) as { scopes_supported?: string[] };
    expect(advertised.scopes_supported).toBeUndefined();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'mcp:tools mcp:admin',
      resource: gated.url,
    });
    expect(result.stderr).toContain(`\n  ${form}\n`);
    expect(result.stderr).toMatch(/"access_token":"\[redacted\]"/);
    expectNoSecrets(result, [issuer.clientSecret]);
    expect(result.stderr).toMatch(/authorization: Basic \[redacted, \d+ characters\]/);
  });

  it('connect carries the token through a 2025 session, and shows the admin tools its scopes allow', async () => {
    const token = await issuer.tokenFor(['mcp:tools', 'mcp:admin']);
    const result = await run(
      ['connect', '--url', gated.url, '--protocol-version', '2025-06-18', '--token', token],
      {},
      'tools\ncall list_active_sessions {}\nquit\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('list_active_sessions');
    expect(result.stdout).toMatch(/"ref": "[0-9a-f]{16}"/);
    expect(result.stdout).toMatch(/"current": true/);
    expectNoSecrets(result, [token]);
  });

  it('refuses --client-credentials without a colon as a usage error, without echoing it', async () => {
    const result = await run([
      'call',
      '--url',
      gated.url,
      '--client-credentials',
      'no-colon-secret-value',
      'x',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "option '--client-credentials <id:secret>' is invalid: must be <client-id>:<client-secret>",
    );
    expect(result.stderr).not.toContain('no-colon-secret-value');
  });
});

describe('lambda-mcp-client test with a token', () => {
  it('runs the protocol suite with --client-credentials on one token for the whole run', async () => {
    tokensSeen.clear();
    const result = await run([
      'test',
      '--url',
      gated.url,
      '--suite',
      'protocol',
      '--client-credentials',
      `${issuer.clientId}:${issuer.clientSecret}`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/PASS: \d+ passed/);
    expect(tokensSeen.size).toBe(1);
    expectNoSecrets(result, [issuer.clientSecret, ...tokensSeen]);
  });

  it('--suite auth passes against the real gate; the cross-principal check says why it did not run', async () => {
    const token = await issuer.tokenFor(['mcp:tools']);
    const file = join(dir, 'auth.json');
    const result = await run([
      'test',
      '--url',
      gated.url,
      '--suite',
      'auth',
      '--token',
      token,
      '--client-credentials',
      `${issuer.clientId}:${issuer.clientSecret}`,
      '--detailed-report',
      '--json',
      file,
    ]);
    expect(result.code).toBe(0);
    const report = readReport(file);
    expect(report.suites).toEqual(['auth']);
    const byName = (start: string) => report.tests.filter((t) => t.name.startsWith(start));
    for (const name of [
      'protected resource metadata at /.well-known/oauth-protected-resource/<path>',
      'protected resource metadata at the root',
      'a request without a token answers 401',
      'a garbage token answers 401 invalid_token',
      'a token with the same claims signed by another key answers 401',
      'an unsigned token (alg none)',
    ]) {
      expect(byName(name).map((t) => t.outcome)).toEqual(['pass']);
    }
    expect(byName('a session opened with the token answers 401 without it').map((t) => t.outcome)).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
    // One client at the authorization server: both identities are the same principal, so no 404 check.
    const crossPrincipal = byName('a session opened with the token answers 404 to another principal');
    expect(crossPrincipal).toHaveLength(3);
    for (const test of crossPrincipal) {
      expect(test.outcome).toBe('skip');
      expect(test.reason).toContain('not run: needs a second identity');
      expect(test.reason).toContain(`same principal (client ${issuer.clientId} sub ${issuer.clientId})`);
    }
    expectNoSecrets(result, [token, issuer.clientSecret]);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
  });

  it('stops at once, saying why, when the client credentials are refused', async () => {
    const wrong = 'wrong-secret-for-lambda-mcp-test-client';
    const result = await run([
      'test',
      '--url',
      gated.url,
      '--client-credentials',
      `${issuer.clientId}:${wrong}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `could not get a token (--client-credentials ${issuer.clientId}): the token endpoint ${issuer.issuer}/token refused the client credentials`,
    );
    expect(result.stdout).toBe('');
    expectNoSecrets(result, [wrong]);
  });

  it('--suite auth without a token reports every check as not run, and the run as not passed', async () => {
    const result = await run(['test', '--url', gated.url, '--suite', 'auth']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\nauth\s+0\s+0\s+(\d+)\s+\1\n/);
    expect(result.stdout).toContain('not run: the auth suite needs a token');
    expect(result.stdout).toMatch(/NOT RUN: all \d+ tests were skipped; a skip never counts as a pass/);
  });

  it('--suite auth fails against a server that accepts any bearer token', async () => {
    // The reference server without the gate, behind a shim that only checks that a Bearer header is there and
    // serves metadata naming an authorization server of its own: every token, forged or not, is "valid", its
    // claims read unverified into the caller's identity (so sessions are still bound to a principal).
    let app: AwsMonitorApp | undefined;
    let own: OidcProvider | undefined;
    const broken = await serveLater(async (request) => {
      const url = new URL(request.url);
      if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
        return Response.json({
          resource: broken.url,
          authorization_servers: [(own as OidcProvider).issuer],
          scopes_supported: ['mcp:tools'],
          bearer_methods_supported: ['header'],
        });
      }
      const authorization = request.headers.get('authorization') ?? '';
      if (!authorization.startsWith('Bearer ')) {
        const metadata = `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': `Bearer resource_metadata="${metadata}"` },
        });
      }
      const token = authorization.slice(7);
      let claims: { client_id?: string; sub?: string } = {};
      try {
        claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
      } catch {
        // Not a JWT: still "valid" here.
      }
      const fake = {
        token,
        clientId: claims.client_id ?? 'anyone',
        scopes: ['mcp:tools'],
        extra: { sub: claims.sub },
      };
      return (app as AwsMonitorApp).handler.fetch(request, { authInfo: fake });
    });
    own = await startOidcProvider({ resource: broken.url, scopes: ['mcp:tools'] });
    app = await referenceApp({});
    // A token nobody issued, for another principal than the client's: the shim takes it as it is.
    const claims = {
      iss: own.issuer,
      aud: broken.url,
      sub: 'alice',
      client_id: 'someone-else',
      scope: 'mcp:tools',
    };
    const made = ['{"alg":"none"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url'));
    const file = join(dir, 'broken.json');
    const result = await run([
      'test',
      '--url',
      broken.url,
      '--suite',
      'auth',
      '--protocol-version',
      '2025-11-25',
      '--token',
      `${made.join('.')}.c2lnbmF0dXJl`,
      '--client-credentials',
      `${own.clientId}:${own.clientSecret}`,
      '--json',
      file,
    ]);
    await own.close();
    expect(result.code).toBe(1);
    const report = readReport(file);
    const outcome = (start: string) => report.tests.find((t) => t.name.startsWith(start));
    expect(outcome('a token with the same claims signed by another key')).toMatchObject({
      outcome: 'fail',
      message: expect.stringContaining('a server that accepts it does not verify tokens'),
    });
    expect(outcome('an unsigned token (alg none)')).toMatchObject({ outcome: 'fail' });
    expect(outcome('a garbage token answers 401 invalid_token')).toMatchObject({ outcome: 'fail' });
    expect(outcome('a request without a token answers 401')).toMatchObject({ outcome: 'pass' });
    expect(outcome('a session opened with the token answers 401 without it')).toMatchObject({
      outcome: 'pass',
    });
    // Sessions are bound to the principal the shim reads: the client's token is another one, and gets 404.
    expect(outcome('a session opened with the token answers 404 to another principal')).toMatchObject({
      outcome: 'pass',
    });
    expect(result.stdout).toMatch(/FAIL: 3 failed/);
    expectNoSecrets(result, [own.clientSecret]);
  });
});
