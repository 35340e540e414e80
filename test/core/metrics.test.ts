import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { buildMetrics, collectMetrics, escapeLabelValue, MetricsWriteError, writeMetrics } from '../../src/core/metrics.js';
import { addModule, recordBalance, recordCheck, type ModuleDraft } from '../../src/core/modules.js';
import { syncModules } from '../../src/core/sync.js';
import { openTasks, reissueTaskInput } from '../../src/core/tasks.js';
import { buildTimeline, dueDate } from '../../src/core/timeline.js';
import type { Inventory, Workspace } from '../../src/core/workspace.js';
import type { CertificateRecord } from '../../src/providers/types.js';
import { formatDay, type Day } from '../../src/rules/calendar.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const NOW = new Date('2026-11-23T12:00:00Z');

/** The text parsed back, checked against the rules node_exporter's parser enforces. */
function parse(text: string): Map<string, ParsedFamily> {
  const families = parsePrometheusTextFormat(text);
  const byName = new Map<string, ParsedFamily>();
  for (const family of families) {
    // A family split in two, or named twice, makes the textfile collector drop the whole file.
    expect(byName.has(family.name), `family ${family.name} appears twice`).toBe(false);
    expect(family.name).toMatch(/^certops_[a-z_]+$/);
    expect(family.type).toBe('GAUGE');
    expect(family.help.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const sample of family.metrics) {
      expect(sample.timestamp_ms, `${family.name} has a sample timestamp`).toBeUndefined();
      expect(Number.isFinite(Number(sample.value)), `${family.name} ${sample.value}`).toBe(true);
      for (const label of Object.keys(sample.labels ?? {})) expect(label).toMatch(/^[a-z_]+$/);
      const identity = JSON.stringify(Object.entries(sample.labels ?? {}).sort());
      expect(seen.has(identity), `duplicate series ${family.name}${identity}`).toBe(false);
      seen.add(identity);
    }
    byName.set(family.name, family);
  }
  // The parser merges consecutive duplicates silently: count the sample lines too.
  const sampleLines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  expect(families.reduce((sum, f) => sum + f.metrics.length, 0)).toBe(sampleLines);
  return byName;
}

const value = (families: Map<string, ParsedFamily>, name: string, labels: Record<string, string>): number | undefined => {
  const sample = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
};
const daySeconds = (text: string) => Date.parse(`${text}T00:00:00Z`) / 1000;

const draft = (name: string, department: string, minimalBalance: number | null): ModuleDraft => ({
  provider: 'globalsign',
  parameters: { name, department, sort: 10, minimalBalance },
  integration: { username: 'PAR90001_billing', password: 'pa55-secret', demo: true },
  network: {},
});

function record(id: string, mainDomain: string, validTo: string, over: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    id,
    mainDomain,
    otherNames: [],
    validation: 'dv',
    multiDomain: false,
    orderDate: '2026-06-01',
    validFrom: '2026-06-01',
    validTo,
    termMonths: 12,
    status: 'issued',
    providerStatus: 'Issued',
    product: 'AlphaSSL',
    ...over,
  };
}

async function setInventory(workspace: Workspace, moduleId: number, certificates: readonly CertificateRecord[]): Promise<void> {
  await workspace.inventory.update((inventory) => ({
    data: { ...inventory, modules: { ...inventory.modules, [moduleId]: { syncedAt: '2026-11-23T06:00:00.000Z', certificates: certificates as Inventory['modules'][string]['certificates'] } } },
    result: undefined,
  }));
}

