import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editModule } from '../../src/core/modules.js';
import { main } from '../../src/cli/main.js';
import { PROVIDER_IDS } from '../../src/providers/catalog.js';
import { runBin, runMain, type CliRun } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** Every sandbox password, to check that no output shows one. */
function expectNoSecret(run: CliRun, sandboxes: readonly { sandbox: { account: { password: string } } }[]): void {
  for (const { sandbox } of sandboxes) {
    expect(run.stdout).not.toContain(sandbox.account.password);
    expect(run.stderr).not.toContain(sandbox.account.password);
  }
}

async function emptyConfigDir(): Promise<string> {
  return join(mkdtempSync(join(tmpdir(), 'certops-cli-')), 'config');
}

describe('certops check', () => {
  it('checks every module, prints a table and exits 0 when all answer', async () => {
    const { workspace, sandboxes } = await harness.withModules(PROVIDER_IDS);
    const run = await runMain(['check', '--config-dir', workspace.directory]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Module\s+Provider\s+Connection$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 2))).toEqual([
      ['leadertelecom sandbox', 'LeaderTelecom'],
      ['ispmanager sandbox', 'Ispmanager (SSL)'],
      ['globalsign sandbox', 'GlobalSign'],
      ['enom sandbox', 'ENOM'],
    ]);
    for (const line of lines.slice(1)) expect(line).toMatch(/ok \(\d+ ms\)$/);
    expectNoSecret(run, sandboxes);
    // Each result is kept as the module's last check.
    const checks = workspace.state.read().checks;
    expect(Object.values(checks).map((check) => check.ok)).toEqual([true, true, true, true]);
  });

  it('reports a failing module with its cause and steps while the others still report ok; exits 1', async () => {
    const { workspace, sandboxes, modules } = await harness.withModules(['enom', 'globalsign', 'ispmanager']);
    sandboxes[1]?.sandbox.faults.add('wrong-credentials');
    const run = await runMain(['check', '--config-dir', workspace.directory]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/enom sandbox\s+ENOM\s+ok \(\d+ ms\)/);
    expect(run.stdout).toMatch(/globalsign sandbox\s+GlobalSign\s+FAILED: credentials rejected/);
    expect(run.stdout).toMatch(/ispmanager sandbox\s+Ispmanager \(SSL\)\s+ok \(\d+ ms\)/);
    // The report of what failed goes to stderr; the table stays alone on stdout (README, "Output").
    expect(run.stderr).toContain('\nglobalsign sandbox: Cannot connect to the processing module\n  credentials rejected: ');
    expect(run.stderr).toContain('  Check:\n  - make sure the connection parameters are correct\n');
    expectNoSecret(run, sandboxes);
    const failed = workspace.state.read().checks[String(modules[1]?.id)];
    expect(failed).toMatchObject({ ok: false, cause: 'credentials' });
  });

  it('times out a hanging module without holding the others back; --json has the documented shape', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'leadertelecom']);
    await editModule(workspace, 'leadertelecom sandbox', { network: { totalTimeoutMs: 400, connectTimeoutMs: 400 } });
    sandboxes[1]?.sandbox.faults.add('hang');
    const run = await runMain(['check', '--all', '--json', '--config-dir', workspace.directory]);
    // Timed out: the provider could not be asked (4), as in sync and balance.
    expect(run.code).toBe(4);
    expect(run.stderr).toBe('');
    const output = JSON.parse(run.stdout);
    expect(output.ok).toBe(false);
    expect(output.results).toHaveLength(2);
    expect(output.results[0]).toEqual({ module: 'enom sandbox', moduleId: 1, provider: 'enom', ok: true, roundTripMs: expect.any(Number), checkedAt: expect.any(String) });
    expect(output.results[1]).toEqual({
      module: 'leadertelecom sandbox',
      moduleId: 2,
      provider: 'leadertelecom',
      ok: false,
      message: 'Cannot connect to the processing module',
      cause: 'timeout',
      causeLabel: 'timed out',
      detail: expect.any(String),
      steps: [
        'check that the URL-address of the Certification Authority is accessible from the server with BILLmanager',
        'make sure the connection parameters are correct',
      ],
      checkedAt: expect.any(String),
    });
  });

  it('checks only the modules named, and refuses an unknown name (exit 2) or names with --all', async () => {
    const { workspace } = await harness.withModules(['enom', 'globalsign']);
    const one = await runMain(['check', 'ENOM SANDBOX', '--json', '--config-dir', workspace.directory]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).results.map((r: { module: string }) => r.module)).toEqual(['enom sandbox']);
    const unknown = await runMain(['check', 'nope', '--config-dir', workspace.directory]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('certops check: there is no processing module named "nope"; there are "enom sandbox", "globalsign sandbox"\n');
    const both = await runMain(['check', 'enom sandbox', '--all', '--config-dir', workspace.directory]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('certops check: give module names or --all, not both');
  });

  it('shows each result as it arrives on a terminal, on stderr', async () => {
    const { workspace } = await harness.withModules(['enom', 'globalsign']);
    let stdout = '';
    let stderr = '';
    const code = await main(['check', '--json', '--config-dir', workspace.directory], {
      stdout: { write: (text: string) => (stdout += text), isTTY: false },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      env: {},
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Checking 2 processing modules\.\.\.\n {2}(enom|globalsign) sandbox: ok \(\d+ ms\)\n {2}(enom|globalsign) sandbox: ok \(\d+ ms\)\n$/);
    expect(JSON.parse(stdout).ok).toBe(true);
  });

  it('says how to add a module when none is set up, and exits 1', async () => {
    const run = await runMain(['check'], { CERTOPS_CONFIG_DIR: await emptyConfigDir() });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no processing module is set up yet; add one with: certops module add <provider>');
  });

  it('exits 3 on a corrupt configuration, naming the file', async () => {
    const directory = await emptyConfigDir();
    mkdirSync(directory, { mode: 0o700 });
    writeFileSync(join(directory, 'config.json'), '{"modules": [', { mode: 0o600 });
    for (const command of [['check'], ['balance'], ['sync'], ['timeline'], ['policy', 'show'], ['config', 'export'], ['debug']]) {
      const run = await runMain([...command, '--config-dir', directory]);
      expect(run.code, command.join(' ')).toBe(3);
      expect(run.stderr).toContain(`${join(directory, 'config.json')} is not valid JSON`);
      expect(run.stdout).toBe('');
    }
    // Valid JSON that is not a valid configuration is the same problem.
    writeFileSync(join(directory, 'config.json'), JSON.stringify({ reissuePolicy: { policy: 'sometimes' } }), { mode: 0o600 });
    const run = await runMain(['policy', 'show', '--config-dir', directory]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('is not a valid certops configuration: reissuePolicy.policy');
  });

  it('prints help with examples', async () => {
    for (const command of ['check', 'balance', 'sync', 'timeline', 'policy', 'config', 'debug']) {
      const run = await runMain([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout).toContain(`Usage: certops ${command}`);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain('--config-dir');
    }
  });

  it('exits 1 with --json through the real binary when a check fails', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'ispmanager']);
    sandboxes[0]?.sandbox.faults.add('ip-not-allowed');
    const run = await runBin(['check', '--json'], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout);
    expect(output.results.map((r: { ok: boolean; cause?: string }) => [r.ok, r.cause])).toEqual([
      [false, 'ip-not-allowed'],
      [true, undefined],
    ]);
    expectNoSecret(run, sandboxes);
    expect(run.stdout + run.stderr).not.toMatch(/\u001b\[/);
  });
});

