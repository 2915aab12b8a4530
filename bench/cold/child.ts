// The body of a cold-start child: build the handler, answer one request in process, print one JSON line of
// timings (milliseconds since this process started, from `performance.now()`) and exit.

import { type Answer, checkAnswer, legacyInitialize, modernSessionInfo, readAnswer } from '../requests.js';
import type { Subject } from '../subjects/types.js';

/** The first requests a cold child can be asked to answer (its first argument). */
export type ColdRequest = 'modern' | 'legacy';

/** What a child prints. `loadedMs` is taken once the whole bundle has been evaluated. */
export interface ChildReport {
  ok: boolean;
  error?: string;
  loadedMs: number;
  createdMs: number;
  answeredMs: number;
}

/** Runs the child; `loadedMs` must be read by the entry's first statement. */
export async function runChild(loadedMs: number, create: () => Subject): Promise<never> {
  const kind = process.argv[2] as ColdRequest;
  let report: ChildReport;
  try {
    const subject = create();
    const createdMs = performance.now();
    const request = kind === 'legacy' ? legacyInitialize(1) : modernSessionInfo(1);
    const answer: Answer = await readAnswer(await subject.fetch(request));
    const answeredMs = performance.now();
    checkAnswer(answer, 1);
    report = { ok: true, loadedMs, createdMs, answeredMs };
  } catch (error) {
    report = { ok: false, error: String(error), loadedMs, createdMs: 0, answeredMs: 0 };
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}
