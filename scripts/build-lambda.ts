// `npm run build:lambda`: bundles the reference server's Lambda handler with esbuild into dist/lambda/http
// (ESM for nodejs24.x, minified, source maps, the AWS SDK and the data files inside, dynamic imports split
// into chunks a memory-store cold start never loads) and prints what each file weighs.
import { readFileSync, realpathSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { parse as parseYaml } from 'yaml';

/** The repository root: relative paths given to {@link buildLambda} are resolved from here. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The handler's source entry, relative to the repository root. */
export const HTTP_ENTRY_SOURCE = 'examples/aws-monitor/src/lambda.ts';

const DATA_DIR = join(ROOT, 'examples/aws-monitor/data');

/**
 * ESM output has no `require`; bundled CommonJS (the X-Ray SDK, yaml) calls it for Node built-ins.
 * The `__lambdaMcp` prefix keeps the import's name clear of the bundle's own identifiers.
 */
const REQUIRE_BANNER =
  "import { createRequire as __lambdaMcpCreateRequire } from 'node:module';\n" +
  'const require = __lambdaMcpCreateRequire(import.meta.url);';

/**
 * The esbuild target of the shipped artifact: the function runs on `nodejs24.x` (infra/lib/mcp-stack.ts,
 * template.yaml). test/bundle.test.ts also builds the same entry for `node22`, which stays supported.
 */
export const LAMBDA_TARGET = 'node24';

/**
 * What the Lambda bundles resolve the SDK's `@modelcontextprotocol/server/_shims` to (an esbuild `alias`):
 * its cfworker JSON Schema validator as the default instead of Ajv, 125 KiB less on the start path
 * (scripts/sdk/shims-cf-worker.ts says why).
 */
export const SDK_SHIMS_REPLACEMENT = join(ROOT, 'scripts/sdk/shims-cf-worker.ts');

/**
 * The esbuild settings every Lambda bundle shares (also used by scripts/measure-sdk-load.ts): one ESM
 * program for the Lambda runtime's Node (`target`, default {@link LAMBDA_TARGET}) with every dependency
 * inside, the AWS SDK included, and the SDK's lighter JSON Schema validator as its default ({@link SDK_SHIMS_REPLACEMENT}).
 */
export function lambdaBuildOptions(minify: boolean, target: string = LAMBDA_TARGET) {
  return {
    bundle: true,
    platform: 'node',
    target,
    format: 'esm',
    // The AWS SDK's ES builds (`module`) tree-shake and keep its credential providers as lazy imports; its
    // CommonJS builds (`main`, esbuild's first choice on platform node) do neither.
    mainFields: ['module', 'main'],
    minify,
    // Separate .map files for NODE_OPTIONS=--enable-source-maps. Node reads the map of every module it
    // loads, so the maps carry positions only, not a second copy of every source.
    sourcemap: true,
    sourcesContent: false,
    banner: { js: REQUIRE_BANNER },
    alias: { '@modelcontextprotocol/server/_shims': SDK_SHIMS_REPLACEMENT },
  } satisfies BuildOptions;
}

/**
 * The whole esbuild configuration of one Lambda artifact folder: {@link lambdaBuildOptions} plus an entry
 * `index.mjs` in `outdir`, dynamic imports split into `chunks/`, the reference server's data files embedded,
 * dynalite left out, a metafile. `buildLambda` builds the shipped artifact with it; the bench builds the SDK
 * anchor with it, so both are built alike.
 *
 * @example
 * await build(artifactBuildOptions(join(ROOT, 'bench/artifact/anchor.ts'), '/tmp/sdk', true));
 */
export function artifactBuildOptions(entry: string, outdir: string, minify: boolean, target = LAMBDA_TARGET) {
  return {
    ...lambdaBuildOptions(minify, target),
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    // Dynamic imports (the DynamoDB stores, each monitored service's SDK client) become chunks.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // examples/aws-monitor/src/config.ts uses these instead of reading data/ next to the module.
    define: embeddedDataDefine(),
    // The one exception to "everything inside": dynalite (STORE=dynalite, a development dependency) runs on
    // a native LevelDB binding that cannot be bundled. Left as `import('dynalite')`, it resolves from the
    // repository's node_modules when `npm run invoke` runs dist/lambda/http, and inside Lambda fails with
    // lambda-mcp's "STORE=dynalite needs the dynalite package" (STORE=dynalite has no place there).
    external: ['dynalite'],
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  } satisfies BuildOptions;
}

/** Options of {@link buildLambda}. */
export interface BuildLambdaOptions {
  /** Where the artifacts go, one folder each (default `dist/lambda`, from the repository root). */
  outDir?: string;
  /** Minify the output (default true). */
  minify?: boolean;
  /** The esbuild target, `nodeNN` (default {@link LAMBDA_TARGET}, the deployed runtime's Node). */
  target?: string;
}

/** One file of an artifact. */
export interface ArtifactFile {
  /** The path inside the artifact folder, e.g. `index.mjs` or `chunks/ec2-ABCD1234.mjs`. */
  path: string;
  bytes: number;
  /**
   * `entry`: the handler module; `static`: a chunk the entry imports at load time, directly or through
   * another static chunk; `lazy`: a chunk only a dynamic `import()` loads; `sourcemap`; `other`.
   */
  role: 'entry' | 'static' | 'lazy' | 'sourcemap' | 'other';
  /** For a chunk split at a dynamic import: the module imported there (relative to the repository root). */
  splitAt?: string;
}

/** One deployable folder: its handler is `index.handler`. */
export interface LambdaArtifact {
  name: 'http';
  /** The artifact folder (absolute): the Lambda function's code. */
  dir: string;
  /** The entry module (absolute path of `index.mjs`). */
  entry: string;
  /** The entry chunk alone. */
  entryBytes: number;
  /** The entry and every chunk it imports statically: what a cold start on the memory store loads. */
  staticBytes: number;
  /** Every JavaScript file, lazily loaded chunks included. */
  codeBytes: number;
  /** Every file of the folder, source maps included (uncompressed deployment size). */
  totalBytes: number;
  /** Entry first, then static chunks, lazy chunks (largest first), source maps and other files. */
  files: ArtifactFile[];
  /** esbuild's metafile; its paths are relative to the repository root. */
  metafile: Metafile;
  /** Where the metafile was written (next to the artifact folder, not inside it). */
  metafilePath: string;
}

/** What {@link buildLambda} produced. */
export interface BuildLambdaResult {
  artifacts: LambdaArtifact[];
}

/**
 * The esbuild `define` that embeds the reference server's data/ files in a bundle (see config.ts): the JSON
 * text, and tool_definitions.yaml parsed here, so the bundle needs no YAML parser (about 110 KiB).
 */
export function embeddedDataDefine(): Record<string, string> {
  const data = {
    configJson: readFileSync(join(DATA_DIR, 'mcp_config.json'), 'utf8'),
    toolDefinitions: parseYaml(readFileSync(join(DATA_DIR, 'tool_definitions.yaml'), 'utf8')),
  };
  return { __AWS_MONITOR_DATA__: JSON.stringify(data) };
}

/**
 * Builds the Lambda artifacts: today one, `http` (API Gateway, Function URL and ALB events), entry
 * `<outDir>/http/index.mjs`, handler `index.handler`, runtime `nodejs24.x` (the output is plain JavaScript,
 * so arm64 and x86_64 alike). The folder is emptied first so no chunk of an earlier build lingers.
 *
 * @example
 * const { artifacts } = await buildLambda({ outDir: '/tmp/lambda' });
 * console.log(artifacts[0]?.entryBytes);
 */
export async function buildLambda({
  outDir = 'dist/lambda',
  minify = true,
  target = LAMBDA_TARGET,
}: BuildLambdaOptions = {}): Promise<BuildLambdaResult> {
  const base = resolve(ROOT, outDir);
  const dir = join(base, 'http');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await build(artifactBuildOptions(join(ROOT, HTTP_ENTRY_SOURCE), dir, minify, target));
  const metafile = result.metafile;
  const metafilePath = join(base, 'http.meta.json');
  await writeFile(metafilePath, JSON.stringify(metafile));
  return { artifacts: [await describeArtifact(dir, metafile, metafilePath)] };
}

/** Sizes and roles of the files of the artifact in `dir`, from the build's metafile. */
async function describeArtifact(
  dir: string,
  metafile: Metafile,
  metafilePath: string,
): Promise<LambdaArtifact> {
  const outputKey = (file: string) => relative(ROOT, file).split('\\').join('/');
  const entry = join(dir, 'index.mjs');
  const entryKey = outputKey(entry);
  if (!metafile.outputs[entryKey]) throw new Error(`esbuild wrote no ${entryKey}`);
  const loaded = staticImports(metafile, entryKey);
  const files: ArtifactFile[] = [];
  for (const [key, output] of Object.entries(metafile.outputs)) {
    const path = relative(dir, join(ROOT, key)).split('\\').join('/');
    const bytes = (await stat(join(ROOT, key))).size;
    if (key.endsWith('.map')) {
      files.push({ path, bytes, role: 'sourcemap' });
      continue;
    }
    const role = key === entryKey ? 'entry' : loaded.has(key) ? 'static' : 'lazy';
    files.push({
      path,
      bytes,
      role,
      ...(role === 'lazy' && output.entryPoint !== undefined && { splitAt: output.entryPoint }),
    });
  }
  const order: ArtifactFile['role'][] = ['entry', 'static', 'lazy', 'sourcemap', 'other'];
  files.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || b.bytes - a.bytes);
  const sum = (roles: ArtifactFile['role'][]) =>
    files.filter((file) => roles.includes(file.role)).reduce((total, file) => total + file.bytes, 0);
  return {
    name: 'http',
    dir,
    entry,
    entryBytes: sum(['entry']),
    staticBytes: sum(['entry', 'static']),
    codeBytes: sum(['entry', 'static', 'lazy']),
    totalBytes: sum(order),
    files,
    metafile,
    metafilePath,
  };
}

