// The ready-to-paste client configuration `npm run deploy` prints after its next steps (scripts/deploy.ts
// nextSteps): for Claude Desktop, Cursor, VS Code and the MCP Inspector, the configurations of
// docs/clients.md filled with the stack's outputs (the Function URL, the token URL, the public client's id),
// for the stack's auth mode: a token in a header and signing in with Cognito, a header only with an external
// issuer, no header with auth=none, and nothing to paste with auth=iam (these clients do not sign SigV4).
// Every JSON block is built as a value and printed with JSON.stringify, so it is valid JSON whatever the
// outputs hold; scripts/client-configs.test.ts keeps docs/clients.md's JSON blocks equal to what this prints
// with the docs' placeholders. Tokens come from the environment (`$MCP_TOKEN`, `${env:MCP_TOKEN}`), a VS Code
// password prompt or a paste, and the agent client's secret from the user's own `aws` call: no secret is an
// output, so none is ever printed.

/** A stack's outputs, by output name. */
export type StackOutputs = Record<string, string>;

/** The scope every request needs (infra/lib/auth.ts SCOPES.tools), when the stack does not output one. */
export const DEFAULT_SCOPE = 'lambda-mcp/mcp:tools';

/** The server's name in every client's configuration (`mcpServers` / `servers` key). */
export const SERVER_KEY = 'lambda-mcp';

/** The environment variable the printed commands and configurations read the access token from. */
export const TOKEN_VARIABLE = 'MCP_TOKEN';

/** The redirect URLs of each client that signs in (docs/clients.md), for `-c authCallbackUrls=`. */
export const CALLBACK_URLS = {
  /** The Inspector's web UI, normal and debug flow: the stack's defaults (infra/lib/auth.ts). */
  inspector: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug'],
  /** Claude's connectors (both domains, as third-party guides say). */
  claude: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
  /** Cursor's fixed redirect URL. */
  cursor: ['cursor://anysphere.cursor-mcp/oauth/callback'],
  /** The Inspector's CLI, on localhost (Cognito takes plain http for localhost only). */
  inspectorCli: ['http://localhost:6276/oauth/callback'],
} as const;

/** How clients get in, from the outputs (as nextSteps reads them). */
export type ClientAuth = 'cognito' | 'issuer' | 'none' | 'iam';

/** One piece of the printed configuration: prose or commands as they are, or a JSON file's content. */
export type ConfigBlock =
  | { kind: 'text'; lines: string[] }
  | { kind: 'json'; client: string; variant: string; file: string; note?: string; value: object };

/**
 * The auth mode the outputs show: Cognito (a user pool and its agent client), an external issuer (AuthIssuer
 * without a pool), none (the public-endpoint warning), else IAM.
 *
 * @example
 * clientAuthOf({ FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', PublicEndpointWarning: 'PUBLIC' }); // 'none'
 */
export function clientAuthOf(outputs: StackOutputs): ClientAuth {
  if (outputs.UserPoolId && outputs.AgentClientId) return 'cognito';
  if (outputs.AuthIssuer) return 'issuer';
  if (outputs.PublicEndpointWarning) return 'none';
  return 'iam';
}

/**
 * The configuration blocks for the outputs' auth mode, in print order: for each client the header variant
 * (a token) unless auth=none, the sign-in variant with Cognito, the plain one with auth=none; with auth=iam
 * one line saying there is nothing to paste.
 *
 * @example
 * const blocks = clientConfigBlocks({ FunctionUrl: url, PublicEndpointWarning: 'PUBLIC: ...' });
 * blocks.filter((block) => block.kind === 'json').map((block) => block.file);
 * // ['claude_desktop_config.json', '~/.cursor/mcp.json', '.vscode/mcp.json']
 */
