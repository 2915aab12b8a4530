// What the benchmark needs of a subject: a web-standard `fetch` and a way to stop it, plus the errors its
// `onerror` reported, so a subject that silently fails is visible in the results.

/** The two handlers under test. */
export type SubjectName = 'ours' | 'sdk';

/** A handler under test. */
export interface Subject {
  name: SubjectName;
  fetch: (request: Request) => Promise<Response>;
  close: () => Promise<void>;
  /** Out-of-band errors the handler reported while serving. */
  errors: Error[];
}
