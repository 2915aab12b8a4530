// The client configuration `npm run deploy` prints (scripts/client-configs.ts), for each auth mode the stack
// outputs show: every JSON block in the printed text parses, equals the block built, sits under a heading
// naming its client and file, and holds the exact Function URL (and the public client's id only where a
// client signs in); auth=none prints no header, auth=iam nothing to paste; no secret is ever printed. And
// docs/clients.md in step: its JSON blocks are exactly what is printed for a Cognito stack when the outputs
// are the docs' placeholders, and its token and Inspector command lines are the printed ones.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_URLS, SCOPES } from '../infra/lib/auth.js';
import {
  CALLBACK_URLS,
  type ClientAuth,
  type ConfigBlock,
  clientAuthOf,
  clientConfigBlocks,
  clientConfigs,
  DEFAULT_SCOPE,
  type StackOutputs,
} from './client-configs.js';

const ROOT = resolve(import.meta.dirname, '..');
const URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/';
/** A value that must never be printed: were a secret ever an output, it would look like this. */
const SECRET = 'ClientSecret-9f8e7d6c5b4a-never-printed';
const BASE = { FunctionUrl: URL, TableName: 'LambdaMcp-McpSessionTable-X1', AgentClientSecret: SECRET };
const OUTPUTS: Record<ClientAuth, StackOutputs> = {
  cognito: {
    ...BASE,
    AuthIssuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool1',
    UserPoolId: 'eu-west-1_Pool1',
    TokenUrl: 'https://lambda-mcp-1234.auth.eu-west-1.amazoncognito.com/oauth2/token',
    AgentClientId: 'agentclient1',
    PublicClientId: 'publicclient1',
    AuthClientIds: 'agentclient1,publicclient1',
    AuthRequiredScopes: 'lambda-mcp/mcp:tools',
  },
  issuer: { ...BASE, AuthIssuer: 'https://login.example.com/', AuthAudience: 'https://mcp.example' },
  none: { ...BASE, PublicEndpointWarning: 'PUBLIC: auth=none, anyone who knows the URL can call every tool' },
  iam: BASE,
};

/** A JSON block found in printed text: the heading line above it and the value it parses to. */
interface Printed {
  heading: string;
  value: unknown;
}

/**
 * Every JSON block in `text`: from a line that is `{` alone (after its indentation) to the first line that is
 * `}` at the same indentation, dedented and parsed; the heading is the last non-empty line before it.
 */
function printedJson(text: string): Printed[] {
  const lines = text.split('\n');
  const found: Printed[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)\{$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = open[1] as string;
    const end = lines.indexOf(`${indent}}`, i);
    expect(end, `the block at line ${i + 1} closes`).toBeGreaterThan(i);
    const body = lines.slice(i, end + 1).map((line) => line.slice(indent.length));
    const heading = lines.slice(0, i).findLast((line) => line.trim() !== '') ?? '';
    found.push({ heading: heading.trim(), value: JSON.parse(body.join('\n')) });
    i = end;
  }
  return found;
}

const jsonBlocks = (blocks: ConfigBlock[]) =>
  blocks.filter((block): block is Extract<ConfigBlock, { kind: 'json' }> => block.kind === 'json');

/** Every string inside a JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The servers entry of a configuration (`mcpServers` for Claude and Cursor, `servers` for VS Code). */
function serverOf(value: unknown): Record<string, unknown> {
  const config = value as { mcpServers?: Record<string, unknown>; servers?: Record<string, unknown> };
  const servers = config.mcpServers ?? config.servers ?? {};
  expect(Object.keys(servers)).toEqual(['lambda-mcp']);
  return servers['lambda-mcp'] as Record<string, unknown>;
}

