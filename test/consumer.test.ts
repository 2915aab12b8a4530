// lambda-mcp and lambda-mcp-client as an adopter gets them: both packed (`prepack` builds dist/), installed
// from the tarballs into a blank project outside the workspace next to the peer dependencies at the
// workspace's versions, and then the package README's own files (its ```ts blocks, each headed by its path)
// and its esbuild command used there: type-checked and compiled with the consumer's strict settings, served
// under plain `node` to real SDK v1 and v2 clients and to the installed CLI, bundled for Lambda and invoked,
// and both tarballs linted with publint and arethetypeswrong.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');
const README = join(ROOT, 'packages/lambda-mcp/README.md');
const KEY = 'c4'.repeat(32);
/** What the consumer installs besides the two tarballs, each at the version the workspace has installed. */
const PEERS = [
  '@modelcontextprotocol/server',
  'zod',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@types/node',
];
/** The consumer's compiler settings: the strict end of what adopters use. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    types: ['node'],
    // lambda-mcp's own declarations are checked too, under the consumer's strictest flags.
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

interface PackedFile {
  path: string;
  size: number;
}
interface Packed {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
let dir: string;
let app: string;
let packed: Map<string, Packed>;
const sizes: string[] = [];

/** The environment for npm: none of an enclosing `npm test`'s workspace or prefix settings. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(workspaces?|include_workspace_root|global|location|prefix|local_prefix)$/i.test(key)) {
      delete env[key];
    }
  }
  return env;
}

/** Runs `command` to its end (killed after `timeoutMs`). */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `run`, failing with its output unless it exits 0. */
async function runOk(...args: Parameters<typeof run>): Promise<Run> {
  const result = await run(...args);
  if (result.code !== 0) {
    throw new Error(
      `${args[0]} ${args[1].join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

function workspaceVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  return (manifest as { version: string }).version;
}

/** The README's TypeScript files: every ```ts block whose first line is `// <path>`. */
function readmeFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of markdown.matchAll(/```ts\n\/\/ (src\/[\w.-]+\.ts)\n([\s\S]*?)```/g)) {
    files.set(match[1] as string, `// ${match[1]}\n${match[2]}`);
  }
  return files;
}

/** The README's esbuild command as arguments (without `npx esbuild`). */
function readmeEsbuildArgs(markdown: string): string[] {
  const block = /```sh\n(npx esbuild [\s\S]*?)```/.exec(markdown)?.[1];
  if (!block) throw new Error('packages/lambda-mcp/README.md has no `npx esbuild` command');
  return block.replace(/\\\n/g, ' ').trim().split(/\s+/).slice(2);
}

/** A 2026-07-28 `tools/call` of `hello` as API Gateway (payload 2.0) delivers it. */
function toolsCallEvent(name: string) {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'hello',
      arguments: { name },
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'consumer-test', version: '1.0.0' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
  const domainName = 'abc123.execute-api.us-east-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/mcp',
    rawQueryString: '',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      host: domainName,
      'mcp-method': 'tools/call',
      'mcp-name': 'hello',
      'mcp-protocol-version': '2026-07-28',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName,
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/mcp',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'node',
      },
      requestId: 'consumer-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    body,
    isBase64Encoded: false,
  };
}

