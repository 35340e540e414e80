/**
 * The built binary (bin/certops.js) end to end against the sandboxes: every command, every exit
 * code, the bad inputs of issue 5 (each changing nothing on disk), and concurrent writers.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

function configDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'certops-e2e-')), 'config');
}

/** The bytes of every file certops keeps, to prove a refused command changed nothing. */
function snapshot(directory: string): Record<string, string | null> {
  return Object.fromEntries(['config.json', 'state.json', 'inventory.json'].map((name) => [name, existsSync(join(directory, name)) ? readFileSync(join(directory, name), 'utf8') : null]));
}

describe('certops binary: every command against the sandboxes', { timeout: 120_000 }, () => {
  it('adds, lists, shows, checks, balances, syncs, plans, shows the timeline, sets the policy, imports and exports, sets debug levels, edits and removes', async () => {
    const { sandboxes } = await harness.withModules(['enom'], 40);
    const [sandbox] = sandboxes;
    if (!sandbox) throw new Error('sandbox');
    const dir = configDir();
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: sandbox.sandbox.account.password };
    const add = await runBin(
      ['module', 'add', 'enom', '--name', 'eNom main', '--username', sandbox.sandbox.account.username, '--api-url', sandbox.sandbox.url, '--department', 'SSL', '--sort', '10', '--min-balance', '100', '--data-center', 'DC1', '--check', '--json'],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ saved: true, check: { ok: true } });

    const list = await runBin(['module', 'list', '--json'], { CERTOPS_CONFIG_DIR: dir });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).modules[0]).toMatchObject({ name: 'eNom main', provider: 'enom' });
    const show = await runBin(['module', 'show', 'eNom main', '--json'], { CERTOPS_CONFIG_DIR: dir });
    expect(JSON.parse(show.stdout).integration.password).toEqual({ set: true });

    for (const [args, code] of [
      [['check', '--all', '--json'], 0],
      [['balance', '--all', '--json'], 0],
      [['sync', '--json'], 0],
      [['timeline', '--today', '2026-11-23', '--within', '90d', '--json'], 0],
      [['timeline', '--today', '2026-11-23', '--format', 'csv'], 0],
      [['timeline', '--today', '2026-11-23', '--format', 'ics'], 0],
      [['policy', 'show', '--json'], 0],
      [['policy', 'set', '--policy', 'manual', '--before', '30', '--json'], 0],
      [['config', 'export'], 0],
      [['debug', 'pmenomssl', '9'], 0],
      [['debug', '--json'], 0],
      [['plan', '--ordered', '2026-04-02', '--years', '5', '--json'], 0],
      [['module', 'edit', 'eNom main', '--sort', '5'], 0],
    ] as const) {
      const run = await runBin(args, { CERTOPS_CONFIG_DIR: dir });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
      expect(run.stdout.length, args.join(' ')).toBeGreaterThan(0);
      expect(run.stdout + run.stderr).not.toContain(sandbox.sandbox.account.password);
    }
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toContain('"beforeDays": 30');
    const billmgr = join(dir, '..', 'billmgr.conf');
    writeFileSync(billmgr, 'Option SSLSubscriptionPolicy none\nOption SSLSubscriptionBefore 15\n');
    expect((await runBin(['config', 'import', billmgr], { CERTOPS_CONFIG_DIR: dir })).code).toBe(0);
    expect(JSON.parse((await runBin(['policy', 'show', '--json'], { CERTOPS_CONFIG_DIR: dir })).stdout)).toMatchObject({ policy: 'none', beforeDays: 15 });

    const remove = await runBin(['module', 'remove', 'eNom main', '--yes'], { CERTOPS_CONFIG_DIR: dir });
    expect(remove.code).toBe(0);
    expect(JSON.parse((await runBin(['module', 'list', '--json'], { CERTOPS_CONFIG_DIR: dir })).stdout)).toEqual({ modules: [] });
  });

  it('exits 1 when a check finds a problem, 4 when a provider cannot be reached, 3 on a corrupt configuration', async () => {
    const { sandboxes } = await harness.withModules(['globalsign'], 5);
    const [sandbox] = sandboxes;
    if (!sandbox) throw new Error('sandbox');
    const dir = configDir();
    const add = await runBin(
      ['module', 'add', 'globalsign', '--name', 'GS', '--username', sandbox.sandbox.account.username, '--endpoint', sandbox.sandbox.url, '--department', 'SSL', '--sort', '1', '--min-balance', '100000'],
      { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'wrong-password' },
    );
    expect(add.code, add.stderr).toBe(0);
    const check = await runBin(['check', '--all'], { CERTOPS_CONFIG_DIR: dir });
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('Cannot connect to the processing module');
    await sandbox.sandbox.stop();
    const sync = await runBin(['sync'], { CERTOPS_CONFIG_DIR: dir });
    expect(sync.code).toBe(4);
    writeFileSync(join(dir, 'config.json'), '{"modules": [');
    const corrupt = await runBin(['module', 'list'], { CERTOPS_CONFIG_DIR: dir });
    expect(corrupt.code).toBe(3);
    expect(corrupt.stderr).toContain(join(dir, 'config.json'));
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"modules": [');
  });

  it.each([
    ['a missing flag', ['module', 'add', 'enom', '--username', 'u', '--department', 'D', '--sort', '1', '--min-balance', '1', '--data-center', 'DC'], /--name/],
    ['an unknown provider', ['module', 'add', 'digicert', '--name', 'x', '--username', 'u', '--department', 'D', '--sort', '1', '--min-balance', '1'], /digicert/],
    ['a duplicate name', ['module', 'add', 'enom', '--name', 'EXISTING', '--username', 'u', '--department', 'D', '--sort', '1', '--min-balance', '1', '--data-center', 'DC'], /already exists/],
    ['a non-numeric sort', ['module', 'add', 'enom', '--name', 'n', '--username', 'u', '--department', 'D', '--sort', 'first', '--min-balance', '1', '--data-center', 'DC'], /--sort/],
    ['a negative minimal balance', ['module', 'add', 'enom', '--name', 'n', '--username', 'u', '--department', 'D', '--sort', '1', '--min-balance=-5', '--data-center', 'DC'], /--min-balance/],
    ['SSLSubscriptionBefore 201', ['policy', 'set', '--before', '201'], /--before.*200/],
    ['http:// to a non-loopback host', ['module', 'add', 'enom', '--name', 'n', '--username', 'u', '--api-url', 'http://reseller.enom.com/interface.asp', '--department', 'D', '--sort', '1', '--min-balance', '1', '--data-center', 'DC'], /plain http:\/\/ is refused/],
    ['a password on argv', ['module', 'add', 'enom', '--name', 'n', '--username', 'u', '--password', 'hunter2', '--department', 'D', '--sort', '1', '--min-balance', '1', '--data-center', 'DC'], /never given as an argument/],
    ['an unknown flag', ['timeline', '--colour'], /--colour/],
    ['a removal without --yes and without a terminal', ['module', 'remove', 'EXISTING'], /--yes/],
  ])('exits 2 on %s and changes nothing on disk', async (_what, args, message) => {
    const dir = configDir();
    mkdirSync(dir, { recursive: true });
    const seed = await runBin(['module', 'add', 'enom', '--name', 'EXISTING', '--username', 'u', '--department', 'D', '--sort', '1', '--min-balance', '1', '--data-center', 'DC'], {
      CERTOPS_CONFIG_DIR: dir,
      CERTOPS_PASSWORD: 'p',
    });
    expect(seed.code, seed.stderr).toBe(0);
    const before = snapshot(dir);
    const run = await runBin(args as string[], { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'p' });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('hunter2');
    expect(snapshot(dir)).toEqual(before);
  });

  it('loses neither module when two processes add one at the same moment, time after time', async () => {
    for (let round = 0; round < 8; round += 1) {
      const dir = configDir();
      const add = (name: string) =>
        runBin(['module', 'add', 'enom', '--name', name, '--username', 'u', '--department', 'D', '--sort', '1', '--min-balance', '1', '--data-center', 'DC'], {
          CERTOPS_CONFIG_DIR: dir,
          CERTOPS_PASSWORD: 'p',
        });
      const [a, b] = await Promise.all([add('first'), add('second')]);
      expect([a.code, b.code], `${a.stderr}${b.stderr}`).toEqual([0, 0]);
      const names = (JSON.parse((await runBin(['module', 'list', '--json'], { CERTOPS_CONFIG_DIR: dir })).stdout) as { modules: { name: string }[] }).modules.map((m) => m.name).sort();
      expect(names).toEqual(['first', 'second']);
    }
  });

  it('refuses to start the console without a terminal and names the scripted commands', async () => {
    const run = await runBin([], { CERTOPS_CONFIG_DIR: configDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the console needs a terminal');
    expect(run.stderr).toContain('certops check --all');
  });
});