describe('clientConfigs', () => {
  it('reads the auth mode from the outputs as nextSteps does', () => {
    expect(Object.entries(OUTPUTS).map(([mode, outputs]) => [mode, clientAuthOf(outputs)])).toEqual([
      ['cognito', 'cognito'],
      ['issuer', 'issuer'],
      ['none', 'none'],
      ['iam', 'iam'],
    ]);
  });

  it.each(['cognito', 'issuer', 'none'] as const)(
    'auth %s: every printed JSON block parses, is the block built, under a heading naming client and file, with the exact URL',
    (mode) => {
      const outputs = OUTPUTS[mode];
      const text = clientConfigs(outputs);
      const built = jsonBlocks(clientConfigBlocks(outputs));
      const printed = printedJson(text);
      expect(printed.map((block) => block.value)).toEqual(built.map((block) => block.value));
      expect(built.map((block) => block.client)).toEqual(
        mode === 'cognito'
          ? ['Claude Desktop', 'Cursor', 'Cursor', 'VS Code', 'VS Code']
          : ['Claude Desktop', 'Cursor', 'VS Code'],
      );
      for (const [index, block] of built.entries()) {
        const { heading, value } = printed[index] as Printed;
        expect(heading.startsWith(`${block.client}, `), heading).toBe(true);
        expect(heading, heading).toContain(` in ${block.file}`);
        expect(heading.endsWith(':'), heading).toBe(true);
        const server = serverOf(value);
        // The endpoint is the Function URL, exactly: Cursor and VS Code as `url`, mcp-remote as its argument.
        if (block.client === 'Claude Desktop') {
          expect(server.command).toBe('npx');
          expect((server.args as string[]).slice(0, 3)).toEqual(['-y', 'mcp-remote', URL]);
        } else expect(server.url).toBe(URL);
        if (block.client === 'VS Code') expect(server.type).toBe('http');
      }
      expect(built.map((block) => block.file)).toEqual(
        expect.arrayContaining(['claude_desktop_config.json', '~/.cursor/mcp.json', '.vscode/mcp.json']),
      );
      // Never a secret, nor the agent client (whose secret the user reads with the AWS CLI).
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('AgentClientSecret');
      expect(printed.flatMap((block) => stringsOf(block.value))).not.toContain('agentclient1');
    },
  );

  it('Cognito: the token line filled (agent client, token URL, scope), header configs, and the sign-in ones with the public client', () => {
    const outputs = OUTPUTS.cognito;
    const text = clientConfigs(outputs);
    expect(text).toContain(
      `  export MCP_TOKEN=$(curl -s -u "agentclient1:$SECRET" "${outputs.TokenUrl}" -d grant_type=client_credentials \\\n` +
        "    --data-urlencode 'scope=lambda-mcp/mcp:tools' | jq -r .access_token)",
    );
    // $SECRET is the shell variable the next steps' `aws cognito-idp describe-user-pool-client` sets.
    expect(text.match(/SECRET/g)).toEqual(['SECRET', 'SECRET']);
    expect(text).toContain('$SECRET');
    const [claude, cursorToken, cursorSignIn, vscodeToken, vscodeSignIn] = jsonBlocks(
      clientConfigBlocks(outputs),
    ).map((block) => serverOf(block.value));
    expect(claude).toEqual({
      command: 'npx',
      args: ['-y', 'mcp-remote', URL, '--header', `Authorization:\${AUTH_HEADER}`],
      env: { AUTH_HEADER: 'Bearer <access token>' },
    });
    expect(cursorToken).toEqual({ url: URL, headers: { Authorization: `Bearer \${env:MCP_TOKEN}` } });
    expect(cursorSignIn).toEqual({
      url: URL,
      auth: { CLIENT_ID: 'publicclient1', scopes: ['lambda-mcp/mcp:tools'] },
    });
    expect(vscodeToken).toEqual({
      type: 'http',
      url: URL,
      headers: { Authorization: `Bearer \${input:mcp-token}` },
    });
    expect(vscodeSignIn).toEqual({ type: 'http', url: URL, oauth: { clientId: 'publicclient1' } });
    const [vscodeFile] = jsonBlocks(clientConfigBlocks(outputs)).filter((b) => b.client === 'VS Code');
    expect((vscodeFile?.value as { inputs?: unknown[] } | undefined)?.inputs).toEqual([
      { type: 'promptString', id: 'mcp-token', description: 'lambda-mcp access token', password: true },
    ]);
    // Claude's connector and the Inspector, with the URL and the public client filled.
    expect(text).toContain(
      `Settings → Connectors → Add custom connector, with the remote MCP server URL\n  ${URL}\n` +
        'and, under Advanced settings, the OAuth Client ID publicclient1 (leave the secret empty).',
    );
    expect(text).toContain('the OAuth client ID publicclient1, and sign in.');
    expect(text).toContain(
      `  npx @modelcontextprotocol/inspector --cli "${URL}" --transport http --method tools/list \\\n` +
        '    --header "Authorization: Bearer $MCP_TOKEN"\n' +
        `  npx @modelcontextprotocol/inspector --cli "${URL}" --transport http --method tools/call \\\n` +
        '    --tool-name session_info --header "Authorization: Bearer $MCP_TOKEN"',
    );
    // Every client's redirect URL, in the one -c authCallbackUrls the user adds to sign in.
    expect(text).toContain(`  -c authCallbackUrls=${Object.values(CALLBACK_URLS).flat().join(',')}\n`);
  });

  it('an external issuer: header configurations only, no client id, no sign-in', () => {
    const text = clientConfigs(OUTPUTS.issuer);
    const printed = printedJson(text);
    expect(printed.map((block) => Object.keys(serverOf(block.value)).sort())).toEqual([
      ['args', 'command', 'env'],
      ['headers', 'url'],
      ['headers', 'type', 'url'],
    ]);
    expect(text).toContain('an access token of https://login.example.com/ for this server');
    expect(text).toContain('--header "Authorization: Bearer $MCP_TOKEN"');
    for (const absent of ['CLIENT_ID', 'oauth', 'OAuth', 'Client ID', 'authCallbackUrls', 'Connectors']) {
      expect(text).not.toContain(absent);
    }
  });

  it('auth=none: no header, token or client id anywhere, and the plain Inspector lines', () => {
    const text = clientConfigs(OUTPUTS.none);
    const printed = printedJson(text);
    expect(printed.map((block) => serverOf(block.value))).toEqual([
      { command: 'npx', args: ['-y', 'mcp-remote', URL] },
      { url: URL },
      { type: 'http', url: URL },
    ]);
    expect(printed.map((block) => Object.keys(block.value as object))).toEqual([
      ['mcpServers'],
      ['mcpServers'],
      ['servers'],
    ]);
    for (const absent of [
      'Authorization',
      '--header',
      'MCP_TOKEN',
      'Bearer',
      'CLIENT_ID',
      'oauth',
      'inputs',
    ]) {
      expect(text).not.toContain(absent);
    }
    expect(text).toContain(
      `Settings → Connectors → Add custom connector, with the remote MCP server URL\n  ${URL}`,
    );
    expect(text).toContain(
      `  npx @modelcontextprotocol/inspector --cli "${URL}" --transport http --method tools/list\n` +
        `  npx @modelcontextprotocol/inspector --cli "${URL}" --transport http --method tools/call --tool-name session_info`,
    );
  });

  it('auth=iam: one line saying these clients cannot sign SigV4, and nothing to paste', () => {
    const text = clientConfigs(OUTPUTS.iam);
    expect(text).toBe(
      'Client configuration: none to paste. Claude Desktop, Cursor, VS Code and the MCP Inspector cannot sign\n' +
        'SigV4 requests, which auth=iam requires (docs/deploying-securely.md).',
    );
    expect(printedJson(text)).toEqual([]);
    expect(jsonBlocks(clientConfigBlocks(OUTPUTS.iam))).toEqual([]);
  });

  it('prints valid JSON whatever an output holds (quotes, backslashes, newlines)', () => {
    const odd = { ...OUTPUTS.cognito, FunctionUrl: 'https://a"b\\c\n/', PublicClientId: 'x"}{' };
    const printed = printedJson(clientConfigs(odd));
    expect(printed).toHaveLength(5);
    expect(
      printed.map((block) => serverOf(block.value).url ?? (serverOf(block.value).args as string[])[2]),
    ).toEqual(Array(5).fill('https://a"b\\c\n/'));
  });

  it("uses the CDK app's scope and default callback URLs", () => {
    expect(DEFAULT_SCOPE).toBe(SCOPES.tools);
    expect(CALLBACK_URLS.inspector).toEqual(DEFAULT_CALLBACK_URLS);
    // Without an AuthRequiredScopes output (the dry run's placeholders), the default scope.
    const { AuthRequiredScopes: _scope, ...withoutScope } = OUTPUTS.cognito;
    expect(clientConfigs(withoutScope)).toContain(`'scope=${SCOPES.tools}'`);
  });
});

