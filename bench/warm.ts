// Warm latency: in this process, after warm-up, sequential `fetch` calls timed one by one from the call to
// the end of the body. Requests are built before each timer starts; answers are checked after each batch.
import {
  type Answer,
  checkAnswer,
  legacyInitialize,
  legacyInitialized,
  legacySessionInfo,
  modernSessionInfo,
  readAnswer,
} from './requests.js';
import { type Summary, summarize } from './stats.js';
import type { Subject, SubjectName } from './subjects/types.js';

/** The warm scenarios. */
export type WarmScenario = 'modern' | 'legacy';

/** How a subject serves a scenario: the request factory and a label saying what is really measured. */
interface Lane {
  label: string;
  next: (id: number) => Request;
}

/** Sets a subject up for a scenario; for our 2025 lane that is one session, initialized over the wire. */
async function prepare(subject: Subject, scenario: WarmScenario): Promise<Lane> {
  if (scenario === 'modern') {
    return { label: '2026-07-28 tools/call', next: (id) => modernSessionInfo(id) };
  }
  if (subject.name === 'sdk') {
    return {
      label: '2025-11-25 tools/call, stateless legacy lane (no session)',
      next: (id) => legacySessionInfo(id),
    };
  }
  const initialize = await subject.fetch(legacyInitialize(0));
  const sessionId = initialize.headers.get('mcp-session-id');
  checkAnswer(await readAnswer(initialize), 0);
  if (!sessionId) throw new Error('ours: initialize answered without mcp-session-id');
  const initialized = await subject.fetch(legacyInitialized(sessionId));
  if (initialized.status !== 202) throw new Error(`ours: initialized answered ${initialized.status}`);
  return {
    label: '2025-11-25 tools/call in a session (mcp-session-id)',
    next: (id) => legacySessionInfo(id, sessionId),
  };
}

interface Batch {
  samples: number[];
  wallMs: number;
}

/** Runs `count` sequential requests with ids from `firstId`; checks every answer once the batch is done. */
async function batch(subject: Subject, lane: Lane, firstId: number, count: number): Promise<Batch> {
  const samples: number[] = new Array(count);
  const answers: Answer[] = new Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const request = lane.next(firstId + i);
    const t0 = performance.now();
    const answer = await readAnswer(await subject.fetch(request));
    samples[i] = performance.now() - t0;
    answers[i] = answer;
  }
  const wallMs = performance.now() - started;
  answers.forEach((answer, i) => {
    checkAnswer(answer, firstId + i);
  });
  return { samples, wallMs };
}

/** One subject's warm figures for one scenario. */
export interface WarmResult {
  scenario: WarmScenario;
  subject: SubjectName;
  label: string;
  /** Per-request latency in ms. */
  latency: Summary;
  /** Measured requests divided by the time their loops took (request construction included). */
  requestsPerSecond: number;
}

/**
 * Measures both subjects on one scenario: warm-up each, then `rounds` alternating rounds whose samples are
 * pooled, so a GC or a noisy neighbour during the run does not all fall on one subject.
 */
export async function measureWarm(
  subjects: Record<SubjectName, Subject>,
  scenario: WarmScenario,
  options: { requests: number; warmup: number; rounds: number },
): Promise<WarmResult[]> {
  const names: SubjectName[] = ['ours', 'sdk'];
  const lanes = {} as Record<SubjectName, Lane>;
  const pooled = {
    ours: { samples: [] as number[], wallMs: 0 },
    sdk: { samples: [] as number[], wallMs: 0 },
  };
  let nextId = 1;
  for (const name of names) {
    lanes[name] = await prepare(subjects[name], scenario);
    if (options.warmup > 0) await batch(subjects[name], lanes[name], nextId, options.warmup);
    nextId += options.warmup;
  }
  for (let round = 0; round < options.rounds; round++) {
    const count =
      Math.floor(options.requests / options.rounds) + (round < options.requests % options.rounds ? 1 : 0);
    if (count === 0) continue;
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const result = await batch(subjects[name], lanes[name], nextId, count);
      nextId += count;
      pooled[name].samples.push(...result.samples);
      pooled[name].wallMs += result.wallMs;
    }
  }
  return names.map((name) => ({
    scenario,
    subject: name,
    label: lanes[name].label,
    latency: summarize(pooled[name].samples),
    requestsPerSecond: (pooled[name].samples.length / pooled[name].wallMs) * 1000,
  }));
}
