// `npm test`: lint (Biome), typecheck (tsc), then every test (vitest run, extra arguments passed on), each step
// with its output as it comes; stops at the first step that fails, with its exit code, and ends with one line
// saying how long each step and the whole run took.
import { spawn } from 'node:child_process';
import { formatDuration } from './duration.js';

const steps: Array<{ name: string; command: string; args: string[] }> = [
  { name: 'lint', command: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'typecheck', command: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'vitest', command: 'npx', args: ['vitest', 'run', ...process.argv.slice(2)] },
];

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const started = performance.now();
const timings: string[] = [];
let code = 0;
for (const step of steps) {
  const stepStarted = performance.now();
  code = await run(step.command, step.args);
  timings.push(`${step.name} ${formatDuration(performance.now() - stepStarted)}`);
  if (code !== 0) {
    timings[timings.length - 1] += ' (failed)';
    break;
  }
}
const total = formatDuration(performance.now() - started);
console.log(`npm test: ${code === 0 ? 'passed' : 'failed'} in ${total} (${timings.join(', ')})`);
process.exitCode = code;