describe('metrics (core)', () => {
  it('exposes balances, minimal balances, checks, syncs, certificates and pending tasks that parse back to what certops keeps', { timeout: 60_000 }, async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom', 'ispmanager', 'globalsign', 'enom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const [lt, isp] = modules;
    if (!lt || !isp) throw new Error('modules');
    await recordCheck(workspace, lt.id, { ok: true, module: lt.parameters.name, provider: lt.provider, roundTripMs: 12, checkedAt: '2026-11-23T10:00:00.000Z' });
    await recordCheck(workspace, isp.id, { ok: false, module: isp.parameters.name, provider: isp.provider, message: 'x', cause: 'credentials', detail: 'x', steps: [], checkedAt: '2026-11-23T10:05:00.000Z' });
    await recordBalance(workspace, lt.id, { ok: true, module: lt.parameters.name, provider: lt.provider, amount: 40.5, currency: 'EUR', minimalBalance: 100, underMinimum: true, checkedAt: '2026-11-23T10:00:00.000Z' });
    await recordBalance(workspace, isp.id, { ok: true, module: isp.parameters.name, provider: isp.provider, amount: 5000, currency: 'RUB', minimalBalance: 100, underMinimum: false, checkedAt: '2026-11-23T10:00:00.000Z' });
    const timeline = buildTimeline(workspace, TODAY);
    const manual = timeline.entries.filter((e) => e.action === 'manual-task');
    await openTasks(workspace, manual.slice(0, 3).map(reissueTaskInput));

    const { text, series } = buildMetrics(collectMetrics(workspace, { today: TODAY, now: NOW }));
    const families = parse(text);
    expect(series).toBe(text.split('\n').filter((l) => l && !l.startsWith('#')).length);
    for (const sandbox of sandboxes) expect(text).not.toContain(sandbox.sandbox.account.password);

    const ltName = lt.parameters.name;
    expect(value(families, 'certops_metrics_generated_timestamp_seconds', {})).toBe(NOW.getTime() / 1000);
    expect(value(families, 'certops_module_balance', { module: ltName, provider: 'leadertelecom', currency: 'EUR' })).toBe(40.5);
    expect(value(families, 'certops_module_minimal_balance', { module: ltName, provider: 'leadertelecom' })).toBe(100);
    expect(value(families, 'certops_module_balance_below_minimal', { module: ltName })).toBe(1);
    expect(value(families, 'certops_module_balance_below_minimal', { module: isp.parameters.name })).toBe(0);
    expect(value(families, 'certops_module_balance_timestamp_seconds', { module: ltName })).toBe(Date.parse('2026-11-23T10:00:00Z') / 1000);
    expect(value(families, 'certops_module_check_success', { module: ltName, provider: 'leadertelecom' })).toBe(1);
    expect(value(families, 'certops_module_check_success', { module: isp.parameters.name, provider: 'ispmanager' })).toBe(0);
    expect(value(families, 'certops_module_check_timestamp_seconds', { module: isp.parameters.name })).toBe(Date.parse('2026-11-23T10:05:00Z') / 1000);
    // Modules never checked have no check series (absent, not a made-up 0).
    expect(families.get('certops_module_check_success')?.metrics).toHaveLength(2);
    expect(value(families, 'certops_tasks_pending', { department: 'SSL desk' })).toBe(3);

    for (const module of timeline.modules) {
      expect(value(families, 'certops_inventory_synced_timestamp_seconds', { module: module.name })).toBe(Date.parse(module.syncedAt ?? '') / 1000);
      expect(value(families, 'certops_inventory_sync_success', { module: module.name })).toBe(1);
      expect(value(families, 'certops_inventory_certificates', { module: module.name })).toBe(module.certificates);
    }
    const counted = families.get('certops_certificates')?.metrics.reduce((sum, m) => sum + Number(m.value), 0);
    expect(counted).toBe(timeline.entries.length);
    expect(families.get('certops_certificate_expiration_timestamp_seconds')?.metrics).toHaveLength(timeline.entries.length);
    for (const entry of [timeline.entries[0], manual[0], timeline.entries.at(-1)]) {
      if (!entry) throw new Error('entry');
      const labels = { module: entry.module, certificate_id: entry.certificateId, domain: entry.domain };
      expect(value(families, 'certops_certificate_expiration_timestamp_seconds', labels)).toBe(daySeconds(entry.expires ?? ''));
      if (entry.actionDate && entry.action !== 'none' && entry.action !== 'end-of-term') {
        expect(value(families, 'certops_certificate_next_action_timestamp_seconds', { ...labels, action: entry.action })).toBe(daySeconds(entry.actionDate));
      }
    }
    const overdue = timeline.entries.filter((e) => e.overdue && e.moduleId === lt.id).length;
    expect(value(families, 'certops_certificates_overdue', { module: ltName })).toBe(overdue);
  });

  it('escapes backslash, double quote and line feed in label values, and they parse back as they were', async () => {
    const workspace = harness.fresh();
    const module = await addModule(workspace, draft('Main "EU" \\ shop', 'Desk "A"\\B', 10), { notVerified: false });
    const odd = ['we"ird.example.com', 'back\\slash.example.com', 'line\nfeed.example.com', 'ends-with-backslash\\', 'ünïcödé.example.рф'];
    await setInventory(workspace, module.id, odd.map((domain, i) => record(`ID-"${i}"\\`, domain, '2026-12-20')));
    await openTasks(workspace, [{ key: 'k', department: 'Night\nshift', moduleId: module.id, module: module.parameters.name, provider: 'globalsign', certificateId: 'x', domain: 'x', what: 'w', why: 'y', dueDate: null }]);
    const { text } = buildMetrics(collectMetrics(workspace, { today: TODAY, now: NOW }));
    expect(text).toContain('module="Main \\"EU\\" \\\\ shop"');
    expect(text).toContain('domain="line\\nfeed.example.com"');
    // Every sample is one line: a raw line feed would start a broken one.
    expect(text.split('\n').filter((l) => l && !l.startsWith('#') && !/^certops_[a-z_]+(\{.*\})? \S+$/.test(l))).toEqual([]);
    const families = parse(text);
    const domains = families.get('certops_certificate_expiration_timestamp_seconds')?.metrics.map((m) => m.labels?.domain);
    expect(domains?.sort()).toEqual([...odd].sort());
    expect(families.get('certops_certificate_expiration_timestamp_seconds')?.metrics.every((m) => m.labels?.module === 'Main "EU" \\ shop')).toBe(true);
    expect(families.get('certops_certificate_expiration_timestamp_seconds')?.metrics.map((m) => m.labels?.certificate_id).sort()).toEqual(odd.map((_, i) => `ID-"${i}"\\`).sort());
    expect(value(families, 'certops_tasks_pending', { department: 'Night\nshift' })).toBe(1);
    expect(value(families, 'certops_tasks_pending', { department: 'Desk "A"\\B' })).toBe(0);
    expect(escapeLabelValue('a\\"\n')).toBe('a\\\\\\"\\n');
  });

  it('writes one series per certificate even when a provider listed it twice, and --within keeps only what is due soon', async () => {
    const workspace = harness.fresh();
    const module = await addModule(workspace, draft('GS', 'SSL desk', null), { notVerified: false });
    const soon = record('A', 'soon.example.com', '2026-12-01');
    await setInventory(workspace, module.id, [soon, soon, record('B', 'later.example.com', '2027-05-01'), record('C', 'expired.example.com', '2026-11-01', { status: 'expired', orderDate: '2025-11-01', validFrom: '2025-11-01' })]);
    const all = parse(buildMetrics(collectMetrics(workspace, { today: TODAY, now: NOW })).text);
    expect(all.get('certops_certificate_expiration_timestamp_seconds')?.metrics.map((m) => m.labels?.certificate_id).sort()).toEqual(['A', 'B']);
    // The minimal balance is empty: no series rather than a made-up 0.
    expect(all.has('certops_module_minimal_balance')).toBe(false);
    const within = parse(buildMetrics(collectMetrics(workspace, { today: TODAY, now: NOW, withinDays: 30 })).text);
    expect(within.get('certops_certificate_expiration_timestamp_seconds')?.metrics.map((m) => m.labels?.certificate_id)).toEqual(['A']);
    expect(within.get('certops_certificate_next_action_timestamp_seconds')?.metrics.map((m) => [m.labels?.certificate_id, m.labels?.action, Number(m.value)])).toEqual([
      ['A', 'reissue', daySeconds('2026-11-21')],
    ]);
    // The per-module counts still cover every certificate (the duplicate listed once by the timeline is counted as listed).
    expect(within.get('certops_certificates')?.metrics.reduce((sum, m) => sum + Number(m.value), 0)).toBe(buildTimeline(workspace, TODAY).entries.length);
    expect(value(within, 'certops_certificates_overdue', { module: 'GS' })).toBe(buildTimeline(workspace, TODAY).entries.filter((e) => e.overdue).length);
  });

  it('reports a failed last sync and keeps the series of the list kept from before', async () => {
    const workspace = harness.fresh();
    const module = await addModule(workspace, draft('GS', 'SSL desk', 10), { notVerified: false });
    const never = await addModule(workspace, draft('GS never', 'SSL desk', 10), { notVerified: false });
    await setInventory(workspace, module.id, [record('A', 'a.example.com', '2027-01-10')]);
    await workspace.inventory.update((inventory) => ({ data: { ...inventory, failures: { [module.id]: { at: '2026-11-23T07:00:00.000Z', cause: 'timeout', detail: 'timed out' } } }, result: undefined }));
    const families = parse(buildMetrics(collectMetrics(workspace, { today: TODAY, now: NOW })).text);
    expect(value(families, 'certops_inventory_sync_success', { module: 'GS' })).toBe(0);
    expect(value(families, 'certops_inventory_synced_timestamp_seconds', { module: 'GS' })).toBe(Date.parse('2026-11-23T06:00:00Z') / 1000);
    expect(value(families, 'certops_certificate_expiration_timestamp_seconds', { certificate_id: 'A' })).toBe(daySeconds('2027-01-10'));
    expect(value(families, 'certops_inventory_sync_success', { module: never.parameters.name })).toBeUndefined();
  });

  it('stays one line per series for 100 000 certificates', { timeout: 120_000 }, async () => {
    const workspace = harness.fresh();
    const module = await addModule(workspace, draft('GS big', 'SSL desk', 10), { notVerified: false });
    const records = Array.from({ length: 100_000 }, (_, i) => {
      const expires = formatDay(((TODAY as number) + (i % 400) - 30) as Day);
      return record(`CE${100_000 + i}`, `www.site${i}.example.com`, expires, { orderDate: '2026-01-05', validFrom: '2026-01-05', termMonths: 36 });
    });
    await setInventory(workspace, module.id, records);
    const started = performance.now();
    const source = collectMetrics(workspace, { today: TODAY, now: NOW });
    const { text, series } = buildMetrics(source);
    const seconds = (performance.now() - started) / 1000;
    const entries = source.timeline.entries.length;
    expect(entries).toBeGreaterThan(90_000);
    const perCertificate = text.split('\n').filter((l) => l.startsWith('certops_certificate_expiration_timestamp_seconds{')).length;
    expect(perCertificate).toBe(entries);
    expect(series).toBeGreaterThan(entries);
    const soon = buildMetrics({ ...source, withinDays: 30 });
    expect(soon.series).toBeLessThan(series / 5);
    expect(soon.series).toBeGreaterThan(source.timeline.entries.filter((e) => dueDate(e) <= formatDay(((TODAY as number) + 30) as Day)).length);
    // Generous: the point is that it finishes, on a shared 2-core machine too (about 2 s there).
    expect(seconds).toBeLessThan(30);
  });
});

