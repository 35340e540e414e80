import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDay } from '../../src/rules/calendar.js';
import {
  addModule,
  editModule,
  fieldError,
  findModule,
  listModules,
  maskedModule,
  moduleChanges,
  ModuleInputError,
  recordCheck,
  removeModule,
  type ModuleDraft,
} from '../../src/core/modules.js';
import { billmgrConfLines, parseBillmgrConf, previewPolicy, setPolicy } from '../../src/core/policy.js';
import { syncModules } from '../../src/core/sync.js';
import { buildTimeline, dueCounts, filterTimeline } from '../../src/core/timeline.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

const draft = (over: Partial<ModuleDraft['parameters']> = {}): ModuleDraft => ({
  provider: 'globalsign',
  parameters: { name: 'GlobalSign main', department: 'SSL desk', sort: 10, minimalBalance: 50, ...over },
  integration: { username: 'PAR90001_billing', password: 'pa55', demo: true },
  network: {},
});

describe('processing modules (core)', () => {
  it('adds a module, refuses a second one with the same name in any case, and lists by Sort then id', async () => {
    const workspace = harness.fresh();
    await addModule(workspace, draft(), { notVerified: false });
    await expect(addModule(workspace, draft({ name: 'globalsign MAIN' }), { notVerified: false })).rejects.toThrow(
      'name: a processing module named "GlobalSign main" already exists',
    );
    await addModule(workspace, draft({ name: 'GlobalSign backup', sort: 5 }), { notVerified: true });
    expect(listModules(workspace).map((m) => [m.parameters.name, m.notVerified])).toEqual([
      ['GlobalSign backup', true],
      ['GlobalSign main', false],
    ]);
  });

  it('reports every bad field at once, by section, and changes nothing', async () => {
    const workspace = harness.fresh();
    const bad: ModuleDraft = { provider: 'enom', parameters: { name: '', department: 'x', sort: -1, minimalBalance: null }, integration: { username: 'u' }, network: {} };
    try {
      await addModule(workspace, bad, { notVerified: false });
      throw new Error('added');
    } catch (error) {
      expect(error).toBeInstanceOf(ModuleInputError);
      expect((error as ModuleInputError).issues).toEqual([
        { section: 'parameters', field: 'name', message: 'the name is empty' },
        { section: 'parameters', field: 'sort', message: 'sort cannot be negative' },
        { section: 'parameters', field: 'dataCenter', message: 'an ENOM processing module needs a data center' },
        { section: 'integration', field: 'password', message: 'the password is required' },
      ]);
    }
    expect(listModules(workspace)).toEqual([]);
  });

  it('judges one field as the wizard leaves it', () => {
    expect(fieldError(draft({ sort: 1.5 }), 'parameters', 'sort')).toBe('sort must be a whole number');
    expect(fieldError(draft(), 'parameters', 'sort')).toBeNull();
    expect(fieldError({ ...draft(), integration: { ipAddress: '300.1.1.1' } }, 'integration', 'ipAddress')).toBe('the IP address "300.1.1.1" is not an IPv4 or IPv6 address');
    expect(fieldError({ ...draft(), provider: 'enom', integration: { apiUrl: 'http://reseller.enom.com/interface.asp' } }, 'integration', 'apiUrl')).toBe(
      'plain http:// is refused for reseller.enom.com: the password would travel in clear; use https://',
    );
  });

  it('masks secrets for display and says which fields an edit changed', async () => {
    const workspace = harness.fresh();
    await addModule(workspace, draft(), { notVerified: false });
    const { before, after } = await editModule(workspace, 'globalsign main', { parameters: { sort: 3 }, integration: { password: 'n3w' } });
    expect(maskedModule(after).integration).toEqual({ username: 'PAR90001_billing', password: '••••', demo: true });
    expect(moduleChanges(before, after)).toEqual([
      { field: 'parameters.sort', from: 10, to: 3 },
      { field: 'integration.password', from: '••••', to: '•••• (changed)' },
    ]);
    expect(readFileSync(workspace.store.file, 'utf8')).toContain('n3w');
  });

  it('removes a module with its state, and names the modules there are when one is missing', async () => {
    const workspace = harness.fresh();
    const module = await addModule(workspace, draft(), { notVerified: false });
    await recordCheck(workspace, module.id, { ok: true, module: 'GlobalSign main', provider: 'globalsign', roundTripMs: 12, checkedAt: '2026-11-23T10:00:00.000Z' });
    expect(Object.keys(workspace.state.read().checks)).toEqual([String(module.id)]);
    expect(() => findModule(listModules(workspace), 'nope')).toThrow('there is no processing module named "nope"; there are "GlobalSign main"');
    await removeModule(workspace, 'GlobalSign main');
    expect(listModules(workspace)).toEqual([]);
    expect(workspace.state.read().checks).toEqual({});
  });
});

