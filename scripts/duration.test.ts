import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';

describe('formatDuration', () => {
  it('prints seconds with one decimal under a minute, minutes and seconds from there', () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(2_340)).toBe('2.3 s');
    expect(formatDuration(59_949)).toBe('59.9 s');
    expect(formatDuration(59_950)).toBe('1 min 0 s');
    expect(formatDuration(95_000)).toBe('1 min 35 s');
    expect(formatDuration(3_600_000)).toBe('60 min 0 s');
  });
});

describe('npm test', () => {
  it('is scripts/test.ts: lint, typecheck and vitest, timed', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.scripts.test).toBe('tsx scripts/test.ts');
    const script = readFileSync(new URL('./test.ts', import.meta.url), 'utf8');
    for (const step of ["'lint'", "'typecheck'", "'vitest', 'run'"]) expect(script).toContain(step);
  });
});