describe('docs/clients.md', () => {
  const docs = readFileSync(join(ROOT, 'docs/clients.md'), 'utf8');
  /** The outputs as the docs write them: placeholders, and the shell variables of its token block. */
  const placeholders: StackOutputs = {
    FunctionUrl: 'https://<id>.lambda-url.<region>.on.aws/',
    UserPoolId: '$POOL',
    AgentClientId: '$CLIENT',
    TokenUrl: '$TOKEN_URL',
    PublicClientId: '<PublicClientId>',
    AuthRequiredScopes: SCOPES.tools,
  };
  const fenced = (language: string) =>
    [...docs.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] as string);

  it('shows exactly the JSON blocks deploy prints for a Cognito stack, in the same order', () => {
    const documented = fenced('json').map((block) => JSON.parse(block) as unknown);
    expect(documented).toEqual(jsonBlocks(clientConfigBlocks(placeholders)).map((block) => block.value));
  });

  it('shows the token line and the Inspector CLI lines deploy prints', () => {
    const commands = fenced('sh').join('\n');
    const text = clientConfigs({ ...placeholders, FunctionUrl: '$URL' });
    const dedent = (lines: string[]) => lines.map((line) => line.slice(2)).join('\n');
    const lines = text.split('\n');
    const tokenAt = lines.findIndex((line) => line.startsWith('  export MCP_TOKEN='));
    expect(commands).toContain(dedent(lines.slice(tokenAt, tokenAt + 2)));
    const inspectorAt = lines.findIndex((line) => line.startsWith('  npx @modelcontextprotocol/inspector'));
    expect(commands).toContain(dedent(lines.slice(inspectorAt, inspectorAt + 4)));
  });

  it("names every client's redirect URL deploy puts in authCallbackUrls, and says deploy prints these", () => {
    for (const url of Object.values(CALLBACK_URLS).flat()) expect(docs).toContain(url);
    expect(docs).toContain('filled in');
  });
});
