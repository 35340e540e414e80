/**
 * check and balance while another certops holds state.json (issue 13 review, item 4): they take
 * --wait, and print what the providers said before they fail to keep it (exit 5), so a cron job on
 * `balance --notify` never loses a low balance to a busy lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { editModule } from '../../src/core/modules.js';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const holders: ChildProcess[] = [];
afterEach(() => {
  for (const child of holders.splice(0)) child.kill('SIGKILL');
});

/** state.json locked by a live process that is not this one (a sleeping child names itself the owner). */
function lockState(directory: string, file = 'state.json'): void {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  holders.push(child);
  const lock = join(directory, `${file}.lock`);
  mkdirSync(lock);
  const stat = statSync(lock);
  writeFileSync(join(directory, `${file}.owner.json`), JSON.stringify({ pid: child.pid, host: hostname(), since: new Date().toISOString(), lock: `${stat.ino}:${stat.birthtimeMs}` }));
}

describe('check and balance with state.json locked by another certops', () => {
  it('check takes --wait, prints its results, then exits 5 saying they were not kept', async () => {
    const { workspace } = await harness.withModules(['enom']);
    lockState(workspace.directory);
    const started = Date.now();
    const run = await runMain(['check', '--wait', '0', '--config-dir', workspace.directory]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stdout).toMatch(/enom sandbox\s+ENOM\s+ok \(\d+ ms\)/);
    expect(run.stderr).toMatch(/not kept as the last check/);
    expect(run.stderr).toMatch(/state\.json\.lock/);
    expect(run.code).toBe(5);
    const json = await runMain(['check', '--wait', '0', '--json', '--config-dir', workspace.directory]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, results: [{ module: 'enom sandbox', ok: true }] });
    expect(json.code).toBe(5);
  });

  it('balance --notify under the minimum: prints the low balance and sends its message; a low balance (1) wins over the busy lock (5)', async () => {
    const { workspace, modules } = await harness.withModules(['enom']);
    await editModule(workspace, (modules[0] as (typeof modules)[number]).parameters.name, { parameters: { minimalBalance: 1_000_000_000 } });
    lockState(workspace.directory);
    const run = await runMain(['balance', '--all', '--notify', '--wait', '0', '--json', '--config-dir', workspace.directory]);
    const json = JSON.parse(run.stdout);
    expect(json.results[0]).toMatchObject({ module: 'enom sandbox', status: 'under-minimum', notified: expect.any(String) });
    expect(run.stderr).toMatch(/not kept as the last balance/);
    expect(run.code).toBe(1);
  });

  it('balance with nothing wrong but the lock: exit 5 after the table', async () => {
    const { workspace } = await harness.withModules(['enom']);
    lockState(workspace.directory);
    const run = await runMain(['balance', '--wait', '0', '--config-dir', workspace.directory]);
    expect(run.stdout).toMatch(/enom sandbox/);
    expect(run.code).toBe(5);
  });

  it('config import and debug, which change the configuration, take the --wait their busy message names', async () => {
    const { workspace } = await harness.withModules(['enom']);
    lockState(workspace.directory, 'config');
    const conf = join(workspace.directory, 'billmgr.conf');
    writeFileSync(conf, 'Option SSLSubscriptionPolicy manual\n');
    for (const args of [['config', 'import', conf], ['debug', 'pmenomssl', '9']]) {
      const run = await runMain([...args, '--wait', '0', '--config-dir', workspace.directory]);
      expect(run.stderr).toMatch(/config\.lock/);
      expect(run.code).toBe(5);
    }
  });
});
