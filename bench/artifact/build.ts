// Builds what the artifact cold start runs, into one temporary folder: lambda-mcp's shipped Lambda artifact
// exactly as `npm run build:lambda` builds it (`buildLambda`, minified, chunks), the SDK anchor
// (bench/artifact/anchor.ts) with the same esbuild options (`artifactBuildOptions`: the embedded data files,
// chunk splitting), and the small child runner that imports one of them and invokes it.
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import {
  artifactBuildOptions,
  buildLambda,
  lambdaBuildOptions,
  ROOT,
  staticImports,
} from '../../scripts/build-lambda.js';

/** The built files, all absolute paths. */
export interface ArtifactBuild {
  /** lambda-mcp's artifact entry (`<dir>/ours/http/index.mjs`), exporting `handler` and `streamingHandler`. */
  ours: string;
  /** The SDK anchor's entry (`<dir>/sdk/index.mjs`), exporting `handler`. */
  sdk: string;
  /** The child runner. */
  child: string;
  /** Bytes of each artifact's entry chunk plus every chunk it imports statically (what a cold start loads). */
  staticBytes: { ours: number; sdk: number };
}

/** Builds the three into `dir` (minified like the shipped artifact unless `minify` is false). */
export async function buildArtifacts(dir: string, minify = true): Promise<ArtifactBuild> {
  const [ours] = (await buildLambda({ outDir: join(dir, 'ours'), minify })).artifacts;
  if (!ours) throw new Error('buildLambda built no artifact');
  const sdkDir = join(dir, 'sdk');
  const anchor = await build(artifactBuildOptions(join(ROOT, 'bench/artifact/anchor.ts'), sdkDir, minify));
  const child = join(dir, 'child.mjs');
  await build({
    ...lambdaBuildOptions(false),
    sourcemap: false,
    entryPoints: [join(ROOT, 'bench/artifact/child.ts')],
    outfile: child,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  return {
    ours: ours.entry,
    sdk: join(sdkDir, 'index.mjs'),
    child,
    staticBytes: { ours: ours.staticBytes, sdk: staticBytesOf(anchor.metafile, sdkDir) },
  };
}

/** The anchor's entry chunk and its static imports, from esbuild's metafile (keys relative to ROOT). */
function staticBytesOf(metafile: Metafile, dir: string): number {
  const entryKey = relative(ROOT, join(dir, 'index.mjs')).split('\\').join('/');
  if (!metafile.outputs[entryKey]) throw new Error(`esbuild wrote no ${entryKey}`);
  const keys = [entryKey, ...staticImports(metafile, entryKey)];
  return keys.reduce((total, key) => total + (metafile.outputs[key]?.bytes ?? 0), 0);
}
