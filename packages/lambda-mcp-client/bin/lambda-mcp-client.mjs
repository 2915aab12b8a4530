#!/usr/bin/env node
// The lambda-mcp-client executable. Installed from npm it runs the compiled command line, ../dist/main.js:
// plain JavaScript, no loader. In a checkout of the lambda-mcp repository ../src is there (the package ships
// only dist/), and then the TypeScript sources run through tsx, a devDependency of the workspace root: the
// tests that spawn this file and `npx lambda-mcp-client` from the repository need no build and never run a
// stale one.
import { existsSync } from 'node:fs';

const sources = new URL('../src/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/main.js');
}
