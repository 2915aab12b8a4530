// The streaming suite: 2025 GET streams (priming, resumption, fan-out, targeting, log level) and the
// 2026-07-28 `subscriptions/listen` stream, with events published on demand through the reference server's
// `publish_event` hook. The checks are in streaming/, their mechanics (streams, hook, deadlines) in runner/.
import type { TestCase } from '../runner/types.js';
import { broadcastTests } from './streaming/broadcast.js';
import { getStreamTests } from './streaming/get-stream.js';
import { listenTest } from './streaming/listen.js';

/**
 * The streaming suite's tests, in the order they run. Each publishes events with a type unique to the run; a
 * server without the hook has its broadcast checks skipped, saying so. 2025 checks use raw requests (the wire
 * is what they check) and follow GET streams as an EventSource does, so they hold on live streams and on
 * buffered servers that replay and close. Waits end at a deadline inside `--timeout`; nothing sleeps.
 */
export const streamingTests: TestCase[] = [...getStreamTests, ...broadcastTests, listenTest];