/** Loads a bundle in a plain `node` and invokes its `handler` once; prints the result as JSON. */
const INVOKE_SCRIPT = `
const [file, event] = process.argv.slice(1);
const { handler } = await import(file);
const context = { awsRequestId: 'consumer-1', getRemainingTimeInMillis: () => 30000 };
console.log(JSON.stringify(await handler(JSON.parse(event), context)));
`;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-mcp-consumer-'));
  const packs = join(dir, 'packs');
  await mkdir(packs);
  const pack = await runOk(
    'npm',
    ['pack', '-w', 'lambda-mcp', '-w', 'lambda-mcp-client', '--pack-destination', packs, '--json'],
    { cwd: ROOT, env: npmEnv(), timeoutMs: 45_000 },
  );
  packed = new Map((JSON.parse(pack.stdout) as Packed[]).map((entry) => [entry.name, entry]));

  app = join(dir, 'app');
  await mkdir(join(app, 'src'), { recursive: true });
  const tarball = (name: string) => `file:${join(packs, packed.get(name)?.filename ?? '')}`;
  const manifest = {
    name: 'lambda-mcp-consumer',
    private: true,
    type: 'module',
    dependencies: {
      'lambda-mcp': tarball('lambda-mcp'),
      'lambda-mcp-client': tarball('lambda-mcp-client'),
      ...Object.fromEntries(PEERS.map((name) => [name, workspaceVersion(name)])),
    },
  };
  await writeFile(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(app, 'tsconfig.json'), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  for (const [path, text] of readmeFiles(await readFile(README, 'utf8'))) {
    await writeFile(join(app, path), text);
  }
  // From npm's cache (filled by `npm ci`) where it can; no install scripts, no audit.
  await runOk(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { cwd: app, env: npmEnv(), timeoutMs: 60_000 },
  );
}, 90_000); // pack (two tsc builds) and install: about 15 s alone, 30 s inside the full suite

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (sizes.length > 0) console.log(`consumer: ${sizes.join('; ')}`);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed packages in a blank project', { timeout: 120_000 }, () => {
  it('ship only dist JavaScript, declarations and source maps, README.md, LICENSE and package.json', () => {
    const shipped = /^dist\/.+\.(js|d\.ts|js\.map)$/;
    const expectations: [string, string[]][] = [
      ['lambda-mcp', ['package.json', 'README.md', 'LICENSE']],
      ['lambda-mcp-client', ['package.json', 'README.md', 'LICENSE', 'bin/lambda-mcp-client.mjs']],
    ];
    for (const [name, extras] of expectations) {
      const entry = packed.get(name);
      if (!entry) throw new Error(`npm pack reported no ${name}`);
      const paths = entry.files.map((file) => file.path);
      expect(paths.filter((path) => !shipped.test(path) && !extras.includes(path))).toEqual([]);
      expect(paths).toEqual(expect.arrayContaining(extras));
      expect(paths.filter((path) => /\.test\.|fixtures|processor-suite|(^|\/)test\//.test(path))).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as {
        exports: Record<string, { types: string; import: string }>;
      };
      for (const target of Object.values(manifest.exports)) {
        expect(paths).toContain(target.types.replace(/^\.\//, ''));
        expect(paths).toContain(target.import.replace(/^\.\//, ''));
      }
      sizes.push(
        `${name} tarball ${kib(entry.size)} (${kib(entry.unpackedSize)} unpacked, ${paths.length} files)`,
      );
    }
    // The CLI runs compiled JavaScript: no TypeScript loader or bundler came with it.
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/esbuild'))).toBe(false);
  });

  it("type-checks and compiles the README's files (strict, exactOptionalPropertyTypes, nodenext)", async () => {
    expect([...readmeFiles(await readFile(README, 'utf8')).keys()].sort()).toEqual([
      'src/handler-dynamodb.ts',
      'src/handler.ts',
      'src/sdk-shims.ts',
      'src/serve.ts',
      'src/server.ts',
    ]);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await runOk(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
    expect(existsSync(join(app, 'dist/serve.js'))).toBe(true);
  });

  it('serves the README server under plain node to SDK v1 and v2 clients and to the installed CLI', async () => {
    const server = spawn(process.execPath, ['dist/serve.js'], {
      cwd: app,
      env: { ...process.env, PORT: '0', MCP_REQUEST_STATE_KEY: KEY, NODE_OPTIONS: '' },
    });
    children.add(server);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const found = /MCP endpoint: (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out);
          if (found) resolve(found[1] as string);
        });
        server.once('exit', (code) => reject(new Error(`dist/serve.js exited ${code} before listening`)));
      });

      const v1Transport = new V1Transport(new URL(url));
      const v1 = new V1Client({ name: 'consumer-v1', version: '1.0.0' });
      await v1.connect(v1Transport);
      try {
        expect(v1Transport.protocolVersion).toBe('2025-11-25');
        expect(v1Transport.sessionId).toEqual(expect.any(String));
        const result = await v1.callTool({ name: 'hello', arguments: { name: 'v1' } });
        expect(result.content).toEqual([{ type: 'text', text: 'hello v1' }]);
      } finally {
        await v1Transport.terminateSession();
        await v1.close();
      }

      const v2 = new V2Client(
        { name: 'consumer-v2', version: '1.0.0' },
        { versionNegotiation: { mode: { pin: '2026-07-28' } } },
      );
      await v2.connect(new V2Transport(new URL(url)));
      try {
        expect(v2.getNegotiatedProtocolVersion()).toBe('2026-07-28');
        const result = await v2.callTool({ name: 'hello', arguments: { name: 'v2' } });
        expect(result.content).toEqual([{ type: 'text', text: 'hello v2' }]);
      } finally {
        await v2.close();
      }

      // The client README's command, with the CLI from its tarball.
      const cli = await run('npx', ['lambda-mcp-client', 'test', '--url', url], {
        cwd: app,
        env: npmEnv(),
      });
      expect(cli.code, cli.stdout + cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(/PASS: \d+ passed, \d+ skipped of \d+, none failed/);
    } finally {
      const exited = new Promise((resolve) => server.once('close', resolve));
      server.kill('SIGTERM');
      await exited;
      children.delete(server);
    }
  });

  it("bundles the README handlers with the README's esbuild command; each bundle loads and answers", async () => {
    const args = readmeEsbuildArgs(await readFile(README, 'utf8'));
    expect(args).toEqual(
      expect.arrayContaining(['src/handler.ts', '--platform=node', '--target=node22', '--format=esm']),
    );
    // `sdk`: whether AWS SDK modules end up inside the bundle (the memory path must never reach them).
    const variants = [
      { label: 'memory stores', entry: 'src/handler.ts', external: false, sdk: false },
      {
        label: 'createDynamoStores, AWS SDK bundled',
        entry: 'src/handler-dynamodb.ts',
        external: false,
        sdk: true,
      },
      {
        label: 'createDynamoStores, AWS SDK external',
        entry: 'src/handler-dynamodb.ts',
        external: true,
        sdk: false,
      },
    ];
    for (const [index, variant] of variants.entries()) {
      const outfile = `build/${index}/index.mjs`;
      const variantArgs = args.map((arg) =>
        arg === 'src/handler.ts'
          ? variant.entry
          : arg.startsWith('--outfile=')
            ? `--outfile=${outfile}`
            : arg,
      );
      if (variant.external) variantArgs.push('--external:@aws-sdk/*');
      const metafile = join(app, `build/${index}.meta.json`);
      await runOk(join(BIN, 'esbuild'), [...variantArgs, `--metafile=${metafile}`, '--log-level=error'], {
        cwd: app,
      });
      // What the bundle holds: the inputs with bytes in the output (tree-shaken ones have none).
      const meta = JSON.parse(await readFile(metafile, 'utf8')) as {
        outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
      };
      const held = Object.values(meta.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([path]) => path),
      );
      expect(
        held.some((path) => path.includes('node_modules/@aws-sdk/')),
        variant.label,
      ).toBe(variant.sdk);
      // The README's --alias: the SDK's cfworker validator is its default; Ajv is not in the bundle at all.
      expect(
        held.filter((path) => /ajv/i.test(path)),
        variant.label,
      ).toEqual([]);
      expect(held, variant.label).toContain('src/sdk-shims.ts');
      const bundle = join(app, outfile);
      const invoked = await runOk(
        process.execPath,
        [
          '--no-warnings',
          '--input-type=module',
          '-e',
          INVOKE_SCRIPT,
          pathToFileURL(bundle).href,
          JSON.stringify(toolsCallEvent(`bundle ${index}`)),
        ],
        {
          cwd: dirname(bundle),
          // A local run, not Lambda: the key is the one a deployment would set.
          env: { ...process.env, MCP_REQUEST_STATE_KEY: KEY, NODE_OPTIONS: '', AWS_REGION: 'us-east-1' },
        },
      );
      const result = JSON.parse(invoked.stdout) as { statusCode: number; body: string };
      expect(result.statusCode, invoked.stdout).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({
        id: 1,
        result: { content: [{ type: 'text', text: `hello bundle ${index}` }] },
      });
      sizes.push(`bundle (${variant.label}) ${kib((await stat(bundle)).size)}`);
    }
  });

  it('runs the installed lambda-mcp-client: --help prints the usage and exits 0', async () => {
    const help = await run('npx', ['lambda-mcp-client', '--help'], { cwd: app, env: npmEnv() });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: lambda-mcp-client [options] [command]');
    expect(help.stdout).toMatch(/test \[options\][\s\S]*connect \[options\][\s\S]*call \[options\]/);
  });

  it('passes publint (strict) and arethetypeswrong (ESM only) on both tarballs', async () => {
    for (const entry of packed.values()) {
      const tarball = join(dir, 'packs', entry.filename);
      const lint = await run(join(BIN, 'publint'), ['run', tarball, '--strict', '--level', 'suggestion'], {
        cwd: dir,
      });
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
      expect(lint.stdout).toContain('All good!');
      const types = await run(join(BIN, 'attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], {
        cwd: dir,
      });
      expect(types.code, types.stdout + types.stderr).toBe(0);
      // Every entry point resolves, types and JavaScript, for Node's ESM and for bundlers.
      const manifest = JSON.parse(
        readFileSync(join(app, 'node_modules', entry.name, 'package.json'), 'utf8'),
      );
      const entryPoints = Object.keys((manifest as { exports: object }).exports).length;
      expect(types.stdout.match(/node16 \(from ESM\): 🟢/g)).toHaveLength(entryPoints);
      expect(types.stdout.match(/bundler: 🟢/g)).toHaveLength(entryPoints);
    }
  });
});
