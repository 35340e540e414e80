import { describe, expect, it, vi } from 'vitest';
import { listModules, recordCheck } from '../../src/core/modules.js';
import { syncModules } from '../../src/core/sync.js';
import { readPolicy } from '../../src/core/policy.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { buildTimeline } from '../../src/core/timeline.js';
import { ConsoleServices } from '../../src/core/services.js';
import { formatDay, type Day } from '../../src/rules/calendar.js';

const harness = workspaceHarness();

describe('console: modules', { timeout: 30_000 }, () => {
  it('lists, views with secrets masked, edits with a re-check, and removes after a named confirmation', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('m');
    expect(await ui.waitFor('globalsign sandbox')).toMatchSnapshot('list');
    await ui.press(KEY.enter);
    const view = await ui.waitFor('Integration settings');
    expect(view).toContain('Password             ••••');
    // Which address the calls go to, as the wizard says it; the endpoint under the advanced network settings, not the parameters.
    expect(view).toMatch(/API calls go to http:\/\/127\.0\.0\.1:<port>\S*\.\n[\s\S]*Processing module parameters[\s\S]*Advanced network settings/);
    expect(view).not.toContain(sandboxes[0]?.sandbox.account.password ?? 'never');
    expect(view).toMatchSnapshot('view');

    // Edit: Sort 10 -> 3, re-check offered and accepted.
    await ui.press('e');
    await ui.waitFor('Step 3 of 5 · Integration settings — ENOM');
    expect(ui.frame()).toContain('(unchanged)');
    for (let i = 0; i < 4; i += 1) await ui.press(KEY.enter);
    await ui.waitFor('Step 4 of 5');
    // ENOM's parameters: Data center, Name, Department, Sort, Minimal balance.
    await ui.press(KEY.enter, KEY.enter, KEY.enter, `${KEY.ctrlU}3${KEY.enter}`, KEY.enter);
    await ui.waitFor('Check the connection with the new settings before saving? (y / n)');
    await ui.press('y');
    await ui.waitFor('✓ Connected');
    await ui.press(KEY.enter);
    await ui.waitFor('Sort                 3');
    const edited = listModules(workspace).find((m) => m.provider === 'enom');
    expect(edited?.parameters.sort).toBe(3);
    expect(edited?.integration.password).toBe(sandboxes[0]?.sandbox.account.password);

    // Remove: the question names the module; n keeps it, y removes it.
    await ui.press('d');
    expect(await ui.waitFor(/Remove the processing module "enom sandbox"\s+\(ENOM\)\?\s+It\s+has\s+no\s+open\s+manual\s+task\s+and\s+no\s+reissue\s+in\s+flight\.\s+Press\s+y\s+to\s+remove/)).toMatchSnapshot('remove asked');
    await ui.press('n');
    await ui.waitFor('Nothing removed.');
    expect(listModules(workspace)).toHaveLength(2);
    await ui.press('d', 'y');
    // Back to where the module was opened from: the list, without it.
    await ui.waitFor('certops · Processing modules');
    expect(ui.frame()).not.toContain('enom sandbox');
    expect(listModules(workspace).map((m) => m.provider)).toEqual(['globalsign']);
    ui.unmount();
  });
});

describe('console: checks and balances', { timeout: 30_000 }, () => {
  it('checks every module at once and explains a failure', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'ispmanager'], 5);
    sandboxes[1]?.sandbox.faults.add('ip-not-allowed');
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('c');
    await ui.waitFor('Checked 2 modules: 1 ok, 1 failed.');
    await ui.press(KEY.down);
    const frame = await ui.waitFor('Failed to establish a connection to the processing module');
    expect(frame).toContain('✓ enom sandbox');
    expect(frame).toContain("ask the provider to allow API calls from this server's IP address");
    expect(frame).toMatchSnapshot();
    expect(Object.values(workspace.state.read().checks).map((c) => c.ok).sort()).toEqual([false, true]);
    ui.unmount();
  });

  it('marks a balance under the minimal balance', async () => {
    const { workspace, sandboxes } = await harness.withModules(['leadertelecom', 'enom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('b');
    const frame = await ui.waitFor(/leadertelec.*EUR.*ok[\s\S]*enom sandbox.*ok/);
    expect(frame).toMatchSnapshot();
    // A refresh queries again, and says when the answers came.
    await ui.press('r');
    expect(await ui.waitFor('Balances as of')).toMatch(/Balances as of <time> UTC \(r refreshes\)\./);
    ui.unmount();
    const { workspace: poor, sandboxes: poorSandboxes } = await harness.withModules(['ispmanager'], 5);
    await poor.store.update((data) => ({ data: { ...data, modules: data.modules.map((m) => ({ ...m, parameters: { ...m.parameters, minimalBalance: 99_999 } })) }, result: undefined }));
    const second = await renderConsole(servicesFor(poor, poorSandboxes));
    await second.press('b');
    expect(await second.waitFor('▼ under the minimal balance')).toContain('99,999');
    second.unmount();
  });
});

