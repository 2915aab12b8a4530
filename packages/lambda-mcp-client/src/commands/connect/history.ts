// The `connect` REPL's history file: where it is (LAMBDA_MCP_CLIENT_HISTORY, empty for none, else
// ~/.lambda_mcp_client_history), the lines it holds, and this session's commands saved after the earlier ones.
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Most history lines kept in the history file. */
export const HISTORY_LIMIT = 500;

/** Where history is kept: LAMBDA_MCP_CLIENT_HISTORY (empty: nowhere), else ~/.lambda_mcp_client_history. */
export function historyFile(): string | undefined {
  const configured = process.env.LAMBDA_MCP_CLIENT_HISTORY;
  if (configured !== undefined) return configured || undefined;
  return join(homedir(), '.lambda_mcp_client_history');
}

/** The newest lines of `file`, oldest first; none when there is no file or it cannot be read. */
export function loadHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_LIMIT);
  } catch {
    return [];
  }
}

/** Writes `previous` then `entered` (the newest {@link HISTORY_LIMIT} lines) to `file`, when there is news. */
export function saveHistory(file: string | undefined, previous: string[], entered: string[]): void {
  if (!file || entered.length === 0) return;
  try {
    writeFileSync(file, `${[...previous, ...entered].slice(-HISTORY_LIMIT).join('\n')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience: an unwritable file is no reason to fail the session.
  }
}