describe('certops balance', () => {
  it('shows amount, currency, minimal balance and status; exits 0 when all are above the minimum', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'ispmanager']);
    const run = await runMain(['balance', '--config-dir', workspace.directory]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^Module\s+Provider\s+Balance\s+Currency\s+Minimal balance\s+Status$/);
    // Amounts as the console writes them (one formatter, core/balance.ts): grouped, cents only when there are any.
    expect(run.stdout).toMatch(/enom sandbox\s+ENOM\s+1,204\.10 \(available 1,150\)\s+USD\s+100\s+ok\n/);
    expect(run.stdout).toMatch(/ispmanager sandbox\s+Ispmanager \(SSL\)\s+15,000\s+RUB\s+100\s+ok\n/);
    expectNoSecret(run, sandboxes);
    expect(Object.values(workspace.state.read().balances).map((b) => b.amount)).toEqual([1204.1, 15000]);
  });

  it('marks a balance under the minimal balance "▼ under the minimal balance" and exits 1', async () => {
    const { workspace } = await harness.withModules(['enom', 'globalsign']);
    await editModule(workspace, 'globalsign sandbox', { parameters: { minimalBalance: 5000 } });
    const table = await runMain(['balance', '--config-dir', workspace.directory]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/globalsign sandbox\s+GlobalSign\s+1,250\s+USD\s+5,000\s+▼ under the minimal balance\n/);
    expect(table.stdout).toMatch(/enom sandbox\s+ENOM\s+1,204\.10 \(available 1,150\)\s+USD\s+100\s+ok\n/);
    const json = await runMain(['balance', '--json', '--config-dir', workspace.directory]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      results: [
        { module: 'enom sandbox', moduleId: 1, provider: 'enom', ok: true, status: 'ok', amount: 1204.1, available: 1150, currency: 'USD', minimalBalance: 100, underMinimum: false, checkedAt: expect.any(String) },
        { module: 'globalsign sandbox', moduleId: 2, provider: 'globalsign', ok: true, status: 'under-minimum', amount: 1250, available: null, currency: 'USD', minimalBalance: 5000, underMinimum: true, checkedAt: expect.any(String) },
      ],
    });
  });

  it('compares the minimal balance with what can be spent: eNom\'s AvailableBalance, not its Balance', async () => {
    const { workspace, modules } = await harness.withModules(['enom']);
    // Between AvailableBalance (1150.00) and Balance (1204.10): under the minimum by what can be spent.
    const enom = modules[0] as (typeof modules)[number];
    expect((await runMain(['module', 'edit', enom.parameters.name, '--min-balance', '1200', '--config-dir', workspace.directory])).code).toBe(0);
    const json = await runMain(['balance', '--json', '--config-dir', workspace.directory]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).results[0]).toMatchObject({ amount: 1204.1, available: 1150, minimalBalance: 1200, underMinimum: true, status: 'under-minimum' });
  });

  it('reports a failed query with its cause and exits 1', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'leadertelecom']);
    sandboxes[0]?.sandbox.faults.add('locked');
    const run = await runMain(['balance', '--config-dir', workspace.directory]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/enom sandbox\s+ENOM\s+-\s+100\s+FAILED: account locked\n/);
    expect(run.stderr).toContain('enom sandbox: Cannot connect to the processing module\n  account locked: ');
    const json = JSON.parse((await runMain(['balance', 'enom sandbox', '--json', '--config-dir', workspace.directory])).stdout);
    expect(json.results[0]).toMatchObject({ ok: false, status: 'failed', cause: 'account-locked', steps: ['make sure the connection parameters are correct'] });
  });
});
