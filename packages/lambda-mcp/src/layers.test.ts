// The layering of lambda-mcp's sources, checked on every run: data flows from the entry points and setup
// through the core and its two legs down to the edge, the stores and the adapters, never back up, with no
// import cycle and no source file over 400 lines (shared types live in leaf files for that reason).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const CLIENT_SRC = resolve(SRC, '../../lambda-mcp-client/src');

/** Layers from the bottom up; a file may import its own layer or one below. */
const LAYERS: { name: string; match: (path: string) => boolean }[] = [
  {
    name: 'leaf',
    match: (p) => ['errors.ts', 'guards.ts', 'invocation.ts', 'principal.ts', 'schema-cache.ts'].includes(p),
  },
  {
    name: 'base',
    match: (p) =>
      /^(adapters|http|stores|events|tasks|dynamodb|auth)\//.test(p) || p === 'request-state-key.ts',
  },
  { name: 'options', match: (p) => ['options.ts', 'context.ts', 'request-record.ts'].includes(p) },
  { name: 'leg', match: (p) => /^(modern|legacy)\//.test(p) },
  { name: 'core', match: (p) => p === 'core.ts' },
  { name: 'setup', match: (p) => p.startsWith('setup/') },
  { name: 'entry', match: (p) => ['index.ts', 'node-entry.ts'].includes(p) },
];

/** Within the base layer: which folders each may import besides its own and the leaves. */
const BASE_MAY_IMPORT: Record<string, readonly string[]> = {
  adapters: ['http'],
  http: [],
  auth: ['http'],
  stores: [],
  tasks: ['stores'],
  events: ['stores'],
  dynamodb: ['stores', 'events', 'tasks'],
  'request-state-key.ts': [],
};

function sources(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts'))
    .map((p) => p.split('\\').join('/'))
    .sort();
}

/** The relative imports of a file (static, re-exports and dynamic), as paths from `SRC`. */
function importsOf(path: string): string[] {
  const text = readFileSync(join(SRC, path), 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(SRC, resolve(SRC, dirname(path), s)).replace(/\.js$/, '.ts'));
}

function layerOf(path: string): number {
  const index = LAYERS.findIndex((layer) => layer.match(path));
  if (index < 0) throw new Error(`${path} belongs to no layer: add it to LAYERS`);
  return index;
}

const baseGroup = (path: string) => (path.includes('/') ? (path.split('/')[0] as string) : path);

const files = sources(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('the source layout of lambda-mcp', () => {
  it('puts every source file in a layer and resolves every relative import to a source file', () => {
    for (const [file, imports] of graph) {
      layerOf(file);
      for (const target of imports) expect(files, `${file} imports ${target}`).toContain(target);
    }
  });

  it('never imports from a higher layer', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (layerOf(target) > layerOf(file)) {
          upward.push(
            `${file} (${LAYERS[layerOf(file)]?.name}) -> ${target} (${LAYERS[layerOf(target)]?.name})`,
          );
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the two legs apart, and the base folders to their own seams', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        const [from, to] = [baseGroup(file), baseGroup(target)];
        if (LAYERS[layerOf(file)]?.name === 'leg' && LAYERS[layerOf(target)]?.name === 'leg' && from !== to) {
          wrong.push(`${file} -> ${target}`);
        }
        if (LAYERS[layerOf(file)]?.name !== 'base' || LAYERS[layerOf(target)]?.name !== 'base') continue;
        if (from !== to && !BASE_MAY_IMPORT[from]?.includes(to)) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps every source file of the library and the client under 400 lines', () => {
    const long = [...files.map((p) => join(SRC, p)), ...sources(CLIENT_SRC).map((p) => join(CLIENT_SRC, p))]
      .map((path) => ({ path, lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
      .filter((file) => file.lines > 400)
      .map((file) => `${relative(SRC, file.path)}: ${file.lines}`);
    expect(long).toEqual([]);
  });
});
