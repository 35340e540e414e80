import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isSuspiciousShrink } from '../../src/core/sync.js';
import { PROVIDER_IDS } from '../../src/providers/catalog.js';
import { runBin, runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

async function runWithTerminal(args: readonly string[], stderrIsTty: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: stderrIsTty },
    env: {},
  });
  return { code, stdout, stderr };
}

describe('certops sync', () => {
  it('refreshes the inventory and prints the count per module', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign', 'ispmanager'], 25);
    const run = await runMain(['sync', '--config-dir', workspace.directory]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'Module              Provider          Result  Certificates',
        'enom sandbox        ENOM              synced            25',
        'globalsign sandbox  GlobalSign        synced            25',
        'ispmanager sandbox  Ispmanager (SSL)  synced            25',
        '',
      ].join('\n'),
    );
    const inventory = workspace.inventory.read();
    expect(Object.values(inventory.modules).map((module) => module.certificates.length)).toEqual([25, 25, 25]);
    for (const { sandbox } of sandboxes) expect(run.stdout).not.toContain(sandbox.account.password);
  });

  it('exits 1 when a provider refuses the credentials, keeping its previous inventory whole', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'leadertelecom'], 30);
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(0);
    const before = workspace.inventory.read().modules['2'];
    sandboxes[1]?.sandbox.faults.add('wrong-credentials');
    const run = await runMain(['sync', '--config-dir', workspace.directory]);
    // The provider answered and refused: a problem for a person (1), not one to retry (4).
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/enom sandbox\s+ENOM\s+synced\s+30\n/);
    expect(run.stdout).toMatch(/leadertelecom sandbox\s+LeaderTelecom\s+FAILED: credentials rejected\s+30 kept\n/);
    expect(run.stderr).toContain(`\nleadertelecom sandbox: credentials rejected: `);
    expect(run.stderr).toContain(`  the list of 30 certificates from ${before?.syncedAt} is kept\n`);
    const after = workspace.inventory.read();
    expect(after.modules['2']).toEqual(before);
    expect(after.failures['2']).toMatchObject({ cause: 'credentials' });

    const json = await runMain(['sync', 'leadertelecom sandbox', '--json', '--config-dir', workspace.directory]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      results: [
        {
          module: 'leadertelecom sandbox',
          moduleId: 2,
          provider: 'leadertelecom',
          ok: false,
          cause: 'credentials',
          causeLabel: 'credentials rejected',
          detail: expect.stringContaining('rejected'),
          kept: 30,
          lastSyncedAt: before?.syncedAt,
          shrink: null,
        },
      ],
    });
    sandboxes[1]?.sandbox.faults.clear();
    const ok = JSON.parse((await runMain(['sync', '--json', '--config-dir', workspace.directory])).stdout);
    expect(ok.results).toEqual([
      { module: 'enom sandbox', moduleId: 1, provider: 'enom', ok: true, certificates: 30, seconds: expect.any(Number) },
      { module: 'leadertelecom sandbox', moduleId: 2, provider: 'leadertelecom', ok: true, certificates: 30, seconds: expect.any(Number) },
    ]);
    expect(workspace.inventory.read().failures).toEqual({});
  });

  it('rewrites one progress line with \\r on a terminal, and writes no progress otherwise', async () => {
    const { workspace } = await harness.withModules(['enom', 'globalsign'], 300);
    const tty = await runWithTerminal(['sync', '--config-dir', workspace.directory], true);
    expect(tty.code).toBe(0);
    expect(tty.stderr.startsWith('\rSyncing enom sandbox: waiting · globalsign sandbox: waiting')).toBe(true);
    expect(tty.stderr).toMatch(/listed \d+( of 300)?/);
    expect(tty.stderr).not.toContain('\n');
    expect(tty.stderr).toMatch(/\r {10,}\r$/);
    const plain = await runWithTerminal(['sync', '--config-dir', workspace.directory], false);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');
  });
});

