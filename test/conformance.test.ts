// End-to-end conformance: serves the fixture through lambda-mcp on a free loopback port and runs the official
// MCP conformance suite at 2025-06-18, 2025-11-25 and 2026-07-28. Every scenario the suite reports, scored or
// not, must pass, the tasks-* extension scenarios included (except those the suite itself skips).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFORMANCE_SETTINGS,
  describeFailures,
  ensureConformanceRunner,
  isExcludedScenario,
  runConformance,
} from './conformance/run-conformance.js';
import { type RunningConformanceServer, startConformanceServer } from './conformance/serve.js';

describe('MCP conformance suite against lambda-mcp', () => {
  let server: RunningConformanceServer | undefined;

  beforeAll(async () => {
    // The first run installs the pinned suite and Node 22 into test/conformance/runner (npm ci).
    await ensureConformanceRunner();
    server = await startConformanceServer({ port: 0, host: '127.0.0.1' });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
  });

  it.each(CONFORMANCE_SETTINGS)(
    'passes every %s scenario',
    async (setting) => {
      if (!server) throw new Error('the conformance server did not start');
      const run = await runConformance(server.url, setting);
      const passed = run.scenarios.filter((scenario) => scenario.passed).length;
      console.log(`conformance ${setting}: ${passed}/${run.scenarios.length} scenarios passed`);
      // A run that reports almost nothing is a broken run, not a pass.
      expect(run.scenarios.length).toBeGreaterThan(20);
      const failing = run.scenarios.filter(
        (scenario) => !scenario.passed && !isExcludedScenario(scenario.name),
      );
      expect(
        failing.map((scenario) => scenario.name),
        `${failing.length} of ${run.scenarios.length} ${setting} scenarios failed:\n${describeFailures(run, failing)}`,
      ).toEqual([]);
    },
    240_000,
  );
});