describe('console: reissue timeline', { timeout: 30_000 }, () => {
  it('opens at today, scrolls, filters by action and module, groups by week, and says what the selected row needs', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom', 'enom'], 150);
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('t');
    const opened = await ui.waitFor('certificates · action: all · module: all · by month · today 2026-11-23');
    expect(opened).toMatchSnapshot('opened at today');
    const scrolled = await ui.press(KEY.pageDown, KEY.down, KEY.down);
    expect(scrolled).not.toEqual(opened);
    expect(scrolled).toMatchSnapshot('scrolled');
    await ui.press('g');
    const detail = (frame: string) => frame.split('\n').find((line) => / (reissue automatically|manual task|notify the client|paid term ends)/.test(line));
    expect(detail(ui.frame())).toEqual(detail(opened));
    const tasks = await ui.press('f', 'f', 'f');
    expect(tasks).toContain('action: manual-task');
    const rows = tasks.split('\n').filter((l) => /^[ ›][ !]\S.* \d{4}-\d{2}-\d{2} /.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((l) => !/ task\b/.test(l))).toEqual([]);
    expect(tasks).toMatch(/manual task for SSL desk/);
    const enomOnly = await ui.press('f', 'f', 'f', 'm', 'm');
    expect(enomOnly).toContain('module: enom sandbox');
    expect(enomOnly).not.toContain('leadertelec');
    const weeks = await ui.press('w');
    expect(weeks).toMatch(/week of 20\d\d-\d\d-\d\d/);
    ui.unmount();
  });

  it('v says whether the selected certificate\'s next validation is ready: a CAA record that forbids its CA, through the DNS server given', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['globalsign'], 150);
    await syncModules(workspace, modules, workspace.runtime());
    const today = TODAY;
    const { entries } = buildTimeline(workspace, today);
    // A certificate due soon that must redo domain validation.
    const due = entries.find((entry) => entry.actionDate !== null && entry.actionDate >= formatDay(today) && entry.revalidate.includes('domain') && entry.actionDate <= formatDay((today + 14) as Day));
    expect(due).toBeDefined();
    const dns = await startDnsServer({ [due?.domain as string]: [{ type: 'CAA', tag: 'issue', value: 'letsencrypt.org' }] });
    try {
      const services = new ConsoleServices(workspace, { today, dnsServers: [dns.address], runtime: { readRetries: 0 } });
      const ui = await renderConsole(services);
      await ui.press('t');
      await ui.waitFor('today 2026-11-23');
      // Move the cursor to that certificate's row.
      for (let i = 0; i < 200 && !new RegExp(`^›.*${(due?.domain as string).slice(0, 12).replace(/\./g, '\\.')}`, 'm').test(ui.frame()); i += 1) await ui.press('j');
      await ui.press('v');
      const frame = await ui.waitFor(/NOT READY/, 15_000);
      expect(frame).toContain(`${due?.domain}: NOT READY`);
      expect(dns.queries.some((query) => query === `CAA ${due?.domain}`)).toBe(true);
      ui.unmount();
    } finally {
      await dns.stop();
    }
  });

  it('offers a sync when nothing was synced, and syncs with s', async () => {
    const { workspace, sandboxes } = await harness.withModules(['globalsign'], 30);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('t');
    expect(await ui.waitFor('No certificates yet: press s to sync them')).toMatchSnapshot();
    await ui.press('s');
    await ui.waitFor('Synced 30 certificates from 1 module.');
    ui.unmount();
  });
});

describe('console: reissue policy', { timeout: 30_000 }, () => {
  it('previews what a change does to the next 30 days, refuses more than 200 days, and saves', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager'], 200);
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120, rows: 30 });
    await ui.press('p');
    await ui.waitFor('Saved: SSLSubscriptionPolicy auto, SSLSubscriptionBefore 10.');
    await ui.press(KEY.right);
    const preview = await ui.waitFor('Preview, until 2026-12-23');
    expect(preview).toContain('notify client 2026-');
    // Each change shows both sides whole, the new action included.
    expect(preview.split('\n').filter((line) => line.includes(' → ')).every((line) => !line.includes('…'))).toBe(true);
    expect(preview).toMatchSnapshot('preview');
    await ui.press(KEY.down, KEY.backspace, KEY.backspace, '999');
    expect(await ui.waitFor('✗ SSLSubscriptionBefore must be a whole number of days from 0 to 200; 999 is more than the maximum of 200')).toBeTruthy();
    await ui.press(KEY.enter);
    expect(readPolicy(workspace)).toEqual({ policy: 'auto', beforeDays: 10 });
    await ui.press(KEY.backspace, KEY.backspace, KEY.backspace, '30', KEY.enter);
    await ui.waitFor('Saved: SSLSubscriptionPolicy manual, SSLSubscriptionBefore 30.');
    // Back on the days, typed digits replace the value shown, as in a selected field.
    await ui.press(KEY.up, KEY.down, '45', KEY.enter);
    await ui.waitFor('Saved: SSLSubscriptionPolicy manual, SSLSubscriptionBefore 45.');
    expect(readPolicy(workspace)).toEqual({ policy: 'manual', beforeDays: 45 });
    ui.unmount();
  });
});

describe('console: logs', { timeout: 30_000 }, () => {
  it('sets debug levels and tails a module log without secrets', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['enom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('l');
    await ui.waitFor('pmleadertelecom ');
    // ENOM is the fourth log: raise it to 9, then check once so there is something to tail.
    await ui.press(KEY.down, KEY.down, KEY.down, '+', '+', '+', '+', '+');
    await ui.waitFor(/pmenomssl\s+ENOM\s+9 debug/);
    await vi.waitFor(() => expect(workspace.store.read().debugLevels).toEqual({ pmenomssl: 9 }));
    const [module] = modules;
    if (!module) throw new Error('module');
    await recordCheck(workspace, module.id, await servicesFor(workspace, sandboxes).check(module));
    await ui.press('r', KEY.enter);
    const tail = await ui.waitFor('pmenomssl.log (last lines');
    expect(tail).toContain('command=CheckLogin&uid=sandbox-reseller&pw=***&responsetype=xml');
    // Long lines are wrapped whole, not cut.
    expect(tail.split('\n').filter((line) => line.endsWith('…'))).toEqual([]);
    expect(tail).not.toContain(sandboxes[0]?.sandbox.account.password ?? 'never');
    ui.unmount();
  });
});