describe('certops sync keeps a module\'s list when an answer would wipe it (issue 13, item 22)', () => {
  it.each(['enom', 'ispmanager', 'leadertelecom'] as const)('%s: a success without a list is an error, and the 40 certificates stay', async (provider) => {
    const { workspace, sandboxes } = await harness.withModules([provider], 40);
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(0);
    (sandboxes[0] as (typeof sandboxes)[number]).sandbox.faults.add('no-list');
    const run = await runMain(['sync', '--json', '--config-dir', workspace.directory]);
    const [result] = JSON.parse(run.stdout).results;
    expect(result).toMatchObject({ ok: false, cause: 'unexpected-response', kept: 40, shrink: null });
    expect(result.detail).toMatch(/does not have the shape of a list|neither a list of certificates/);
    expect(run.code).toBe(4);
    expect(Object.values(workspace.inventory.read().modules)[0]?.certificates).toHaveLength(40);
  });

  it.each(['enom', 'ispmanager', 'globalsign', 'leadertelecom'] as const)('%s: an empty list where 40 were is refused as a shrink until --accept-shrink', async (provider) => {
    const { workspace, sandboxes } = await harness.withModules([provider], 40);
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(0);
    (sandboxes[0] as (typeof sandboxes)[number]).sandbox.faults.add('empty-list');
    const run = await runMain(['sync', '--config-dir', workspace.directory]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('KEPT: shrink refused, 40 → 0');
    expect(run.stderr).toContain('shrink refused, 40 → 0: the provider\'s list would lose 40 of 40 certificates at once; the previous list is kept (if they are really gone, run certops sync --accept-shrink)');
    expect(Object.values(workspace.inventory.read().modules)[0]?.certificates).toHaveLength(40);
    const json = JSON.parse((await runMain(['sync', '--json', '--config-dir', workspace.directory])).stdout);
    expect(json.results[0]).toMatchObject({ ok: false, cause: 'shrink-refused', causeLabel: 'shrink refused', kept: 40, shrink: { before: 40, after: 0 } });
    // The timeline still plans the module's certificates, and says the last sync was refused.
    expect(Object.values(workspace.inventory.read().failures)[0]).toMatchObject({ cause: 'shrink-refused' });

    const accepted = await runMain(['sync', '--accept-shrink', '--config-dir', workspace.directory]);
    expect(accepted.code).toBe(0);
    expect(Object.values(workspace.inventory.read().modules)[0]?.certificates).toHaveLength(0);
    expect(workspace.inventory.read().failures).toEqual({});
  });

  it.each([
    [40, 0, true],
    [40, 19, true],
    [40, 20, false],
    [10, 4, true],
    [10, 5, false],
    [5, 0, true],
    [4, 0, false],
    [6, 2, false],
    [0, 0, false],
    [3, 40, false],
  ])('from %i to %i certificates is a shrink to confirm: %s', (before, after, refused) => {
    expect(isSuspiciousShrink(before, after)).toBe(refused);
  });
});

describe('certops timeline', () => {
  async function synced(certificates = 40) {
    const setup = await harness.withModules(PROVIDER_IDS, certificates);
    const sync = await runMain(['sync', '--config-dir', setup.workspace.directory]);
    expect(sync.code).toBe(0);
    const dir = ['--config-dir', setup.workspace.directory, '--today', '2026-11-23'];
    const json = async (...args: string[]) => {
      const run = await runMain(['timeline', ...dir, '--json', ...args]);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { today: string; withinDays: number | null; counts: Record<string, number>; entries: Record<string, unknown>[]; modules: Record<string, unknown>[] };
    };
    return { ...setup, dir, json };
  }

  it('says to run certops sync first when the inventory is empty', async () => {
    const { workspace } = await harness.withModules(['enom']);
    const run = await runMain(['timeline', '--config-dir', workspace.directory]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('the inventory is empty: run `certops sync` first');
  });

  it('prints a table grouped by month, with overdue markers and the 7/30/90-day summary', async () => {
    const { dir, json } = await synced();
    const run = await runMain(['timeline', ...dir, '--within', '40d']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Domain\s+Module\s+Expires\s+Paid until\s+Action date\s+Action\s+Revalidate$/);
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('November 2026');
    expect(lines).toContain('December 2026');
    expect(run.stdout).toMatch(/OVERDUE\n/);
    expect(run.stdout).toMatch(/manual task \(SSL desk\)/);
    const data = await json();
    const { within7, within30, within90, overdue } = data.counts;
    expect(lines.at(-2)).toBe(`Due within 7 days: ${within7}, within 30 days: ${within30}, within 90 days: ${within90}; overdue: ${overdue}. Today is 2026-11-23; dates are UTC calendar days.`);
    // One row per entry due within 40 days, plus the header, a heading (after a blank line) per month, and the summary.
    const within40 = await json('--within', '40');
    const months = new Set(within40.entries.map((entry) => (entry.dueDate as string).slice(0, 7)));
    expect(lines.filter((line) => /^[A-Z][a-z]+ \d{4}$/.test(line))).toHaveLength(months.size);
    expect(lines.length).toBe(1 + within40.entries.length + months.size * 2 + 3);
  });

  it('prints the documented JSON shape and filters by --within, --module, --action and --today', async () => {
    const { json } = await synced();
    const all = await json();
    expect(all.today).toBe('2026-11-23');
    expect(all.withinDays).toBeNull();
    expect(Object.keys(all.entries[0] ?? {})).toEqual([
      'moduleId',
      'module',
      'provider',
      'certificateId',
      'domain',
      'expires',
      'paidUntil',
      'termEnds',
      'actionDate',
      'dueDate',
      'action',
      'department',
      'reason',
      'revalidate',
      'overdue',
      'reissue',
    ]);
    expect(all.modules.map((module) => [module.id, module.name, module.certificates, module.failure])).toEqual([
      [1, 'leadertelecom sandbox', 40, null],
      [2, 'ispmanager sandbox', 40, null],
      [3, 'globalsign sandbox', 40, null],
      [4, 'enom sandbox', 40, null],
    ]);

    const within = await json('--within', '30d');
    expect(within.withinDays).toBe(30);
    expect(within.entries.length).toBeGreaterThan(0);
    expect(within.entries.length).toBeLessThan(all.entries.length);
    expect(within.entries.every((entry) => (entry.dueDate as string) <= '2026-12-23')).toBe(true);

    const enom = await json('--module', 'ENOM sandbox', '--module=globalsign sandbox');
    expect(new Set(enom.entries.map((entry) => entry.module))).toEqual(new Set(['enom sandbox', 'globalsign sandbox']));
    expect(enom.modules.map((module) => module.name)).toEqual(['globalsign sandbox', 'enom sandbox']);

    const actions = await json('--action', 'manual-task,end-of-term');
    expect(new Set(actions.entries.map((entry) => entry.action))).toEqual(new Set(['manual-task', 'end-of-term']));
    const manual = actions.entries.find((entry) => entry.action === 'manual-task');
    expect(manual).toMatchObject({ department: 'SSL desk', reason: expect.any(String) });

  });

  it('--today moves the window', async () => {
    const { workspace } = await synced();
    const at = async (today: string) =>
      JSON.parse((await runMain(['timeline', '--config-dir', workspace.directory, '--json', '--within', '30', '--today', today])).stdout) as { entries: { dueDate: string; overdue: boolean }[] };
    const now = await at('2026-11-23');
    const later = await at('2027-01-10');
    expect(later.entries.some((entry) => entry.dueDate > '2027-01-01')).toBe(true);
    expect(now.entries.every((entry) => entry.dueDate <= '2026-12-23')).toBe(true);
  });

  it('prints RFC 4180 CSV with a header row that parses back to the JSON entries', async () => {
    const { dir, json } = await synced();
    const run = await runMain(['timeline', ...dir, '--within', '60', '--format', 'csv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^domain,module,moduleId,provider,certificateId,expires,paidUntil,termEnds,actionDate,dueDate,action,department,reason,revalidate,overdue\r\n/);
    expect(run.stdout.endsWith('\r\n')).toBe(true);
    const records = parse(run.stdout, { columns: true }) as Record<string, string>[];
    const entries = (await json('--within', '60')).entries;
    expect(records).toHaveLength(entries.length);
    for (const [i, record] of records.entries()) {
      const entry = entries[i] as Record<string, unknown>;
      expect(record.domain).toBe(entry.domain);
      expect(record.module).toBe(entry.module);
      expect(record.certificateId).toBe(entry.certificateId);
      expect(record.actionDate).toBe(entry.actionDate ?? '');
      expect(record.action).toBe(entry.action);
      // A reason with commas is quoted and comes back whole.
      expect(record.reason).toBe(entry.reason ?? '');
      expect(record.revalidate).toBe((entry.revalidate as string[]).join(';'));
      expect(record.overdue).toBe(String(entry.overdue));
    }
  });

  it('prints iCalendar with one all-day VEVENT per entry and UIDs that stay the same from run to run', async () => {
    const { dir, json, workspace } = await synced();
    const ics = async () => {
      const run = await runMain(['timeline', ...dir, '--within', '45d', '--format', 'ics']);
      expect(run.code).toBe(0);
      return run.stdout;
    };
    const first = await ics();
    const entries = (await json('--within', '45d')).entries;
    expect(first.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//certops//timeline//EN\r\n')).toBe(true);
    expect(first.endsWith('END:VCALENDAR\r\n')).toBe(true);
    for (const line of first.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(first.match(/^BEGIN:VEVENT$/gm)).toHaveLength(entries.length);
    const starts = [...first.matchAll(/^DTSTART;VALUE=DATE:(\d{8})\r$/gm)].map((match) => match[1]);
    expect(starts).toEqual(entries.map((entry) => (entry.dueDate as string).replaceAll('-', '')));
    const uids = [...first.matchAll(/^UID:(.*)\r$/gm)].map((match) => match[1]);
    expect(uids[0]).toBe(`module-${entries[0]?.moduleId}.certificate-${entries[0]?.certificateId}.${entries[0]?.action}@certops`);
    expect(new Set(uids).size).toBe(uids.length);
    const reissue = entries.find((entry) => entry.action === 'reissue');
    expect(first.replaceAll('\r\n ', '')).toContain(`SUMMARY:Reissue ${reissue?.domain} (${reissue?.module})`);
    // The same inventory gives the same calendar, byte for byte; a new sync keeps the UIDs.
    expect(await ics()).toBe(first);
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(0);
    const again = await ics();
    expect([...again.matchAll(/^UID:(.*)\r$/gm)].map((match) => match[1])).toEqual(uids);
  });

  it('warns when a module’s last sync failed, saying when it last succeeded', async () => {
    const { workspace, sandboxes, dir } = await synced(10);
    const syncedAt = workspace.inventory.read().modules['4']?.syncedAt;
    sandboxes[3]?.sandbox.faults.add('wrong-credentials');
    expect((await runMain(['sync', '--config-dir', workspace.directory])).code).toBe(1);
    const run = await runMain(['timeline', ...dir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^warning: the last sync of "enom sandbox" failed: .*; its certificates are as of its last successful sync, ${syncedAt}\\n$`));
    const json = JSON.parse((await runMain(['timeline', ...dir, '--json'])).stdout);
    expect(json.modules[3]).toMatchObject({ name: 'enom sandbox', syncedAt, failure: expect.stringContaining('rejected') });
  });

  it.each([
    [['--within', 'soon'], '--within: must be a whole number of days from 0 to 36500, written N or Nd, e.g. 90d (got "soon")'],
    [['--action', 'renew'], '--action: "renew" is not one of reissue, notify-client, manual-task, none, end-of-term'],
    [['--format', 'xml'], '--format: must be one of table, json, csv, ics (got "xml")'],
    [['--format', 'csv', '--json'], '--json and --format csv cannot be used together'],
    [['--today', '2026-13-01'], '--today: 2026-13-01 is not a calendar date (UTC, e.g. 2026-11-23)'],
    [['--module'], '--module needs a value (for a value that starts with "-", write --module=VALUE)'],
    [['enom'], 'unexpected argument "enom" (a module is chosen with --module NAME)'],
  ])('exits 2 on %j, naming the flag', async (args, message) => {
    const run = await runMain(['timeline', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`certops timeline: ${message}\nRun 'certops timeline --help' for usage.\n`);
  });

  it('refuses an unknown --module name (exit 2)', async () => {
    const { workspace } = await harness.withModules(['enom']);
    const run = await runMain(['timeline', '--config-dir', workspace.directory, '--module', 'eNom backup']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('certops timeline: there is no processing module named "eNom backup"; there are "enom sandbox"\n');
  });

  it('prints iCalendar through the real binary', async () => {
    const { workspace } = await synced(20);
    const run = await runBin(['timeline', '--format', 'ics', '--today', '2026-11-23', '--within', '30d', '--module', 'globalsign sandbox'], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*BEGIN:VEVENT\r\n[\s\S]*END:VCALENDAR\r\n$/);
    expect(run.stdout).toContain('(globalsign sandbox)');
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });
});
