// What the fan-out processes tell each other over IPC (child_process `send`), and the helpers both ends of a
// stream share: the benchmark event a notification carries, and the clock they compare. The server process
// (server.ts) publishes; reader processes (reader.ts) hold the streams; the bench process (measure.ts)
// drives both and computes the figures.
import { EVENT_LOGGER } from '../../packages/lambda-mcp/src/events/model.js';

/** The phases, in order: each publishes its own event type. */
export const PHASES = ['bench.warmup', 'bench.latency', 'bench.burst'] as const;
export type Phase = 0 | 1 | 2;

/**
 * Milliseconds since the epoch at sub-millisecond resolution: `performance.timeOrigin + performance.now()`,
 * comparable across processes of one machine (both read the same system clock).
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU time (user + system) this process has used, ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Memory of a process: RSS, and JS heap used plus external, after a full collection when `gc` is exposed. */
export function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

/** The benchmark event a notification carries, or undefined for any other message. */
export function benchEvent(message: unknown): { type: string; n: number; t: number } | undefined {
  const params = (message as { method?: string; params?: { logger?: string; data?: unknown } }).params;
  if (
    (message as { method?: string }).method !== 'notifications/message' ||
    params?.logger !== EVENT_LOGGER
  ) {
    return undefined;
  }
  const event = params.data as { type?: string; data?: { n?: unknown; t?: unknown } } | undefined;
  if (typeof event?.type !== 'string' || !event.type.startsWith('bench.')) return undefined;
  const { n, t } = event.data ?? {};
  if (typeof n !== 'number' || typeof t !== 'number') return undefined;
  return { type: event.type, n, t };
}

/** Bench process → server process. */
export type ToServer =
  | { type: 'sessions'; count: number }
  | { type: 'primed'; streams: number }
  | { type: 'publish'; phase: Phase; count: number; intervalMs: number }
  | { type: 'finish' };

/** Server process → bench process. */
export type FromServer =
  | { type: 'ready'; url: string; beforeSessions: { rss: number; heap: number } }
  | { type: 'sessions'; ids: string[]; ms: number; memory: { rss: number; heap: number } }
  | { type: 'primed'; memory: { rss: number; heap: number } }
  | {
      type: 'published';
      phase: Phase;
      startedAt: number;
      ms: number;
      /** CPU time (user + system) the server process spent during the phase, ms. */
      cpuMs: number;
      /** Per paced event: publish called → every stream's write handed to the socket (next turn), ms. */
      flushMs: number[];
    }
  | {
      type: 'finished';
      bus: import('../../packages/lambda-mcp/src/events/broadcast.js').BroadcastStats;
      peakRss: number;
      errors: string[];
    }
  | { type: 'failed'; error: string };

/** Bench process → reader process. */
export type ToReader =
  | {
      type: 'open';
      url: string;
      sessions: string[];
      /** Events each stream must receive in each phase. */
      counts: [number, number, number];
      openConcurrency: number;
    }
  | { type: 'report' }
  | { type: 'close' };

/** Reader process → bench process. */
export type FromReader =
  | { type: 'primed'; ms: number }
  | {
      type: 'phase';
      phase: Phase;
      lastAt: number;
      /** The reader process's CPU time (user + system) since it started, ms, when its last stream got there. */
      cpuMs: number;
    }
  | {
      type: 'report';
      /** Receive minus publish time of every latency-phase event on every stream, ms. */
      latency: number[];
      received: number;
      other: number;
    }
  | { type: 'failed'; error: string };
