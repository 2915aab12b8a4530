// How logs, traces, `session_info` and `list_active_sessions` name a 2025 session without revealing its id. A
// module of its own so that tools can show it without loading the observability stack.
import { createHash } from 'node:crypto';

/**
 * How logs and traces name a 2025 session: a short SHA-256 digest of its id. The id itself is the bearer of
 * the session (whoever presents it acts in it), so it never goes to CloudWatch; `session_info` and
 * `list_active_sessions` show the same digest, so an operator can still find a session's log lines.
 *
 * @example
 * sessionRef('3f2a…'); // 16 hex characters, the same on every instance
 */
export function sessionRef(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex').slice(0, 16);
}
