import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Inside the workspace `lambda-mcp` and its subpaths run from their TypeScript sources, never from a build:
 * the published package.json points at dist/, and the root tsconfig's `paths` point each specifier at its
 * source entry instead. tsc, tsx (every child process the tests spawn) and esbuild read those `paths`;
 * Vite does not, so the same table becomes exact-match aliases here (one table, no second copy to drift).
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8')) as {
    compilerOptions: { paths: Record<string, [string]> };
  };
  return Object.entries(tsconfig.compilerOptions.paths).map(([specifier, [target]]) => ({
    // Exact: `lambda-mcp` must not swallow `lambda-mcp/dynamodb` or `lambda-mcp-client`.
    find: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}$`),
    replacement: fileURLToPath(new URL(target, import.meta.url)),
  }));
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'infra/**/*.test.ts',
      'scripts/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'infra/cdk.out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
