/**
 * Issue 13, items 6 and 7: what an operator acts on survives 80x24 (a balance against its minimal
 * balance, the due counts, the footer's keys, BILLmanager's field names), Enter shows a row whole on
 * the list screens, and no text is stale, cryptic or cut in the middle of a word.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { editModule, recordBalance, recordCheck } from '../../src/core/modules.js';
import { syncModules } from '../../src/core/sync.js';
import { PROVIDERS } from '../../src/providers/catalog.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';
import { runEffects } from '../../src/core/reissue/effects.js';
import { runReissue } from '../../src/core/reissue/run.js';
import { listTasks } from '../../src/core/tasks.js';

const harness = workspaceHarness();
const wrapped = (frame: string) => frame.replace(/\s+/g, ' ');

describe('console at 80x24 and 160x45: what the operator acts on survives', { timeout: 30_000 }, () => {
  it('dashboard: the minimal balance and the due counts whole, every key in the footer, no padding between columns at 160', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager', 'leadertelecom', 'globalsign', 'enom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const isp = modules[0];
    if (!isp) throw new Error('modules');
    await editModule(workspace, isp.parameters.name, { parameters: { minimalBalance: 20000 } });
    await recordBalance(workspace, isp.id, { ok: true, module: isp.parameters.name, provider: 'ispmanager', amount: 15000, currency: 'RUB', minimalBalance: 20000, underMinimum: true, checkedAt: new Date().toISOString() });
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    const frame = await ui.waitFor(/enom sandbox[\s\S]*Due: \d/);
    expect(frame).toContain('▼15,000 RUB/20,000');
    // Every module's name whole, and its 7/30/90 counts.
    for (const module of modules) expect(frame).toMatch(new RegExp(`${module.parameters.name} .* \\d+/\\d+/\\d+\\n`));
    for (const key of ['a add', 'm modules', 'c check', 'b balances', 's sync', 't timeline', 'o tasks', 'i in flight', 'p policy', 'l logs', '? help', 'q quit']) expect(frame).toContain(key);
    expect(ui.rawFrame().split('\n').filter((line) => stringWidth(line) > 79)).toEqual([]);
    ui.unmount();

    const wide = await renderConsole(servicesFor(workspace, sandboxes), { columns: 160, rows: 45 });
    const wideFrame = await wide.waitFor(/enom sandbox[\s\S]*Due: \d/);
    // The name column is as wide as the longest name, not half the screen.
    const header = wideFrame.split('\n').find((line) => line.includes('Provider')) as string;
    // Extra width widens the gaps a little (up to 4), never pads the name column.
    expect(header.indexOf('Provider')).toBeLessThanOrEqual(1 + Math.max(...modules.map((m) => m.parameters.name.length)) + 4);
    wide.unmount();
  });

  it('dashboard: says "✓ ok …" for a good check, and a sync newer than a failed check wins over it', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom', 'globalsign'], 10);
    const [leader, gs] = modules;
    if (!leader || !gs) throw new Error('modules');
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await recordCheck(workspace, gs.id, { ok: false, module: gs.parameters.name, provider: 'globalsign', message: 'x', cause: 'ip-not-allowed', detail: 'x', steps: [], checkedAt: old });
    await syncModules(workspace, [gs], workspace.runtime());
    await recordCheck(workspace, leader.id, { ok: true, module: leader.parameters.name, provider: 'leadertelecom', roundTripMs: 12, checkedAt: new Date().toISOString() });
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    const frame = await ui.waitFor(/globalsign sandbox[\s\S]*Due: \d/);
    const row = (name: string) => frame.split('\n').find((line) => line.includes(name)) as string;
    expect(row('leadertelecom sandbox')).toMatch(/✓ ok <ago>/);
    expect(row('globalsign sandbox')).toMatch(/✓ synced <ago>/);
    expect(frame).not.toContain('IP refused');
    ui.unmount();
  });

  it('timeline: Enter shows the selected certificate whole, Esc goes back to the list', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom', 'enom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const services = servicesFor(workspace, sandboxes);
    const ui = await renderConsole(services);
    await ui.press('t');
    await ui.waitFor('synced <ago>');
    // The manual tasks (f three times): each has a reason, longer than a row.
    await ui.press('f', 'f', 'f');
    await ui.waitFor('action: manual-task');
    const detail = await ui.press(KEY.enter);
    const domain = /\n {2}Domain +(\S+)/.exec(detail)?.[1];
    const module = /\n {2}Module +(.+?) *\n/.exec(detail)?.[1];
    const entry = services.timeline().entries.find((e) => e.domain === domain && e.module === module);
    expect(entry).toBeDefined();
    if (!entry) return;
    // Each field on its own line; the reason whole, wrapped at words.
    expect(detail).toMatch(/ {2}Module +\S/);
    expect(detail).toMatch(/ {2}Certificate +\d+/);
    expect(entry.reason).toBeTruthy();
    expect(wrapped(detail)).toContain(wrapped(entry.reason ?? ''));
    expect(ui.rawFrame().split('\n').filter((line) => stringWidth(line) > 79)).toEqual([]);
    const list = await ui.press(KEY.escape);
    expect(list).toContain('  Domain ');
    ui.unmount();
  });

  it('balances: Enter shows one module whole, balance formatted as everywhere', async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager', 'enom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('b');
    const list = await ui.waitFor('Balances as of');
    expect(list).toContain('15,000 RUB');
    await ui.press(KEY.down);
    const detail = await ui.press(KEY.enter);
    expect(detail).toMatch(/ {2}Balance +1,204.10 USD/);
    expect(detail).toMatch(/ {2}Can be spent +1,150 USD/);
    expect(detail).toMatch(/ {2}Minimal balance +100/);
    ui.unmount();
  });

  it('check: Enter shows the selected module\'s check whole', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign'], 5);
    await editModule(workspace, 'globalsign sandbox', { integration: { password: 'not-the-password' } });
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('c');
    await ui.waitFor('Checked 2 modules: 1 ok, 1 failed.');
    const detail = await ui.press(KEY.down, KEY.enter);
    expect(detail).toMatch(/ {2}Check +Cannot connect to the processing module/);
    expect(detail).toMatch(/ {2}Cause +credentials rejected: /);
    expect(wrapped(detail)).toContain("What to do Perform the following steps: make sure the connection parameters are correct");
    expect(await ui.press(KEY.escape)).toContain('Checked 2 modules: 1 ok, 1 failed.');
    ui.unmount();
  });

  it("policy: BILLmanager's field names whole at 80 columns, and an error goes when the value is corrected", async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('p');
    const frame = await ui.waitFor('Saved: SSLSubscriptionPolicy');
    expect(frame).toContain('Expired certificate processing policy (SSLSubscriptionPolicy)');
    expect(frame).toContain('Period to start working with expiring certificate (SSLSubscriptionBefore)');
    await ui.press(KEY.down, KEY.backspace, KEY.backspace, '300', KEY.enter);
    const refused = await ui.waitFor(/300\s+is\s+more\s+than\s+the\s+maximum/);
    expect(refused).toContain('Not saved');
    const corrected = await ui.press(KEY.backspace, KEY.backspace, KEY.backspace, '30');
    expect(corrected).toContain('[30]');
    expect(wrapped(corrected)).not.toContain('more than the maximum');
    expect(corrected).not.toContain('Not saved');
    ui.unmount();
  });

  it('logs: a long line is wrapped between words, never in the middle of one', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom'], 5);
    mkdirSync(workspace.logDirectory, { recursive: true });
    const words = Array.from({ length: 40 }, (_, i) => `word${i}abcdef`);
    appendFileSync(join(workspace.logDirectory, `${PROVIDERS.leadertelecom.logName}.log`), `2026-11-23T10:00:00.000Z [pmleadertelecom] L1 ${words.join(' ')}\n`);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('l');
    await ui.waitFor('pmleadertelecom ');
    const tail = await ui.press(KEY.enter);
    const lines = tail.split('\n').filter((line) => line.includes('word'));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) for (const token of line.trim().split(' ').filter((t) => t.startsWith('word'))) expect(words).toContain(token);
    ui.unmount();
  });
});

describe('console: removing a module with open work', { timeout: 30_000 }, () => {
  it('says what stays behind and what becomes of it before y removes', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    await runReissue(workspace, { today: TODAY, dryRun: false, runtime: workspace.runtime(), effects: runEffects(workspace) });
    const open = listTasks(workspace).length;
    expect(open).toBeGreaterThan(0);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('m');
    await ui.waitFor('leadertelecom sandbox');
    const asked = wrapped(await ui.press('d'));
    expect(asked).toContain('Remove the processing module "leadertelecom sandbox" (LeaderTelecom)? Press y to remove, any other key to keep it.');
    expect(asked).toContain(`• ${open} manual tasks are open: they stay in the task list until closed by hand.`);
    expect(ui.rawFrame().split('\n').filter((line) => stringWidth(line) > 79)).toEqual([]);
    ui.unmount();
  });
});
