/** Issue 13 review, item 2: a module's own delivery settings are listed, dry-run and shown like every other setting. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';

async function withModule(): Promise<{ dir: string; config: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'certops-module-delivery-'));
  const config = ['--config-dir', dir];
  const added = await runMain(
    ['module', 'add', 'enom', '--name', 'eNom main', '--department', 'SSL desk', '--sort', '13', '--min-balance', '100', '--data-center', 'DC1', '--username', 'reseller', ...config],
    { CERTOPS_PASSWORD: 'enom-secret-1' },
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  return { dir, config };
}

const stored = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).modules[0];

describe('module edit with setting and delivery flags together (issue 13 review, item 2)', () => {
  it('lists every change in the dry run, saving nothing', async () => {
    const { dir, config } = await withModule();
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const run = await runMain(['module', 'edit', 'eNom main', '--sort', '14', '--deploy-hook', '/usr/local/bin/install-cert', '--key-type', 'ecdsa-p256', '--dry-run', ...config]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/parameters\.sort\s+13 → 14/);
    expect(run.stdout).toMatch(/delivery\.deployHook\s+none \(the policy's\) → \/usr\/local\/bin\/install-cert/);
    expect(run.stdout).toMatch(/delivery\.keyType\s+rsa2048 \(the policy's\) → ecdsa-p256/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('lists every change in the text and in changes[], and saves them together', async () => {
    const { dir, config } = await withModule();
    const run = await runMain(['module', 'edit', 'eNom main', '--sort', '14', '--deploy-hook', '/usr/local/bin/install-cert', '--key-type', 'ecdsa-p256', '--json', ...config]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.changes).toEqual([
      { field: 'parameters.sort', from: 13, to: 14 },
      { field: 'delivery.deployHook', from: null, to: '/usr/local/bin/install-cert', fromPolicy: true, toPolicy: false },
      { field: 'delivery.keyType', from: 'rsa2048', to: 'ecdsa-p256', fromPolicy: true, toPolicy: false },
    ]);
    expect(json.module.delivery).toEqual({
      own: { deployHook: '/usr/local/bin/install-cert', keyType: 'ecdsa-p256' },
      effective: { deployHook: '/usr/local/bin/install-cert', probeResolve: [], keyPolicy: 'reuse', keyType: 'ecdsa-p256' },
    });
    expect(stored(dir).delivery).toEqual({ deployHook: '/usr/local/bin/install-cert', keyType: 'ecdsa-p256' });

    const cleared = await runMain(['module', 'edit', 'eNom main', '--sort', '12', '--deploy-hook', 'none', ...config]);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/delivery\.deployHook\s+\/usr\/local\/bin\/install-cert \(this module's\) → none \(this module's\)/);
  });

  it('saves no delivery change when the setting change is refused', async () => {
    const { dir, config } = await withModule();
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const run = await runMain(['module', 'edit', 'eNom main', '--sort', 'abc', '--deploy-hook', '/usr/local/bin/install-cert', ...config]);
    expect(run.code).toBe(2);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('module show and module list show the module\'s own delivery settings and the effective ones; policy show names the overrides', async () => {
    const { config } = await withModule();
    expect((await runMain(['policy', 'set', '--key-policy', 'new', ...config])).code).toBe(0);
    expect((await runMain(['module', 'edit', 'eNom main', '--deploy-hook', '/usr/local/bin/install-cert', ...config])).code).toBe(0);
    const text = await runMain(['module', 'show', 'eNom main', ...config]);
    expect(text.stdout).toMatch(/Deploy hook\s+\/usr\/local\/bin\/install-cert \(this module's\)/);
    expect(text.stdout).toMatch(/Key policy\s+new \(the policy's\)/);
    const json = JSON.parse((await runMain(['module', 'show', 'eNom main', '--json', ...config])).stdout);
    expect(json.delivery).toEqual({ own: { deployHook: '/usr/local/bin/install-cert' }, effective: { deployHook: '/usr/local/bin/install-cert', probeResolve: [], keyPolicy: 'new', keyType: 'rsa2048' } });
    const list = await runMain(['module', 'list', ...config]);
    expect(list.stdout).toMatch(/own deploy hook/);
    const policy = await runMain(['policy', 'show', ...config]);
    expect(policy.stdout).toMatch(/"eNom main".*deploy hook \/usr\/local\/bin\/install-cert/);
    const policyJson = JSON.parse((await runMain(['policy', 'show', '--json', ...config])).stdout);
    expect(policyJson.overrides).toEqual([{ id: 1, module: 'eNom main', delivery: { deployHook: '/usr/local/bin/install-cert' } }]);
  });
});