export function clientConfigBlocks(outputs: StackOutputs): ConfigBlock[] {
  const auth = clientAuthOf(outputs);
  if (auth === 'iam') {
    return [
      text(
        'Client configuration: none to paste. Claude Desktop, Cursor, VS Code and the MCP Inspector cannot sign',
        'SigV4 requests, which auth=iam requires (docs/deploying-securely.md).',
      ),
    ];
  }
  const url = outputs.FunctionUrl ?? '<FunctionUrl>';
  const publicClient = outputs.PublicClientId ?? '<PublicClientId>';
  const scope = outputs.AuthRequiredScopes ?? DEFAULT_SCOPE;
  const token = auth !== 'none';
  const signIn = auth === 'cognito';
  const blocks: ConfigBlock[] = [
    text(
      `Client configuration, filled from the outputs (docs/clients.md explains each; ${SERVER_KEY} is the name`,
      'the clients show):',
    ),
  ];

  if (auth === 'cognito') {
    const client = outputs.AgentClientId as string;
    const tokenUrl = outputs.TokenUrl ?? '<TokenUrl>';
    blocks.push(
      text(
        `A token for the header configurations (with SECRET read as above; Cognito tokens last an hour):`,
        '',
        `  export ${TOKEN_VARIABLE}=$(curl -s -u "${client}:$SECRET" "${tokenUrl}" -d grant_type=client_credentials \\`,
        `    --data-urlencode 'scope=${scope}' | jq -r .access_token)`,
      ),
      text(
        "Signing in needs the client's redirect URL among the public client's callback URLs. For all of the",
        "clients below (the Inspector's, Claude's, Cursor's and the Inspector CLI's), deploy again adding:",
        '',
        `  -c authCallbackUrls=${Object.values(CALLBACK_URLS).flat().join(',')}`,
      ),
    );
  } else if (auth === 'issuer') {
    blocks.push(
      text(
        `A token for the header configurations: an access token of ${outputs.AuthIssuer} for this server, in`,
        `${TOKEN_VARIABLE} (export ${TOKEN_VARIABLE}=<access token>).`,
      ),
    );
  }

  // Claude Desktop: connectors (made from Anthropic's cloud) take no header; a token goes through mcp-remote.
  const connector = 'Settings → Connectors → Add custom connector, with the remote MCP server URL';
  if (signIn) {
    blocks.push(
      text(
        "Claude Desktop, signing in (with Claude's redirect URLs added as above):",
        connector,
        `  ${url}`,
        `and, under Advanced settings, the OAuth Client ID ${publicClient} (leave the secret empty).`,
      ),
    );
  } else if (auth === 'none') {
    blocks.push(text('Claude Desktop:', connector, `  ${url}`));
  }
  if (token) {
    blocks.push(
      json(
        'Claude Desktop',
        'a token through mcp-remote',
        'claude_desktop_config.json',
        `the token, echo "$${TOKEN_VARIABLE}", in place of <access token>`,
        {
          mcpServers: {
            [SERVER_KEY]: {
              command: 'npx',
              args: ['-y', 'mcp-remote', url, '--header', `Authorization:\${AUTH_HEADER}`],
              env: { AUTH_HEADER: 'Bearer <access token>' },
            },
          },
        },
      ),
    );
  } else {
    blocks.push(
      json('Claude Desktop', 'through mcp-remote instead', 'claude_desktop_config.json', undefined, {
        mcpServers: { [SERVER_KEY]: { command: 'npx', args: ['-y', 'mcp-remote', url] } },
      }),
    );
  }

  // Cursor: `${env:NAME}` reads the environment of the process that started Cursor.
  const cursorFile = '~/.cursor/mcp.json';
  const cursorWhere = 'or .cursor/mcp.json of one project';
  if (token) {
    blocks.push(
      json('Cursor', 'a token', cursorFile, `${cursorWhere}; start Cursor where ${TOKEN_VARIABLE} is set`, {
        mcpServers: {
          [SERVER_KEY]: { url, headers: { Authorization: `Bearer \${env:${TOKEN_VARIABLE}}` } },
        },
      }),
    );
  } else {
    blocks.push(
      json('Cursor', 'no token needed', cursorFile, cursorWhere, {
        mcpServers: { [SERVER_KEY]: { url } },
      }),
    );
  }
  if (signIn) {
    blocks.push(
      json('Cursor', 'signing in instead', cursorFile, cursorWhere, {
        mcpServers: { [SERVER_KEY]: { url, auth: { CLIENT_ID: publicClient, scopes: [scope] } } },
      }),
    );
  }

  // VS Code: a password prompt asks for the token once and keeps it out of the file.
  const vscodeFile = '.vscode/mcp.json';
  if (token) {
    blocks.push(
      json('VS Code', 'a token', vscodeFile, 'asked for once, never stored in the file', {
        inputs: [
          {
            type: 'promptString',
            id: 'mcp-token',
            description: `${SERVER_KEY} access token`,
            password: true,
          },
        ],
        servers: {
          [SERVER_KEY]: { type: 'http', url, headers: { Authorization: `Bearer \${input:mcp-token}` } },
        },
      }),
    );
  } else {
    blocks.push(
      json('VS Code', 'no token needed', vscodeFile, undefined, {
        servers: { [SERVER_KEY]: { type: 'http', url } },
      }),
    );
  }
  if (signIn) {
    blocks.push(
      json(
        'VS Code',
        'signing in instead',
        vscodeFile,
        'not verified: VS Code names no redirect URL to add to authCallbackUrls, see docs/clients.md',
        {
          servers: { [SERVER_KEY]: { type: 'http', url, oauth: { clientId: publicClient } } },
        },
      ),
    );
  }

  // The Inspector: its web UI, then its CLI for scripts.
  const how = [
    ...(token ? [`an Authorization header "Bearer <token>" (echo "$${TOKEN_VARIABLE}")`] : []),
    ...(signIn ? [`the OAuth client ID ${publicClient}, and sign in`] : []),
  ];
  blocks.push(
    text(
      'MCP Inspector: npx @modelcontextprotocol/inspector, open the http://localhost:6274/ address it prints,',
      'choose Streamable HTTP and give the URL',
      `  ${url}`,
      ...(how.length ? [`then ${how.join(', or ')}.`] : []),
      'Its CLI, for scripts:',
      '',
      ...inspectorCliLines(url, token),
    ),
  );
  return blocks;
}

