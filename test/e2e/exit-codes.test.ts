/**
 * One meaning per exit code in every command (issue 13, item 12; README "Exit codes"), through
 * the built binary against the sandboxes: a provider that is down is 4 in check, balance, sync and
 * module add --check alike; a provider that answered and refused is 1; a balance under its
 * minimum is 1; when both happen in one run, 1 wins; a reissue run held off by another is 5.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StartedSandbox } from '../../src/core/sandboxes.js';
import { runBin } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

function passwordFile(password: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'certops-password-')), 'password');
  writeFileSync(file, password, { mode: 0o600 });
  return file;
}

describe('exit codes: one meaning each, in every command', { timeout: 120_000 }, () => {
  it('a provider that cannot be reached is 4 in check, balance, sync and module add --check; one that refuses the credentials is 1', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign'], 5);
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const [enom, globalsign] = sandboxes as [StartedSandbox, StartedSandbox];
    for (const command of ['check', 'balance', 'sync']) expect((await runBin([command], env)).code, command).toBe(0);

    await enom.sandbox.stop();
    for (const command of ['check', 'balance', 'sync']) {
      const run = await runBin([command, 'enom sandbox'], env);
      expect({ command, code: run.code }).toEqual({ command, code: 4 });
    }
    const add = await runBin(
      ['module', 'add', 'enom', '--name', 'eNom down', '--username', 'u', '--api-url', enom.sandbox.url, '--department', 'SSL desk', '--sort', '30', '--min-balance', '1', '--data-center', 'DC1', '--check'],
      { ...env, CERTOPS_PASSWORD: 'p' },
    );
    expect(add.code, add.stderr).toBe(4);

    const wrong = await runBin(['module', 'edit', 'globalsign sandbox', '--password-file', passwordFile('not-the-password')], env);
    expect(wrong.code, wrong.stderr).toBe(0);
    for (const command of ['check', 'balance', 'sync']) {
      const run = await runBin([command, 'globalsign sandbox'], env);
      expect({ command, code: run.code, credentials: /credentials rejected/.test(run.stdout) }).toEqual({ command, code: 1, credentials: true });
    }
    // Both in one run: the problem found wins over the provider to try again later.
    for (const command of ['check', 'balance', 'sync']) expect((await runBin([command], env)).code, command).toBe(1);
    await runBin(['module', 'edit', 'globalsign sandbox', '--password-file', passwordFile(globalsign.sandbox.account.password)], env);
    expect((await runBin(['balance', 'globalsign sandbox'], env)).code).toBe(0);
  });

  it('balance --notify: 1 for a balance under its minimum, 4 for a provider down, 1 for both at once', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign'], 5);
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const [enom] = sandboxes as [StartedSandbox, StartedSandbox];
    const low = await runBin(['module', 'edit', 'globalsign sandbox', '--min-balance', '999999999'], env);
    expect(low.code, low.stderr).toBe(0);
    const under = await runBin(['balance', 'globalsign sandbox', '--notify'], env);
    expect(under.code, under.stderr).toBe(1);
    expect(under.stdout).toContain('▼ under the minimal balance');
    await enom.sandbox.stop();
    const down = await runBin(['balance', 'enom sandbox', '--notify'], env);
    expect(down.code, down.stderr).toBe(4);
    expect((await runBin(['balance', '--notify'], env)).code).toBe(1);
  });
});