describe('writing the textfile', () => {
  const folder = () => mkdtempSync(join(tmpdir(), 'certops-metrics-'));

  it('replaces the file whole, mode 0644, and leaves no temporary file', async () => {
    const dir = folder();
    const file = join(dir, 'certops.prom');
    writeFileSync(file, 'old\n', { mode: 0o600 });
    await writeMetrics(file, '# HELP certops_x x\n# TYPE certops_x gauge\ncertops_x 1\n');
    expect(readFileSync(file, 'utf8')).toBe('# HELP certops_x x\n# TYPE certops_x gauge\ncertops_x 1\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['certops.prom']);
  });

  it('fails with the cause and creates nothing when the folder is missing or the target is a folder', async () => {
    const dir = folder();
    const missing = join(dir, 'no-such-folder', 'certops.prom');
    const error = await writeMetrics(missing, 'x\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsWriteError);
    expect((error as MetricsWriteError).code).toBe('ENOENT');
    expect((error as Error).message).toMatch(/^\/.*no-such-folder\/certops\.prom cannot be written \(ENOENT: no such file or directory.*\); the previous file, if any, is unchanged$/);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);

    const taken = join(dir, 'taken.prom');
    writeFileSync(join(dir, 'keep'), 'x');
    await import('node:fs').then(({ mkdirSync, writeFileSync: write }) => {
      mkdirSync(taken);
      write(join(taken, 'inside'), 'kept');
    });
    await expect(writeMetrics(taken, 'x\n')).rejects.toThrow(MetricsWriteError);
    expect(readFileSync(join(taken, 'inside'), 'utf8')).toBe('kept');
    expect(readdirSync(dir).sort()).toEqual(['keep', 'taken.prom']);
  });
});
