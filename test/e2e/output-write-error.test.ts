/**
 * An output that cannot be written (a full disk: >/dev/full) other than a closed pipe (issue 13
 * review, item 3): one line on stderr naming the command and the cause, exit 1 (README, "Exit
 * codes"), no stack trace, and the command still finishes what it changes.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { BIN, runBin } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** Runs certops with its stdout on /dev/full. */
function toFullDisk(args: readonly string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', full, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(full);
      resolve({ code: code ?? -1, stderr });
    });
  });
}

describe('an output that cannot be written (>/dev/full)', { timeout: 180_000 }, () => {
  it('is one line on stderr and exit 1 in every command, and the run still does its work', async () => {
    const { workspace, modules } = await harness.withModules(['ispmanager'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    for (const [label, args] of [
      ['timeline', ['timeline', '--today', '2026-11-23']],
      ['timeline', ['timeline', '--today', '2026-11-23', '--json']],
      ['metrics', ['metrics', '--today', '2026-11-23']],
      ['module list', ['module', 'list', '--json']],
      ['plan', ['plan', '--ordered', '2026-04-02', '--years', '2']],
      ['check', ['check']],
      ['sync', ['sync']],
      ['tasks', ['tasks', '--json']],
      ['reissue run', ['reissue', 'run', '--now', '2026-11-23']],
    ] as const) {
      const run = await toFullDisk(args, env);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({
        args,
        code: 1,
        stderr: `certops ${label}: cannot write the output: no space left on device (ENOSPC)\n`,
      });
    }
    // The reissue run above wrote nothing to its output, yet did its work: the reissues are in flight.
    const status = await runBin(['reissue', 'status', '--now', '2026-11-23', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { reissues: unknown[] }).reissues.length).toBeGreaterThan(0);
  });
});
