/**
 * The built console on a real 80x24 pseudo-terminal (util-linux `script`): the dashboard keeps a
 * balance against its minimal balance, every module name, the due counts and every key of its
 * footer; Enter on the timeline shows a certificate whole.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { editModule, recordBalance } from '../../src/core/modules.js';
import { syncModules } from '../../src/core/sync.js';
import { BIN } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const plain = (text: string) => text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

/** Starts the console at 80x24; for each step waits for its text, then writes its keys; q at the end. */
function onTerminal(configDirectory: string, steps: readonly { readonly waitFor: string; readonly keys: string }[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const command = `stty cols 80 rows 24; exec '${process.execPath}' '${BIN}' --config-dir '${configDirectory}' --today 2026-11-23`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: configDirectory, TERM: 'xterm-256color' } });
    let screen = '';
    let seen = 0;
    let step = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stuck at step ${step}:\n${plain(screen).slice(-1500)}`));
    }, 25_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      const current = steps[step];
      if (current && plain(screen.slice(seen)).includes(current.waitFor)) {
        seen = screen.length;
        step += 1;
        child.stdin.write(current.keys);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(plain(screen));
    });
  });
}

describe('console on a real 80x24 terminal', { timeout: 40_000 }, () => {
  it('keeps what the operator acts on, and Enter on the timeline shows the row whole', async () => {
    const { workspace, modules } = await harness.withModules(['ispmanager', 'leadertelecom', 'globalsign', 'enom'], 40);
    await syncModules(workspace, modules, workspace.runtime());
    const isp = modules[0];
    if (!isp) throw new Error('modules');
    await editModule(workspace, isp.parameters.name, { parameters: { minimalBalance: 20000 } });
    await recordBalance(workspace, isp.id, { ok: true, module: isp.parameters.name, provider: 'ispmanager', amount: 15000, currency: 'RUB', minimalBalance: 20000, underMinimum: true, checkedAt: new Date().toISOString() });
    const screen = await onTerminal(workspace.directory, [
      { waitFor: 'l logs', keys: 't' },
      { waitFor: 'Enter detail', keys: '\r' },
      { waitFor: 'Certificate', keys: 'q' },
    ]);
    expect(screen).toContain('▼15,000 RUB/20,000');
    for (const module of modules) expect(screen).toContain(module.parameters.name);
    expect(screen).toMatch(/\d+\/\d+\/\d+/);
    expect(screen).toContain('p policy');
    expect(screen).toMatch(/ {2}Action +\S/);
  });
});
