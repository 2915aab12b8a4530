// The one line an artifact cold-start child (child.ts) prints for its parent (measure.ts), in a module of
// its own: importing child.ts would run it.

/** What the child prints after `BENCH `. Times in ms; `startedMs` counts from this process's start. */
export interface ArtifactChildReport {
  ok: boolean;
  error?: string;
  /** Process start → this module's first statement (Node start-up, the small runner itself). */
  startedMs: number;
  /** `import(artifact)`: parsing and evaluating the bundle, its top-level await (building the app) included. */
  importMs: number;
  /** The first invocation, from the handler call until the whole answer was there. */
  answerMs: number;
  /** RSS after the answer, in bytes. */
  rssBytes: number;
}

/** The marker of the report line: the artifact writes its own logs and metrics to stdout and stderr. */
export const REPORT_PREFIX = 'BENCH ';
