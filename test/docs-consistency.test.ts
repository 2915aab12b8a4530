// The README and docs/ stay in step with the code they describe: every `npm run …` they show is a script of
// package.json (or of the workspace it names), every relative link leads to a file, every environment variable they name is one the code, the
// infrastructure or a tool we rely on reads, and every variable the configuration reads is documented.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** The Markdown a user reads: the README and every page under docs/ (and bench/README.md). */
function docs(): Array<{ path: string; text: string }> {
  const pages = ['README.md', 'bench/README.md', ...listFiles('docs', (path) => path.endsWith('.md'))];
  return pages.map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

function listFiles(dir: string, keep: (path: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    if (!existsSync(join(ROOT, at))) return;
    for (const entry of readdirSync(join(ROOT, at), { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'cdk.out', 'runner', '.data', 'results'].includes(entry.name))
          walk(path);
      } else if (keep(path)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Every source and configuration file a variable could be read from, as one text. */
function sources(): string {
  const dirs = ['packages', 'examples', 'scripts', 'bench', 'infra', 'test', '.ci'];
  const kept = (path: string) => /\.(ts|mjs|js|sh|ya?ml|json)$/.test(path) || path.endsWith('.ci/run');
  const files = [...dirs.flatMap((dir) => listFiles(dir, kept)), 'template.yaml', 'package.json'];
  return files.map((path) => readFileSync(join(ROOT, path), 'utf8')).join('\n');
}

/**
 * Upper-case names in backticks that are not variables of ours: values (`AWS_IAM`, `RESPONSE_STREAM`), AWS
 * and Node names the runtime or the AWS SDK read, and DynamoDB constants.
 */
const NOT_OURS = new Set([
  'AWS_IAM',
  'RESPONSE_STREAM',
  'BUFFERED',
  'ALL_OLD',
  'ALL_NEW',
  'PAY_PER_REQUEST',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_XRAY_CONTEXT_MISSING',
  'NODE_OPTIONS',
  'NODE_COMPILE_CACHE',
  'IGNORE_ERROR',
  'LOG_ERROR',
]);

const VARIABLE = /`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`/g;

describe('README and docs', () => {
  const pages = docs();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };

  it('show only npm scripts that exist', () => {
    const workspaceScripts = (name: string): Record<string, string> => {
      const dir = name.startsWith('.') ? name : join(ROOT, name);
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {};
    };
    const missing: string[] = [];
    for (const { path, text } of pages) {
      for (const match of text.matchAll(/npm run ([a-z][\w:-]*)((?: -w [\w./-]+)?)/g)) {
        const [, named, workspace] = match as unknown as [string, string, string];
        const script = named.replace(/:$/, '');
        const scripts = workspace ? workspaceScripts(workspace.replace(' -w ', '').trim()) : pkg.scripts;
        if (!(script in scripts)) missing.push(`${path}: npm run ${script}${workspace}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const { path, text } of pages) {
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(ROOT, dirname(path), target))) broken.push(`${path}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('name only environment variables the code, the infrastructure or the AWS tooling reads', () => {
    const code = sources();
    const unknown: string[] = [];
    for (const { path, text } of pages) {
      for (const [, name] of text.matchAll(VARIABLE)) {
        if (name && !NOT_OURS.has(name) && !code.includes(name)) unknown.push(`${path}: ${name}`);
      }
    }
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('document every variable the configuration reads', () => {
    const configFiles = [
      'packages/lambda-mcp/src/setup/env.ts',
      'packages/lambda-mcp/src/setup/stores-from-env.ts',
      'examples/aws-monitor/src/config.ts',
      ...listFiles(
        'packages/lambda-mcp/src/auth',
        (path) => path.endsWith('.ts') && !path.endsWith('.test.ts'),
      ),
      ...listFiles(
        'packages/lambda-mcp/src/tasks',
        (path) => path.endsWith('.ts') && !path.endsWith('.test.ts'),
      ),
    ];
    const read = new Set<string>();
    for (const file of configFiles) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // `env.NAME` and the helpers that take the name (`envInteger(env, 'NAME')`).
      for (const [, direct, named] of text.matchAll(
        /env\.([A-Z][A-Z0-9_]+)|env[A-Za-z]*\(env, '([A-Z][A-Z0-9_]+)'/g,
      )) {
        read.add((direct ?? named) as string);
      }
    }
    // Documented: shown in backticks somewhere, alone or as an assignment (`STORE`, `STORE=dynalite`).
    const all = pages.map(({ text }) => text).join('\n');
    const documented = (name: string) => new RegExp(`\`${name}[\`=]`).test(all);
    const undocumented = [...read].filter((name) => !documented(name) && !NOT_OURS.has(name));
    expect(read.size).toBeGreaterThan(20);
    expect(undocumented.sort(), 'read by the configuration, shown nowhere in README.md or docs/').toEqual([]);
  });
});
