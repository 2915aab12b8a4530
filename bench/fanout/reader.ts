// A fan-out reader process (`node --import tsx bench/fanout/reader.ts`, IPC to the bench process): opens
// one live GET SSE stream per session it is given over HTTP to the server process, reads each incrementally
// with the client's SSE parser and checks, per stream, that every benchmark event arrives exactly once and
// in order, with no `dropped` comment and no early end. It reports priming, each phase's completion (with
// the time its last stream got the phase's last event) and the latency samples; a violation fails the run.
import { SseParser } from '../../packages/lambda-mcp-client/src/runner/sse.js';
import { LEGACY_VERSION } from '../requests.js';
import { benchEvent, epochMs, type FromReader, PHASES, type Phase, type ToReader } from './protocol.js';

const send = (message: FromReader) =>
  new Promise<void>((resolve) =>
    (process.send as NonNullable<typeof process.send>)(message, () => resolve()),
  );

let closing = false;
let failed = false;
const controllers: AbortController[] = [];
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

async function open(message: Extract<ToReader, { type: 'open' }>): Promise<void> {
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
    if (complete[phase] === streams) void send({ type: 'phase', phase, lastAt: lastAt[phase] as number });
  };

  const read = async (stream: number, body: ReadableStream<Uint8Array>) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser({ comments: true });
    let isPrimed = false;
    let next = 0;
    const where = `fan-out stream ${stream} of reader ${process.pid}`;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          // After the last expected event the end is the server shutting down; before it, a failure.
          if (!closing && next !== ends[2]) fail(`${where}: ended after ${next} events`);
          return;
        }
        const at = epochMs();
        for (const sse of parser.push(decoder.decode(value, { stream: true }))) {
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
            return;
          }
          if (event.type === PHASES[1]) latency[stream * events + (next - warmup)] = at - event.t;
          next++;
          received++;
          ends.forEach((end, phase) => {
            if (next === end) reached(phase as Phase, at);
          });
        }
      }
    } catch (error) {
      if (!closing && next !== ends[2]) {
        fail(`${where}: read failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  };

  await pool(message.sessions, message.openConcurrency, async (sessionId, stream) => {
    const controller = new AbortController();
    controllers.push(controller);
    const response = await fetch(message.url, {
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': LEGACY_VERSION,
      },
      signal: controller.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
      throw new Error(`fan-out: GET answered ${response.status} ${type}: ${await response.text()}`);
    }
    readers.push(read(stream, response.body));
  });
  process.on('message', (next: ToReader) => {
    if (next.type === 'report') void send({ type: 'report', latency: Array.from(latency), received, other });
  });
}

process.on('message', (message: ToReader) => {
  if (message.type === 'open') {
    open(message).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
  } else if (message.type === 'close') {
    closing = true;
    for (const controller of controllers) controller.abort();
    void Promise.allSettled(readers).then(() => process.disconnect());
  }
});
