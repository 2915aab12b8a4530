// The reference server's settings McpStack passes to its functions as environment variables, and their
// defaults: the server's own configuration file, examples/aws-monitor/data/mcp_config.json.
import { readFileSync } from 'node:fs';

/** The server settings the stack passes as environment variables (see the README's Configuration table). */
export interface ServerSettings {
  /** `LOG_LEVEL`. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** `ADMIN_TOOLS`: registers `list_active_sessions`. */
  adminTools: boolean;
  /** `ALLOWED_ORIGINS`: browser origins allowed besides same-origin; the variable is set only when non-empty. */
  allowedOrigins: string[];
  /** `ENABLE_COMPRESSION`. */
  enableCompression: boolean;
  /**
   * `MAX_RESPONSE_SIZE_MB`; null leaves the variable unset, so each entry takes its own limit (200 MB
   * streaming, 6 MB buffered). Both functions share one environment: a number applies to both.
   */
  maxResponseSizeMb: number | null;
  /** `SESSION_IDLE_SECONDS`. */
  sessionIdleSeconds: number;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` of log lines, metrics and traces. */
  serviceName: string;
}

const SERVER_CONFIG_FILE = new URL('../../examples/aws-monitor/data/mcp_config.json', import.meta.url);

/**
 * The defaults of {@link ServerSettings}: the server's own, from examples/aws-monitor/data/mcp_config.json.
 *
 * @example
 * serverDefaults().serviceName; // 'aws-monitor'
 */
export function serverDefaults(): ServerSettings {
  const file = JSON.parse(readFileSync(SERVER_CONFIG_FILE, 'utf8')) as {
    server: { name: string };
    sessionIdleSeconds: number;
    allowedOrigins: string[];
    enableCompression: boolean;
    maxResponseSizeMb: number | null;
    logLevel: ServerSettings['logLevel'];
    adminTools: boolean;
  };
  return {
    logLevel: file.logLevel,
    adminTools: file.adminTools,
    allowedOrigins: file.allowedOrigins,
    enableCompression: file.enableCompression,
    maxResponseSizeMb: file.maxResponseSizeMb,
    sessionIdleSeconds: file.sessionIdleSeconds,
    serviceName: file.server.name,
  };
}
