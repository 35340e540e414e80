/**
 * `certops reissue run >>log` from cron (issue 13 review, items 3 and 9): the header line is written
 * before the work, so a run killed half-way leaves a trace in the log; the summary line is true
 * (the reissues in flight as `reissue status` counts them, in the dry run too) and the last line,
 * so `tail -1` of the log is the summary.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { BIN, runBin } from '../helpers/cli.js';
import { pointAtHang, startHangingServer } from '../helpers/hanging-server.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const NOW = '2026-11-23';

describe('certops reissue run >>log', { timeout: 180_000 }, () => {
  it('writes its header line before the work: a run killed while a provider hangs leaves it in the log', async () => {
    const { workspace, modules } = await harness.withModules(['enom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const hang = await startHangingServer();
    try {
      await pointAtHang(workspace, 'enom sandbox', hang);
      const log = join(mkdtempSync(join(tmpdir(), 'certops-log-')), 'reissue.log');
      const out = openSync(log, 'a');
      const child = spawn(process.execPath, [BIN, 'reissue', 'run', '--now', NOW], { env: { PATH: process.env.PATH ?? '', CERTOPS_CONFIG_DIR: workspace.directory }, stdio: ['ignore', out, 'ignore'] });
      closeSync(out);
      const closed = new Promise((resolve) => child.on('close', resolve));
      // The run is waiting on the provider that hangs: kill it there, as a cron timeout would.
      for (let waited = 0; hang.accepted() === 0 && waited < 15_000; waited += 50) await sleep(50);
      expect(hang.accepted()).toBeGreaterThan(0);
      child.kill('SIGKILL');
      await closed;
      expect(readFileSync(log, 'utf8')).toMatch(/^2026-11-23T\d\d:\d\d:\d\dZ certops reissue run \(run [0-9a-f-]{36}\): actions due by 2026-11-23, policy auto, SSLSubscriptionBefore 60 days\n$/);
    } finally {
      await hang.close();
    }
  });

  it('ends the dry run and the run with a true summary line, as reissue status counts the reissues in flight', async () => {
    const { workspace, modules } = await harness.withModules(['enom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const first = await runBin(['reissue', 'run', '--now', NOW], env);
    expect(first.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Summary: /);

    const status = JSON.parse((await runBin(['reissue', 'status', '--now', NOW, '--json'], env)).stdout) as { reissues: { stage: string }[] };
    const inFlight = status.reissues.filter((entry) => !['served', 'failed', 'cancelled'].includes(entry.stage));
    expect(inFlight.length).toBeGreaterThan(0);
    const stages = new Map<string, number>();
    for (const entry of inFlight) stages.set(entry.stage, (stages.get(entry.stage) ?? 0) + 1);
    const words = `${inFlight.length} reissue${inFlight.length === 1 ? '' : 's'} in flight: ${[...stages].map(([stage, n]) => `${n} ${stage}`).join(', ')}`;

    const dry = await runBin(['reissue', 'run', '--dry-run', '--now', NOW], env);
    const last = dry.stdout.trimEnd().split('\n').at(-1) as string;
    expect(last).toMatch(/^Summary: \d+ actions?: /);
    expect(last).toContain(`; ${words}`);
    expect(last).not.toContain('no reissue in flight');
  });
});
