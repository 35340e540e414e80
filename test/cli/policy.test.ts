import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

function scratch(): { dir: string; config: string[]; file: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'certops-policy-'));
  return {
    dir,
    config: ['--config-dir', join(dir, 'config')],
    file: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

describe('certops policy', () => {
  it('shows the policy, its description and SSLSubscriptionBefore', async () => {
    const { config } = scratch();
    const table = await runMain(['policy', 'show', ...config]);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      'SSLSubscriptionPolicy  auto  (Automatic certificate reissue)\nSSLSubscriptionBefore  10  (days before the expiration date)\n' +
        'Deploy hook            none (a task to install each collected certificate)\nProbe                  every name on port 443 at its DNS address\n' +
        "Key                    reuse the certificate's key, new keys rsa2048\n",
    );
    expect((await runMain(['policy', ...config])).stdout).toBe(table.stdout);
    const json = await runMain(['policy', 'show', '--json', ...config]);
    expect(JSON.parse(json.stdout)).toEqual({
      policy: 'auto',
      description: 'Automatic certificate reissue',
      beforeDays: 10,
      delivery: { deployHook: null, probeResolve: [], keyPolicy: 'reuse', keyType: 'rsa2048' },
      overrides: [],
    });
  });

  it('sets only the delivery settings it is given; none clears the hook and the probe targets', async () => {
    const { config } = scratch();
    const set = await runMain(['policy', 'set', '--deploy-hook', 'systemctl reload nginx', '--probe-resolve', '*:443:192.0.2.10', '--probe-resolve', 'mail.example.com:8443:[2001:db8::1]', '--json', ...config]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout).delivery.after).toEqual({ deployHook: 'systemctl reload nginx', probeResolve: ['*:443:192.0.2.10', 'mail.example.com:8443:[2001:db8::1]'], keyPolicy: 'reuse', keyType: 'rsa2048' });
    expect((await runMain(['policy', 'set', '--key-policy', 'new', '--key-type', 'ecdsa-p256', ...config])).code).toBe(0);
    const shown = JSON.parse((await runMain(['policy', 'show', '--json', ...config])).stdout);
    expect(shown.delivery).toEqual({ deployHook: 'systemctl reload nginx', probeResolve: ['*:443:192.0.2.10', 'mail.example.com:8443:[2001:db8::1]'], keyPolicy: 'new', keyType: 'ecdsa-p256' });
    expect(shown.policy).toBe('auto');
    expect((await runMain(['policy', 'set', '--deploy-hook', 'none', '--probe-resolve', 'none', ...config])).code).toBe(0);
    expect(JSON.parse((await runMain(['policy', 'show', '--json', ...config])).stdout).delivery).toEqual({ deployHook: null, probeResolve: [], keyPolicy: 'new', keyType: 'ecdsa-p256' });
  });

  it('sets the policy after a preview of the next 30 days', async () => {
    const { workspace } = await harness.withModules(['enom', 'globalsign']);
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(0);
    const run = await runMain(['policy', 'set', '--policy', 'manual', '--before', '20', '--today', '2026-11-23', '--config-dir', workspace.directory]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('SSLSubscriptionPolicy: auto (Automatic certificate reissue) -> manual (Certificate expiration notification)');
    expect(lines[1]).toBe('SSLSubscriptionBefore: 10 days -> 20 days');
    expect(lines[3]).toMatch(/^Next 30 days \(2026-11-23 to 2026-12-23\): \d+ certificate actions due now, \d+ after the change\.$/);
    expect(lines[4]).toMatch(/^Domain\s+Module\s+Now\s+After the change$/);
    expect(run.stdout).toMatch(/\d{4}-\d\d-\d\d (reissue|manual task)\s+\d{4}-\d\d-\d\d notify client\n/);
    expect(run.stderr).toBe('certops policy set: saved\n');
    expect(workspace.store.read().reissuePolicy).toEqual({ policy: 'manual', beforeDays: 20 });
    // The timeline follows the new policy.
    const timeline = JSON.parse((await runMain(['timeline', '--json', '--today', '2026-11-23', '--config-dir', workspace.directory])).stdout);
    expect(new Set(timeline.entries.map((entry: { action: string }) => entry.action))).toEqual(new Set(['notify-client', 'end-of-term']));
  });

  it('--dry-run shows the preview (JSON shape) and saves nothing', async () => {
    const { workspace } = await harness.withModules(['ispmanager']);
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(0);
    const configBefore = readFileSync(workspace.store.file, 'utf8');
    const run = await runMain(['policy', 'set', '--before', '45', '--dry-run', '--json', '--today', '2026-11-23', '--config-dir', workspace.directory]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output).toMatchObject({ before: { policy: 'auto', beforeDays: 10 }, after: { policy: 'auto', beforeDays: 45 }, saved: false });
    expect(output.preview.until).toBe('2026-12-23');
    expect(output.preview.dueAfter).toBeGreaterThan(output.preview.dueBefore);
    expect(output.preview.changes[0]).toEqual({
      module: 'ispmanager sandbox',
      domain: expect.any(String),
      certificateId: expect.any(String),
      before: expect.anything(),
      after: { actionDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), action: 'reissue' },
    });
    expect(readFileSync(workspace.store.file, 'utf8')).toBe(configBefore);
    const text = await runMain(['policy', 'set', '--policy', 'none', '--dry-run', '--config-dir', workspace.directory]);
    expect(text.stderr).toContain('certops policy set: dry run: nothing was saved\n');
    expect(readFileSync(workspace.store.file, 'utf8')).toBe(configBefore);
  });

  it.each([
    [['set', '--before', '201'], '--before: SSLSubscriptionBefore must be a whole number of days from 0 to 200; 201 is more than the maximum of 200'],
    [['set', '--before', 'ten'], '--before: SSLSubscriptionBefore must be a whole number of days from 0 to 200 (got "ten")'],
    [['set', '--policy', 'always'], '--policy: SSLSubscriptionPolicy must be one of auto, manual, none (got "always")'],
    [['set'], 'set needs --policy, --before, or a delivery setting (--deploy-hook, --probe-resolve, --key-policy, --key-type)'],
    [['set', '--before', '5', '--today', 'tomorrow'], '--today: "tomorrow" is not a date in the form YYYY-MM-DD (UTC, e.g. 2026-11-23)'],
    [['show', '--before', '5'], 'unknown flag --before'],
    [['reset'], 'unknown subcommand "reset" (did you mean "set"?); use show or set'],
    [['set', '--deploy-hook', ' '], '--deploy-hook is empty; give a value (an unset shell variable expands to nothing), or leave the flag out'],
    [['set', '--probe-resolve', 'www.example.com:443'], '--probe-resolve: "www.example.com:443" is not NAME:PORT:ADDRESS (e.g. www.example.com:443:192.0.2.10, or *:443:192.0.2.10)'],
    [['set', '--probe-resolve', '*:443:lb.example.net'], '--probe-resolve: "lb.example.net" is not an IPv4 or IPv6 address'],
    [['set', '--probe-resolve', 'none', '--probe-resolve', '*:443:192.0.2.1'], '--probe-resolve none clears the list and takes no other value'],
    [['set', '--probe-resolve', '*:443:192.0.2.1', '--probe-resolve', '*:8443:192.0.2.2'], '--probe-resolve: * is given twice'],
    [['set', '--key-policy', 'sometimes'], '--key-policy: must be reuse or new (got "sometimes")'],
    [['set', '--key-type', 'dsa'], '--key-type: must be one of rsa2048, rsa3072, ecdsa-p256 (got "dsa")'],
  ])('exits 2 on policy %j, naming the flag, and changes nothing', async (args, message) => {
    const { config, dir } = scratch();
    const run = await runMain(['policy', ...args, ...config]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`certops policy: ${message}\nRun 'certops policy --help' for usage.\n`);
    expect(() => readFileSync(join(dir, 'config', 'config.json'))).toThrow();
  });

  it('refuses SSLSubscriptionBefore 201 through the real binary', async () => {
    const { config } = scratch();
    const run = await runBin(['policy', 'set', '--before', '201', ...config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--before: SSLSubscriptionBefore must be a whole number of days from 0 to 200');
  });
});

describe('certops config', () => {
  it('exports billmgr.conf lines and imports them back (round trip)', async () => {
    const { config, file } = scratch();
    expect((await runMain(['policy', 'set', '--policy', 'manual', '--before', '25', ...config])).code).toBe(0);
    const exported = await runMain(['config', 'export', ...config]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('Option SSLSubscriptionPolicy manual\nOption SSLSubscriptionBefore 25\n');
    expect(JSON.parse((await runMain(['config', 'export', '--json', ...config])).stdout)).toEqual({
      policy: 'manual',
      beforeDays: 25,
      lines: ['Option SSLSubscriptionPolicy manual', 'Option SSLSubscriptionBefore 25'],
    });
    const saved = file('billmgr.conf', `# billmgr.conf\nOption SomethingElse on\n${exported.stdout}`);
    expect((await runMain(['policy', 'set', '--policy', 'auto', '--before', '3', ...config])).code).toBe(0);
    const imported = await runMain(['config', 'import', saved, ...config]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain(`certops config import: read SSLSubscriptionPolicy and SSLSubscriptionBefore from ${saved}\n`);
    expect(imported.stderr).toContain('certops config import: saved\n');
    expect(imported.stdout).toContain('SSLSubscriptionPolicy: auto (Automatic certificate reissue) -> manual (Certificate expiration notification)\n');
    expect((await runMain(['config', 'export', ...config])).stdout).toBe(exported.stdout);
  });

  it('imports one line alone, with --dry-run and --json', async () => {
    const { config, file } = scratch();
    const conf = file('billmgr.conf', 'SSLSubscriptionBefore 60   # COREmanager style, no Option\n');
    const dry = await runMain(['config', 'import', conf, '--dry-run', '--json', ...config]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ file: conf, before: { policy: 'auto', beforeDays: 10 }, after: { policy: 'auto', beforeDays: 60 }, saved: false });
    expect(JSON.parse((await runMain(['policy', 'show', '--json', ...config])).stdout).beforeDays).toBe(10);
    expect((await runMain(['config', 'import', conf, ...config])).code).toBe(0);
    expect(JSON.parse((await runMain(['policy', 'show', '--json', ...config])).stdout)).toMatchObject({ policy: 'auto', beforeDays: 60 });
  });

  it('exits 2 on a bad line with its number, a missing file naming it, or a file with neither line; nothing changes', async () => {
    const { config, file, dir } = scratch();
    const bad = file('bad.conf', '# policy\nOption SSLSubscriptionPolicy auto\nOption SSLSubscriptionBefore 201\n');
    const badRun = await runMain(['config', 'import', bad, ...config]);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toBe(
      `certops config: ${bad}: line 3: SSLSubscriptionBefore must be a whole number of days from 0 to 200; 201 is more than the maximum of 200\nRun 'certops config --help' for usage.\n`,
    );
    const twoValues = file('two.conf', 'Option SSLSubscriptionPolicy auto manual\n');
    expect((await runMain(['config', 'import', twoValues, ...config])).stderr).toContain(`${twoValues}: line 1: "Option SSLSubscriptionPolicy auto manual" has no single value`);
    const missing = join(dir, 'nope.conf');
    const missingRun = await runMain(['config', 'import', missing, ...config]);
    expect(missingRun.code).toBe(2);
    expect(missingRun.stderr).toContain(`certops config: ${missing} does not exist\n`);
    const neither = file('neither.conf', 'Option Foo bar\n');
    const neitherRun = await runMain(['config', 'import', neither, ...config]);
    expect(neitherRun.code).toBe(2);
    expect(neitherRun.stderr).toContain(`${neither} has neither an SSLSubscriptionPolicy nor an SSLSubscriptionBefore line; nothing to import`);
    expect((await runMain(['config', 'import', ...config])).stderr).toContain('import needs the billmgr.conf file to read');
    expect((await runMain(['config', ...config])).stderr).toContain('give a subcommand: export or import');
    expect(() => readFileSync(join(dir, 'config', 'config.json'))).toThrow();
  });
});