/**
 * The outputs `from` loads before it runs: its `import-statement` imports of other outputs, transitively
 * (Node built-ins are external and left out). Dynamic imports are not followed.
 */
export function staticImports(metafile: Metafile, from: string): Set<string> {
  const seen = new Set<string>();
  const pending = [from];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const imported of metafile.outputs[next]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external || seen.has(imported.path)) continue;
      seen.add(imported.path);
      pending.push(imported.path);
    }
  }
  return seen;
}

/** Bytes of an output by origin (npm package, or lambda-mcp / aws-monitor for this repository), largest first. */
export function composition(metafile: Metafile, output: string): { origin: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {})) {
    const origin = originOf(path);
    totals.set(origin, (totals.get(origin) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([origin, bytes]) => ({ origin, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * Every npm package with code in the artifact (any output file), with the version installed: what a
 * dependency review of the function has to cover. Sorted by name.
 */
export function shippedPackages(metafile: Metafile): { name: string; version: string }[] {
  const found = new Map<string, string>();
  for (const { inputs } of Object.values(metafile.outputs)) {
    for (const path of Object.keys(inputs)) {
      const at = path.lastIndexOf('node_modules/');
      if (at === -1) continue;
      const parts = path.slice(at + 'node_modules/'.length).split('/');
      const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
      if (!name || found.has(name)) continue;
      const manifest = JSON.parse(
        readFileSync(join(ROOT, path.slice(0, at), 'node_modules', name, 'package.json'), 'utf8'),
      );
      found.set(name, String(manifest.version));
    }
  }
  return [...found]
    .map(([name, version]) => ({ name, version }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function originOf(path: string): string {
  if (path.startsWith('<define:')) return 'the embedded data/ files';
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules !== -1) {
    const parts = path.slice(inModules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  if (path.startsWith('packages/lambda-mcp/')) return 'lambda-mcp';
  if (path.startsWith('examples/aws-monitor/')) return 'aws-monitor';
  if (path.startsWith('bench/')) return 'bench';
  return path;
}

/** A byte count as KiB (or MiB from 1 MiB up), one decimal. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The printed report of one artifact: every code file with its role and size, then the totals. */
export function formatArtifact(artifact: LambdaArtifact): string {
  const lines = [
    `${artifact.name}: ${relative(process.cwd(), artifact.dir) || '.'} (handlers index.handler, buffered; index.streamingHandler, response streaming)`,
  ];
  const width = Math.max(...artifact.files.map((file) => file.path.length));
  const row = (file: ArtifactFile, note = '') =>
    `  ${file.role.padEnd(7)} ${file.path.padEnd(width)} ${formatBytes(file.bytes).padStart(10)}${note}`;
  const keyOf = (path: string) => relative(ROOT, join(artifact.dir, path)).split('\\').join('/');
  // A shared chunk has no module of its own: name what it mostly holds.
  const holds = (file: ArtifactFile) =>
    composition(artifact.metafile, keyOf(file.path))
      .slice(0, 3)
      .map(({ origin }) => origin)
      .join(', ');
  for (const file of artifact.files) {
    if (file.role === 'entry') lines.push(row(file));
    else if (file.role === 'static') lines.push(row(file, `  holds ${holds(file)}`));
    else if (file.role === 'lazy') {
      lines.push(row(file, file.splitAt ? `  import('${file.splitAt}')` : `  holds ${holds(file)}`));
    }
  }
  const maps = artifact.files.filter((file) => file.role === 'sourcemap');
  const mapBytes = maps.reduce((total, file) => total + file.bytes, 0);
  lines.push(`  sourcemaps: ${maps.length} .map files, ${formatBytes(mapBytes)}`);
  const parts = composition(artifact.metafile, keyOf('index.mjs'))
    .slice(0, 8)
    .map(({ origin, bytes }) => `${origin} ${formatBytes(bytes)}`);
  lines.push(
    `  entry chunk ${formatBytes(artifact.entryBytes)} (${artifact.entryBytes} bytes); loaded at a memory-store ` +
      `cold start ${formatBytes(artifact.staticBytes)}; all code ${formatBytes(artifact.codeBytes)}; ` +
      `folder ${formatBytes(artifact.totalBytes)}`,
    `  entry chunk by origin: ${parts.join(', ')}`,
    `  metafile: ${relative(process.cwd(), artifact.metafilePath)}`,
  );
  return lines.join('\n');
}

async function main(args: string[]): Promise<void> {
  const outIndex = args.indexOf('--out-dir');
  const outDir = outIndex === -1 ? undefined : args[outIndex + 1];
  if (outIndex !== -1 && !outDir) throw new Error('--out-dir needs a folder');
  const started = performance.now();
  const { artifacts } = await buildLambda({
    ...(outDir && { outDir }),
    minify: !args.includes('--no-minify'),
  });
  for (const artifact of artifacts) console.log(formatArtifact(artifact));
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
