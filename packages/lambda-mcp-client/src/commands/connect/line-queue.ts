// The lines of stdin for the `connect` REPL, handed out in order to whoever asks — the REPL loop, or first a
// pending question of the server — with the prompt of whoever waits shown, and what every part of the REPL
// reads and writes through (the Terminal).
import type { Interface } from 'node:readline';
import type { Styles } from '../../runner/style.js';

/** Resolved instead of a line when the user pressed Ctrl-C while asked something. */
export const INTERRUPTED = Symbol('interrupted');
/** A line, `null` at the end of input, or {@link INTERRUPTED}. */
export type Read = string | null | typeof INTERRUPTED;

/** Where the REPL reads and writes: the readline and its line queue, whether a person is at a TTY, output. */
export interface Terminal {
  rl: Interface;
  lines: LineQueue;
  interactive: boolean;
  out: Styles;
  write: (text: string) => void;
}

/** Empties the line being typed (Ctrl-E, then Ctrl-U). */
export function clearLine(rl: Interface): void {
  rl.write(null, { ctrl: true, name: 'e' });
  rl.write(null, { ctrl: true, name: 'u' });
}

/**
 * The lines of stdin, handed out in order to whoever asks: the REPL loop, or (first) a pending question
 * of the server. Lines typed ahead (or piped) wait in a buffer; `null` means end of input.
 */
export class LineQueue {
  private readonly buffered: string[] = [];
  private readonly waiters: { resolve: (line: Read) => void; prompt: string; question: boolean }[] = [];
  private ended = false;

  constructor(
    private readonly rl: Interface,
    private readonly interactive: boolean,
  ) {
    rl.on('line', (line) => {
      const waiter = this.waiters.shift();
      if (!waiter) {
        this.buffered.push(line);
        return;
      }
      waiter.resolve(line);
      this.showPrompt();
    });
    rl.on('close', () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
    });
  }

  /** The next line; a `question` (the server asking) goes before the REPL's own wait. */
  next(prompt: string, question = false): Promise<Read> {
    const line = this.buffered.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = { resolve, prompt, question };
      if (question) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.showPrompt();
    });
  }

  /** Whether a question of the server is waiting for its answer. */
  get asking(): boolean {
    return this.waiters[0]?.question ?? false;
  }

  /** Whether the REPL's prompt is on screen, waiting for a command. */
  get idle(): boolean {
    return this.waiters.some((waiter) => !waiter.question);
  }

  /** Answers the pending question with INTERRUPTED (Ctrl-C). */
  interrupt(): void {
    if (!this.asking) return;
    clearLine(this.rl);
    process.stdout.write('\n');
    this.waiters.shift()?.resolve(INTERRUPTED);
    this.showPrompt();
  }

  private showPrompt(): void {
    const waiter = this.waiters[0];
    if (!this.interactive || !waiter) return;
    this.rl.setPrompt(waiter.prompt);
    this.rl.prompt(true);
  }
}
