import { existsSync } from 'node:fs';
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
    expect(plan).toMatch(/Due today \(2026-11-23\): reissue: \d+ · manual task: \d+/);
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    expect(plan).toMatchSnapshot('plan');
    // The plan is a dry run: no journal, no reissue at the provider.
    expect(existsSync(journalFile(workspace))).toBe(false);
    const ispmanager = sandboxes.find((s) => s.provider === 'ispmanager')?.sandbox.book;
    const reissues = () => Array.from({ length: ispmanager?.size ?? 0 }, (_, i) => ispmanager?.get(i).reissues ?? 0).reduce((a, b) => a + b, 0);
    expect(reissues()).toBe(0);

    await ui.press('y');
    const done = await ui.waitFor(/Done: reissued: \d+ · manual task: \d+/, 20_000);
    expect(done).toContain('synced again: ispmanager sandbox');
    expect(reissues()).toBeGreaterThan(0);
    expect(existsSync(journalFile(workspace))).toBe(true);
    // Each row's detail shows under the list.
    expect(await ui.press(KEY.down)).toMatch(/reissued; CSR: new, key in|task T-\d+ for SSL desk/);
    await ui.press('t');
    await ui.waitFor(/T-\d+/);
    ui.unmount();
  });
});
