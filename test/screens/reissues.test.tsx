/**
 * The console's side of the reissue lifecycle over a workspace the real core made (see
 * reissue-workspace.ts): the dashboard's count, the "Reissues in flight" list and a record's view,
 * and the timeline's stages. Tests run with colours off (test/setup.ts), so every frame here is
 * what NO_COLOR shows: the cursor and the stuck ones must read without colour.
 */
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDay } from '../../src/rules/calendar.js';
import { runEffects } from '../../src/core/reissue/effects.js';
import { runReissue } from '../../src/core/reissue/run.js';
import { failedReissues, reissueStatus } from '../../src/core/reissue/status.js';
import { syncModules } from '../../src/core/sync.js';
import { listTasks } from '../../src/core/tasks.js';
import { KEY, renderConsole, servicesFor, type ConsoleDriver } from '../helpers/console.js';
import type { TestTlsServer } from '../helpers/tls-server.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';
import { reissueWorkspace, type ReissueWorkspace } from './reissue-workspace.js';

const harness = workspaceHarness();
const servers: TestTlsServer[] = [];
let fx: ReissueWorkspace;

beforeAll(async () => {
  fx = await reissueWorkspace(harness, servers);
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** The validation tokens are random on every run of the sandbox; task numbers follow the runs' order. */
const stable = (frame: string) =>
  frame
    .replace(/\b[0-9a-f]{32}\b/g, '<token>')
    .replace(/\b[0-9A-F]{16}\b/g, '<TOKEN>')
    .replace(/\bT-\d+\b/g, 'T-<n>');
const tooWide = (ui: ConsoleDriver, columns: number) => ui.rawFrame().split('\n').filter((line) => stringWidth(line) > columns - 1);
const rows = (frame: string) => frame.split('\n').filter((line) => /^[ ›][ !] ?\S/.test(line) && / \d{4}-\d\d-\d\d /.test(line));
/** Moves the cursor onto `row` of `frame` with j / k in one write. */
async function goTo(ui: ConsoleDriver, frame: string, row: string): Promise<string> {
  const lines = frame.split('\n');
  const target = lines.findIndex((line) => line.slice(1) === row.slice(1));
  const cursor = lines.findIndex((line) => line.startsWith('›'));
  if (target < 0 || cursor < 0) throw new Error(`no row ${row} in\n${frame}`);
  return target === cursor ? frame : ui.press((target > cursor ? 'j' : 'k').repeat(Math.abs(target - cursor)));
}
const selectedRow = (frame: string) => frame.split('\n').find((line) => line.startsWith('›'));
const open = () => renderConsole(servicesFor(fx.workspace, fx.sandboxes, fx.today));

describe('console: reissues in flight', { timeout: 60_000 }, () => {
  it('the dashboard counts the reissues in flight and the stuck ones, visibly without colour', async () => {
    const status = reissueStatus(fx.workspace, { today: fx.today });
    const finished = ['served', 'failed', 'cancelled'];
    const inFlight = status.reissues.filter((entry) => !finished.includes(entry.stage)).length;
    const stuck = status.reissues.filter((entry) => entry.stage === 'stuck').length;
    expect(stuck).toBeGreaterThan(0);
    // A failed reissue not retried is counted too (it waits on the operator: certops reissue retry).
    const failed = failedReissues(fx.workspace).length;
    const ui = await open();
    const frame = await ui.waitFor('Reissues in flight: ');
    expect(frame).toContain(` Reissues in flight: ${inFlight} (! ${stuck} stuck${failed ? `, ${failed} failed` : ''}) · oldest ${Math.round((fx.today - TODAY) as number)} days · i lists them`);
    expect(tooWide(ui, 80)).toEqual([]);
    expect(frame).toMatchSnapshot('dashboard');
    await ui.press('i');
    await ui.waitFor('certops · Reissues in flight');
    ui.unmount();
  });

  it('lists every reissue with its stage, since and deadline; a chunk of keys moves as many rows; Enter shows the record whole', async () => {
    const ui = await open();
    await ui.waitFor('Reissues in flight: ');
    await ui.press('i');
    const list = await ui.waitFor(/stage: all · module: all · \d+ in flight, \d+ stuck, \d+ finished in\s+the\s+last\s+30\s+days/);
    expect(tooWide(ui, 80)).toEqual([]);
    expect(list).toMatchSnapshot('list at 80x24');
    const listed = rows(list);
    expect(listed.length).toBeGreaterThan(10);
    // Stuck rows say so in words and with !, in the column after the cursor's.
    for (const row of listed.filter((line) => line.includes('stuck'))) expect(row).toMatch(/^[ ›]! .* stuck \(validating\) /);
    expect(listed.some((row) => row.includes(fx.domains.stuck))).toBe(true);
    for (const stage of ['delivered', 'collected', 'validating']) expect(listed.some((row) => row.includes(` ${stage} `)), stage).toBe(true);

    // j j j in one write: three rows down, each key acting on the row the last one left.
    const moved = await ui.press('jjj');
    expect(selectedRow(moved)).toBe(listed[3]?.replace(/^ /, '›'));
    const domain = (listed[3]?.slice(17).trim().split(' ')[0] ?? '').replace(/…$/, '');
    const view = await ui.press(KEY.enter);
    expect(view).toContain('certops · Reissue ');
    expect(view.split('\n')[1]).toContain(domain);
    expect(view).toMatch(/Stage {14}\S/);
    expect(tooWide(ui, 80)).toEqual([]);
    // Back: the same row is selected.
    expect(selectedRow(await ui.press(KEY.escape))).toBe(listed[3]?.replace(/^ /, '›'));
    ui.unmount();
  });

  it('keys typed ahead while the list is still reading the ledger go to the list, not to the dashboard', async () => {
    const ui = await open();
    await ui.waitFor('Reissues in flight: ');
    // i opens the list, which shows "Reading the reissue ledger…" first; f j j j must wait for it.
    await ui.press('ifjjj');
    const after = await ui.waitFor('stage: in flight');
    const listed = rows(after);
    expect(selectedRow(after)).toBe(listed[3]?.replace(/^ /, '›'));
    // The dashboard's cursor did not move: back there, its first module is still selected.
    const back = await ui.press(KEY.escape);
    expect(selectedRow(back)).toMatch(/^›ispmanager/);
    ui.unmount();
  });

  it('filters by stage (f) and module (m), and shows the older finished ones on a', async () => {
    const ui = await open();
    await ui.waitFor('Reissues in flight: ');
    await ui.press('i');
    await ui.waitFor('stage: all');
    const inFlight = rows(await ui.press('f'));
    expect(ui.frame()).toContain('stage: in flight');
    expect(inFlight.filter((row) => / (served|failed|cancelled) /.test(row))).toEqual([]);
    const stuck = rows(await ui.press('f'));
    expect(stuck.length).toBeGreaterThan(0);
    // The headline says how many the filter shows of the whole ledger, not the ledger's count alone.
    expect(ui.frame()).toMatch(new RegExp(`^ ${stuck.length} of \\d+ · stage: stuck · module: all · \\d+ in flight`, 'm'));
    expect(stuck.every((row) => row.includes('stuck (validating)'))).toBe(true);
    const finished = rows(await ui.press('f'));
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.every((row) => / (served|failed) /.test(row))).toBe(true);
    await ui.press('f', 'm', 'm');
    const enom = await ui.waitFor('module: enom sandbox');
    expect(rows(enom).every((row) => row.includes('enom sandbox'))).toBe(true);
    await ui.press('a');
    const all = await ui.waitFor('Also the ones finished over 30 days ago');
    expect(all).toContain('module: enom sandbox');
    // a changes the headline too: the finished ones counted are all of them.
    expect(all).toMatch(/\d+\s+finished\s+\(all\)/);
    ui.unmount();
  });

  it("a record's view: what validation needs, the files, the hook's exit and output, the probe, the tasks", async () => {
    const status = reissueStatus(fx.workspace, { today: fx.today });
    const ui = await open();
    await ui.waitFor('Reissues in flight: ');
    await ui.press('i');
    await ui.waitFor('stage: all');
    const pages = new Map<string, string>();
    const viewOf = async (domain: string) => {
      // Down the list (windowed: a row further down scrolls into view) to the domain's row.
      let frame = await ui.press(KEY.home);
      for (let step = 0; step < 40 && !selectedRow(frame)?.includes(` ${domain} `); step += 1) frame = await ui.press(KEY.down);
      expect(selectedRow(frame), domain).toContain(` ${domain} `);
      await ui.press(KEY.enter);
      let whole = await ui.waitFor(`${domain} · `);
      pages.set(domain, whole);
      // Page through to the end: the whole record, each line once.
      for (let page = 0; page < 4 && /PgDn for more/.test(ui.frame()); page += 1) whole += `\n${await ui.press(KEY.pageDown)}`;
      expect(tooWide(ui, 80)).toEqual([]);
      await ui.press(KEY.escape);
      // A value wrapped over lines, back on one (its continuation lines start under the values).
      return whole.replace(/\n {21}(?=\S)/g, ' ');
    };

    const stuck = await viewOf(fx.domains.stuck);
    expect(stable(pages.get(fx.domains.stuck) as string)).toMatchSnapshot('stuck record at 80x24');
    const stuckEntry = status.reissues.find((entry) => entry.domain === fx.domains.stuck);
    const dns = stuckEntry?.validation?.dnsRecord;
    const needs = dns ? [dns.name, dns.type, dns.value] : [stuckEntry?.validation?.httpFile?.path ?? stuckEntry?.validation?.approverEmail ?? 'never'];
    for (const text of needs) expect(stuck).toContain(text);
    const task = listTasks(fx.workspace, { status: 'all' }).find((t) => t.domain === fx.domains.stuck && /stuck/.test(t.why));
    expect(stuck).toContain(`Tasks              ${task?.id} (stuck:validating)`);

    const collected = await viewOf(fx.domains.collected);
    expect(collected).toMatch(/Deploy hook {8}\d+ attempts?; the last ended with exit code 3/);
    expect(collected).toContain('nginx: [emerg] cannot load certificate for');
    expect(collected).toContain(`<config>/live/`);
    expect(collected).toMatch(/Private key {8}<config>\/live\/\d+\//);

    const delivered = await viewOf(fx.domains.delivered);
    expect(delivered).toContain('Deploy hook        1 attempt; the last succeeded');
    expect(delivered).toMatch(/Probe ✗ {12}\S+ at 127\.0\.0\.1:<port>: another certificate, not the new one/);

    // Finished ones are listed too (30 days): the served one with the probe that confirmed it.
    const served = await viewOf(fx.domains.served);
    expect(served).toMatch(/Probe ✓ {12}\S+ at 127\.0\.0\.1:<port>: the new certificate/);
    expect(served).toContain('Client notified    yes');
    const failed = await viewOf(fx.domains.failed);
    expect(failed).toContain('the DNS record was not found after 72 hours');
    ui.unmount();
  });

  it('at 160x45 the list gains the hour and the new id, and the view shows without scrolling', async () => {
    const ui = await renderConsole(servicesFor(fx.workspace, fx.sandboxes, fx.today), { columns: 160, rows: 45 });
    await ui.waitFor('Reissues in flight: ');
    await ui.press('i');
    const list = await ui.waitFor('stage: all');
    expect(list).toMatch(/ Since {12}Deadline {3}New id/);
    expect(rows(list).every((row) => / \d{4}-\d\d-\d\d \d\d:\d\d \d{4}-\d\d-\d\d \S/.test(row))).toBe(true);
    expect(list).toMatchSnapshot('list at 160x45');
    expect(tooWide(ui, 160)).toEqual([]);
    const view = await ui.press('s');
    expect(view).not.toContain('PgDn for more');
    expect(view).toContain('Client notified');
    ui.unmount();
  });
});

describe('console: the timeline shows the stage of a reissue under way', { timeout: 60_000 }, () => {
  it('shows the stage instead of overdue, filters by stage on i, and Enter opens the ledger record', async () => {
    const ui = await open();
    await ui.waitFor('Reissues in flight: ');
    await ui.press('t');
    await ui.waitFor(`today ${formatDay(fx.today)}`);
    const underWay = await ui.press('i');
    expect(underWay).toContain('stage: under way');
    const status = reissueStatus(fx.workspace, { today: fx.today }).reissues.filter((entry) => !['served', 'failed', 'cancelled'].includes(entry.stage));
    const timelineRows = rows(underWay);
    expect(underWay).toMatch(new RegExp(` ${status.length} certificates · `));
    // No reissue under way is overdue: ! marks only the stuck ones, whose action column says so.
    for (const row of timelineRows) expect(/^[ ›]!/.test(row)).toBe(/ stuck /.test(row));
    expect(timelineRows.some((row) => / validating /.test(row))).toBe(true);
    expect(tooWide(ui, 80)).toEqual([]);
    expect(underWay).toMatchSnapshot('timeline, under way');

    const stuck = await ui.press('i');
    expect(stuck).toContain('stage: stuck');
    const stuckRows = rows(stuck);
    expect(stuckRows.length).toBe(status.filter((entry) => entry.stage === 'stuck').length);
    // Enter on the first stuck row (the cursor may sit on a month heading).
    const onRow = await goTo(ui, stuck, stuckRows[0] as string);
    expect(onRow).toMatch(/: reissue stuck \(validating\) since \d{4}-\d\d-\d\d · served by /);
    // Enter shows the row whole; Enter again opens its ledger record.
    const detail = await ui.press(KEY.enter);
    expect(detail).toMatch(/ {2}Reissue +stuck \(validating\) since /);
    expect(detail).toContain('Enter its reissue');
    const view = await ui.press(KEY.enter);
    expect(view).toContain('certops · Reissue\u0020 ');
    expect(view).toContain('stuck (validating)');
    // Back to the timeline with its filter, on the list.
    const back = await ui.press(KEY.escape);
    expect(back).toContain('stage: stuck');
    expect(back).toContain('  Domain ');
    ui.unmount();
  });

  it('for a reissue only the provider lists, Enter says it joins the ledger at the next reissue run', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    // LeaderTelecom's reissues are manual tasks; the department does one in LeaderSSL's panel.
    const report = await runReissue(workspace, { today: TODAY, runtime: workspace.runtime(), effects: runEffects(workspace) });
    const task = report.actions.find((action) => action.outcome === 'task');
    if (!task) throw new Error('no manual task');
    const leader = sandboxes[0];
    const done = await leader?.sandbox.panelReissue(leader.sandbox.indexOf(task.certificateId) as number);
    expect(done && 'refused' in done).toBe(false);
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    const underWay = await ui.press('i');
    expect(underWay).toContain('1 certificate · ');
    expect(rows(underWay)[0]).toMatch(/ submitted /);
    await goTo(ui, underWay, rows(underWay)[0] as string);
    expect(await ui.press(KEY.enter)).toMatch(/ {2}Reissue +submitted/);
    const said = await ui.press(KEY.enter);
    expect(said).toContain('Under way on the provider: it joins the ledger at the next reissue run (r).');
    expect(said).toContain('certops · Reissue timeline');
    ui.unmount();
  });
});

describe('console: reissues in flight, with none', () => {
  it('wraps the empty message at 80 columns rather than cut the keys at its end', async () => {
    const ui = await renderConsole(servicesFor(harness.fresh()));
    await ui.press('i');
    const frame = await ui.waitFor('certops · Reissues in flight');
    const text = (await ui.waitFor('submits')).replace(/\s+/g, ' ');
    expect(frame).toBeTruthy();
    expect(text).toContain('No reissue is in flight on 2026-11-23, and none finished in the last 30 days. The reissue run (t, then r; or cron) submits the due ones.');
    expect(tooWide(ui, 80)).toEqual([]);
    ui.unmount();
  });
});
