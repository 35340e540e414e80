import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalFile } from '../../src/core/reissue/run.js';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('console: the reissue run from the timeline', { timeout: 60_000 }, () => {
  it('shows what is due today without sending anything, runs it on y, and shows each result', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager', 'leadertelecom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    await ui.press('r');
    const plan = await ui.waitFor('Nothing has been sent yet: y carries it out');
    expect(plan).toMatch(/^Dry run for all modules, all actions: due today \(2026-11-23\): reissue: \d+ ·\s+manual task: \d+/m);
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    expect(plan).toMatchSnapshot('plan');
    // The plan is a dry run: no journal, no reissue at the provider.
    expect(existsSync(journalFile(workspace))).toBe(false);
    const ispmanager = sandboxes.find((s) => s.provider === 'ispmanager')?.sandbox.book;
    const reissues = () => Array.from({ length: ispmanager?.size ?? 0 }, (_, i) => ispmanager?.get(i).reissues ?? 0).reduce((a, b) => a + b, 0);
    expect(reissues()).toBe(0);

    await ui.press('y');
    const done = await ui.waitFor(/Done for all modules, all actions: reissued: \d+ · manual task: \d+/, 20_000);
    expect(done).toMatch(/synced\s+again: ispmanager sandbox/);
    expect(reissues()).toBeGreaterThan(0);
    expect(existsSync(journalFile(workspace))).toBe(true);
    // Each row's detail shows under the list.
    expect(await ui.press(KEY.down)).toMatch(/reissued; CSR: new, key in|task T-\d+ for SSL desk/);
    await ui.press('t');
    await ui.waitFor(/T-\d+/);
    ui.unmount();
  });

  it('runs what a filtered timeline shows: its module and its action, and the dry run says so first', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager', 'leadertelecom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    // m: the first module (ispmanager sandbox); f: reissue actions only.
    await ui.press('m');
    await ui.press('f');
    await ui.waitFor('action: reissue · module: ispmanager sandbox');
    await ui.press('r');
    const plan = await ui.waitFor('Nothing has been sent yet: y carries it out');
    const lines = plan.split('\n');
    expect(`${lines[1]} ${lines[2]}`).toMatch(/^Dry run for module ispmanager sandbox, reissue actions only: due +today \(2026-11-23\): reissue: \d+ *$/);
    expect(plan).not.toContain('leadertelecom sandbox');
    expect(plan).not.toContain('manual task');

    await ui.press('y');
    const done = await ui.waitFor(/Done for module ispmanager sandbox, reissue actions only: reissued: \d+/, 20_000);
    expect(done).not.toContain('manual task');
    // The journal holds the one module's reissues, nothing for the other module nor any task.
    const journal = readFileSync(journalFile(workspace), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; action?: string; moduleId?: number });
    const intents = journal.filter((record) => record.type === 'intent');
    expect(intents.length).toBeGreaterThan(0);
    const ispmanager = modules.find((module) => module.provider === 'ispmanager')?.id;
    expect(intents.every((record) => record.action === 'reissue' && record.moduleId === ispmanager)).toBe(true);
    ui.unmount();
  });

  it('lays its columns out by the width (whole module names at 160), writes times as every screen, and offers y only when there is something to run', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'manual', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 160, rows: 45 });
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    await ui.press('r');
    await ui.waitFor('Nothing has been sent yet: y carries it out');
    expect(ui.frame()).toMatch(/^[ ›] leadertelecom sandbox +\S+\.\S+ +2026-\d\d-\d\d +notify the client +the client gets/m);
    await ui.press('y');
    await ui.waitFor(/Done for all modules/, 20_000);
    await ui.press(KEY.escape);
    await ui.waitFor('today 2026-11-23');
    await ui.press('r');
    const again = await ui.waitFor(/nothing to do today/);
    // Done earlier: when, as every other screen writes a time; no y offered, for there is nothing to run.
    expect(again).toMatch(/done by an earlier run \(2026-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(again).not.toContain('y run now');
    ui.unmount();
  });
});

