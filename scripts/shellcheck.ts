// The shell lint the script tests share: shellcheck when this machine has it; otherwise one line saying the lint
// did not run and how to install it, and the test is reported skipped (never passed). `.ci/run` installs
// shellcheck, and with `CI` set a missing shellcheck fails instead, so CI always lints.
import { spawnSync } from 'node:child_process';

/** Whether `shellcheck` runs here. */
export const SHELLCHECK_PRESENT =
  spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).error === undefined;

/** Whether the lint test should run: shellcheck is here, or this is CI (where its absence is a failure). */
export function shouldLintShell(env: NodeJS.ProcessEnv = process.env): boolean {
  if (SHELLCHECK_PRESENT || env.CI) return true;
  console.log('shellcheck is not installed: the shell-script lint did not run (apt-get install shellcheck)');
  return false;
}

/** Runs `shellcheck -x` on `files`; its output (empty when clean) and exit status. */
export function shellcheck(files: string[], cwd: string): { output: string; status: number | null } {
  const result = spawnSync('shellcheck', ['-x', ...files], { cwd, encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `shellcheck could not run (${result.error.message}): install it (apt-get install shellcheck)`,
    );
  }
  return { output: `${result.stdout}${result.stderr}`, status: result.status };
}