describe('sync and timeline (core, over the sandboxes)', () => {
  it('syncs every module and keeps the previous list of a module whose sync fails', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['enom', 'leadertelecom'], 60);
    const progress: string[] = [];
    const first = await syncModules(workspace, modules, workspace.runtime({ readRetries: 0 }), (p) => progress.push(`${p.module}:${p.listed}`));
    expect(first.map((r) => r.ok && r.certificates)).toEqual([60, 60]);
    expect(progress).toContain('enom sandbox:60');
    sandboxes[0]?.sandbox.faults.add('http-500');
    const second = await syncModules(workspace, modules, workspace.runtime({ readRetries: 0 }));
    expect(second[0]).toMatchObject({ ok: false, cause: 'http-status', kept: 60 });
    const inventory = workspace.inventory.read();
    expect(inventory.modules[String(modules[0]?.id)]?.certificates).toHaveLength(60);
    expect(inventory.failures[String(modules[0]?.id)]?.cause).toBe('http-status');
    const timeline = buildTimeline(workspace, TODAY);
    expect(timeline.modules[0]?.failure).toMatch(/^eNom answered HTTP 500/);
  });

  it('gives each certificate its next action; LeaderTelecom multi-domain and eNom Comodo become manual tasks for the department', async () => {
    const { workspace, modules } = await harness.withModules(['leadertelecom', 'enom'], 200);
    await syncModules(workspace, modules, workspace.runtime());
    const { entries } = buildTimeline(workspace, TODAY);
    expect(entries.length).toBeGreaterThan(50);
    const dates = entries.map((e) => e.actionDate ?? e.expires ?? '');
    expect([...dates].sort()).toEqual(dates);
    const leaderMulti = entries.find((e) => e.provider === 'leadertelecom' && e.action === 'manual-task' && /multi-domain/.test(e.reason ?? ''));
    expect(leaderMulti).toMatchObject({ department: 'SSL desk', reason: 'LeaderTelecom does not support automatic reissue of multi-domain certificates' });
    expect(entries.some((e) => e.provider === 'enom' && e.action === 'reissue')).toBe(true);
    expect(entries.find((e) => e.provider === 'enom' && e.action === 'manual-task')?.reason).toMatch(/^ENOM's API reissues only Symantec, VeriSign and GeoTrust certificates, not Comodo/);
    const counts = dueCounts(entries, TODAY);
    expect(counts.within7).toBeLessThanOrEqual(counts.within30);
    expect(counts.within30).toBeLessThanOrEqual(counts.within90);
    const soon = filterTimeline(entries, { withinDays: 30, actions: ['reissue'] }, TODAY);
    expect(soon.every((e) => e.action === 'reissue' && (e.actionDate ?? '') <= formatDay((TODAY + 30) as never))).toBe(true);
  });

  it('previews what a policy change does to the next 30 days, then applies it', async () => {
    const { workspace, modules } = await harness.withModules(['ispmanager'], 300);
    await syncModules(workspace, modules, workspace.runtime());
    const preview = previewPolicy(workspace, { policy: 'manual', beforeDays: 30 }, TODAY);
    expect(preview.until).toBe('2026-12-23');
    expect(preview.dueAfter).toBeGreaterThanOrEqual(preview.dueBefore);
    expect(preview.changes.length).toBeGreaterThan(0);
    expect(preview.changes.every((c) => c.after === null || c.after.action === 'notify-client' || c.after.action === 'end-of-term')).toBe(true);
    // Policy none leaves the entries in the timeline with no action to take: they are not counted
    // (a paid term that ends still is).
    const none = previewPolicy(workspace, { policy: 'none', beforeDays: 10 }, TODAY);
    expect(none.dueBefore).toBeGreaterThan(0);
    expect(none.dueAfter).toBe(filterTimeline(buildTimeline(workspace, TODAY, { policy: 'none', beforeDays: 10 }).entries, { withinDays: 30 }, TODAY).filter((e) => e.action === 'end-of-term').length);
    expect(none.dueAfter).toBeLessThan(none.dueBefore);
    expect(none.changes.every((c) => c.after === null || c.after.action === 'none')).toBe(true);
    await setPolicy(workspace, { policy: 'manual', beforeDays: 30 });
    expect(previewPolicy(workspace, { policy: 'manual', beforeDays: 30 }, TODAY).changes).toEqual([]);
  });

  it('reads and writes the billmgr.conf lines of BILLmanager', () => {
    expect(parseBillmgrConf('# billing\nOption SSLSubscriptionPolicy manual\nSSLSubscriptionBefore 30\nOption OtherThing\n')).toEqual({ ok: true, value: { policy: 'manual', beforeDays: 30 } });
    expect(parseBillmgrConf('SSLSubscriptionBefore 300')).toEqual({
      ok: false,
      error: 'line 1: SSLSubscriptionBefore must be a whole number of days from 0 to 200; 300 is more than the maximum of 200',
    });
    expect(parseBillmgrConf('Option SSLSubscriptionPolicy')).toEqual({ ok: false, error: 'line 1: "Option SSLSubscriptionPolicy" has no single value' });
    expect(billmgrConfLines({ policy: 'none', beforeDays: 5 })).toBe('Option SSLSubscriptionPolicy none\nOption SSLSubscriptionBefore 5\n');
  });
});
