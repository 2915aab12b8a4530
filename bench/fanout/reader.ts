// A fan-out reader process (`node --import tsx bench/fanout/reader.ts`, IPC to the bench process): opens
// one live GET SSE stream per session it is given over HTTP to the server process, reads each incrementally
// with the client's SSE parser and checks, per stream, that every benchmark event arrives exactly once and
// in order, with no `dropped` comment and no early end. It reports priming, each phase's completion (with
// the time its last stream got the phase's last event) and the latency samples; a violation fails the run.
// The HTTP client is `node:http` (`request`, `data` events) by default, or undici `fetch` with
// `BENCH_FANOUT_READER=fetch`: both are real SSE clients on real sockets; node:http costs the shared cores less.
import { request } from 'node:http';
import { SseParser } from '../../packages/lambda-mcp-client/src/runner/sse.js';
import { LEGACY_VERSION } from '../requests.js';
import {
  benchEvent,
  cpuMs,
  epochMs,
  type FromReader,
  PHASES,
  type Phase,
  type ToReader,
} from './protocol.js';

const send = (message: FromReader) =>
  new Promise<void>((resolve) =>
    (process.send as NonNullable<typeof process.send>)(message, () => resolve()),
  );

/** The HTTP client: `http` (node:http, the default) or `fetch` (undici), from `BENCH_FANOUT_READER`. */
const READER = process.env.BENCH_FANOUT_READER === 'fetch' ? 'fetch' : 'http';
let closing = false;
let failed = false;
const closers: (() => void)[] = [];
const readers: Promise<void>[] = [];

function fail(error: string): void {
  if (failed || closing) return;
  failed = true;
  void send({ type: 'failed', error }).then(() => process.exit(1));
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>) {
  let index = 0;
  const worker = async () => {
    while (index < items.length) {
      const at = index++;
      await task(items[at] as T, at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function openStreams(message: Extract<ToReader, { type: 'open' }>): Promise<void> {
  const streams = message.sessions.length;
  const [warmup, events] = message.counts;
  const ends = [warmup, warmup + events, warmup + events + message.counts[2]];
  const complete = [0, 0, 0];
  const lastAt = [0, 0, 0];
  const latency = new Float64Array(streams * events);
  let primed = 0;
  let received = 0;
  let other = 0;
  const started = performance.now();
  const reached = (phase: Phase, at: number) => {
    lastAt[phase] = Math.max(lastAt[phase] as number, at);
    complete[phase] = (complete[phase] as number) + 1;
    if (complete[phase] === streams) {
      void send({ type: 'phase', phase, lastAt: lastAt[phase] as number, cpuMs: cpuMs() });
    }
  };

  /** One stream's checks: feed it text as it arrives, then tell it the stream ended (or failed). */
  const check = (stream: number) => {
    const parser = new SseParser({ comments: true });
    let isPrimed = false;
    let next = 0;
    const where = `fan-out stream ${stream} of reader ${process.pid}`;
    const text = (chunk: string, at: number): boolean => {
      for (const sse of parser.push(chunk)) {
        if (sse.comment !== undefined && sse.data === undefined) {
          if (sse.comment.includes('dropped'))
            fail(`${where}: cut off after ${next} events (${sse.comment.trim()})`);
          continue;
        }
        const data = sse.data ?? '';
        if (data === '') {
          if (!isPrimed) {
            isPrimed = true;
            if (++primed === streams) void send({ type: 'primed', ms: performance.now() - started });
          }
          continue;
        }
        const event = benchEvent(JSON.parse(data));
        if (!event) {
          other++;
          continue;
        }
        if (event.n !== next) {
          fail(
            `${where}: expected event #${next}, got #${event.n} (${event.type}): lost, duplicated or reordered`,
          );
          return false;
        }
        if (event.type === PHASES[1]) latency[stream * events + (next - warmup)] = at - event.t;
        next++;
        received++;
        ends.forEach((end, phase) => {
          if (next === end) reached(phase as Phase, at);
        });
      }
      return true;
    };
    // After the last expected event the end is the server shutting down; before it, a failure.
    const ended = (error?: unknown) => {
      if (closing || next === ends[2]) return;
      if (error === undefined) fail(`${where}: ended after ${next} events`);
      else fail(`${where}: read failed: ${error instanceof Error ? error.message : String(error)}`);
    };
    return { text, ended };
  };

  const headers = (sessionId: string) => ({
    accept: 'text/event-stream',
    'mcp-session-id': sessionId,
    'mcp-protocol-version': LEGACY_VERSION,
  });

  /** undici `fetch`, the body read with its web stream reader. */
  const viaFetch = async (sessionId: string, stream: number) => {
    const controller = new AbortController();
    closers.push(() => controller.abort());
    const response = await fetch(message.url, { headers: headers(sessionId), signal: controller.signal });
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
      throw new Error(`fan-out: GET answered ${response.status} ${type}: ${await response.text()}`);
    }
    const { text, ended } = check(stream);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    readers.push(
      (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return ended();
            if (!text(decoder.decode(value, { stream: true }), epochMs())) return;
          }
        } catch (error) {
          ended(error);
        } finally {
          reader.cancel().catch(() => {});
        }
      })(),
    );
  };

  /** `node:http` `request`, the body read with `data` events (decoded as UTF-8 by the response). */
  const viaHttp = (sessionId: string, stream: number) =>
    new Promise<void>((resolve, reject) => {
      const req = request(message.url, { headers: headers(sessionId) }, (res) => {
        const type = res.headers['content-type'] ?? '';
        if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => reject(new Error(`fan-out: GET answered ${res.statusCode} ${type}: ${body}`)));
          return;
        }
        const { text, ended } = check(stream);
        readers.push(
          new Promise<void>((done) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              if (!text(chunk, epochMs())) res.destroy();
            });
            res.once('error', (error) => ended(error));
            // An end or a reset before the last event fails the run (`ended` ignores the shutdown's).
            res.once('close', () => {
              ended(res.complete ? undefined : new Error('the connection closed mid-stream'));
              done();
            });
          }),
        );
        resolve();
      });
      closers.push(() => req.destroy());
      req.on('error', reject);
      req.end();
    });

  const open = READER === 'fetch' ? viaFetch : viaHttp;
  await pool(message.sessions, message.openConcurrency, (sessionId, stream) => open(sessionId, stream));
  process.on('message', (next: ToReader) => {
    if (next.type === 'report') void send({ type: 'report', latency: Array.from(latency), received, other });
  });
}

process.on('message', (message: ToReader) => {
  if (message.type === 'open') {
    openStreams(message).catch((error: unknown) =>
      fail(error instanceof Error ? error.message : String(error)),
    );
  } else if (message.type === 'close') {
    closing = true;
    for (const close of closers) close();
    void Promise.allSettled(readers).then(() => process.disconnect());
  }
});
