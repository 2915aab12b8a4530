// Readable log lines for a developer's terminal: a Powertools Logger that prints one line per entry on stderr
// (`12:00:01.234 INFO  request tools/call session_info → 200 12ms …`) instead of JSON. Used by observability.ts
// outside Lambda when stderr is a terminal.
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';

/** Keys every Powertools line has that a readable line leaves out. */
const QUIET_KEYS = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate']);
const LEVEL_COLORS: Record<string, string> = {
  CRITICAL: '\x1b[31m',
  ERROR: '\x1b[31m',
  WARN: '\x1b[33m',
  INFO: '\x1b[36m',
  DEBUG: '\x1b[90m',
  TRACE: '\x1b[90m',
};

/** A Logger printing one readable line per entry on stderr, for a developer's terminal. */
export class ReadableLogger extends Logger {
  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
    process.stderr.write(`${readableLine(log.getAttributes(), color)}\n`);
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new ReadableLogger(options);
  }
}

/**
 * One log entry as a line: `12:00:01.234 INFO  request tools/call session_info → 200 12ms era=legacy …`.
 */
export function readableLine(attributes: Record<string, unknown>, color = false): string {
  const level = String(attributes.level ?? 'INFO');
  const timestamp = String(attributes.timestamp ?? new Date().toISOString());
  const time = /T(\d\d:\d\d:\d\d\.\d{3})/.exec(timestamp)?.[1] ?? timestamp;
  const paint = (code: string | undefined, text: string) => (color && code ? `${code}${text}\x1b[0m` : text);
  const parts = [
    paint('\x1b[90m', time),
    paint(LEVEL_COLORS[level], level.padEnd(5)),
    String(attributes.message),
  ];
  const rest = { ...attributes };
  if (attributes.message === 'request') {
    const method = rest.rpcMethod ?? rest.httpMethod;
    parts.push(
      [method, rest.toolName, '→', rest.status, `${rest.durationMs}ms`]
        .filter((p) => p !== undefined)
        .join(' '),
    );
    for (const key of ['rpcMethod', 'httpMethod', 'toolName', 'status', 'durationMs']) delete rest[key];
  }
  for (const [key, value] of Object.entries(rest)) {
    if (QUIET_KEYS.has(key) || value === undefined) continue;
    parts.push(`${key}=${readableValue(value)}`);
  }
  return parts.join(' ');
}

function readableValue(value: unknown): string {
  if (value instanceof Error) {
    const at = value.stack?.split('\n')[1]?.trim();
    return JSON.stringify(`${value.name}: ${value.message}${at ? ` (${at})` : ''}`);
  }
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
