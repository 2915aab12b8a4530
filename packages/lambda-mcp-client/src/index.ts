// lambda-mcp-client as a library: the command options and the commands, for scripts and tests that drive
// them without a child process.
export * from './options.js';
