#!/usr/bin/env node
// The lambda-mcp-client executable: registers tsx so the TypeScript sources run as they are (workspace use,
// `npx lambda-mcp-client …` from the repository root), then hands over to the command line parser.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