/**
 * The two Inspector CLI lines (tools/list, then a tools/call of session_info), with the token header unless
 * the stack takes requests without one.
 *
 * @example
 * inspectorCliLines('https://x.lambda-url.eu-west-1.on.aws/', false)[0];
 * // '  npx @modelcontextprotocol/inspector --cli "https://x.lambda-url.eu-west-1.on.aws/" --transport http --method tools/list'
 */
export function inspectorCliLines(url: string, token: boolean): string[] {
  const header = `--header "Authorization: Bearer $${TOKEN_VARIABLE}"`;
  const base = `  npx @modelcontextprotocol/inspector --cli "${url}" --transport http`;
  return token
    ? [
        `${base} --method tools/list \\`,
        `    ${header}`,
        `${base} --method tools/call \\`,
        `    --tool-name session_info ${header}`,
      ]
    : [`${base} --method tools/list`, `${base} --method tools/call --tool-name session_info`];
}

/**
 * The client configuration `npm run deploy` prints after its next steps: {@link clientConfigBlocks} as text,
 * each JSON block under a one-line heading naming the client and the file it goes into, pretty-printed and
 * indented by two.
 *
 * @example
 * console.log(clientConfigs({ FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', AuthIssuer: 'https://login.example.com/' }));
 */
export function clientConfigs(outputs: StackOutputs): string {
  return clientConfigBlocks(outputs)
    .map((block) =>
      block.kind === 'text'
        ? block.lines.join('\n')
        : [
            `${block.client}, ${block.variant}, in ${block.file}${block.note ? ` (${block.note})` : ''}:`,
            '',
            ...JSON.stringify(block.value, null, 2)
              .split('\n')
              .map((line) => `  ${line}`),
          ].join('\n'),
    )
    .join('\n\n');
}

function text(...lines: string[]): ConfigBlock {
  return { kind: 'text', lines };
}

function json(
  client: string,
  variant: string,
  file: string,
  note: string | undefined,
  value: object,
): ConfigBlock {
  return { kind: 'json', client, variant, file, ...(note && { note }), value };
}
