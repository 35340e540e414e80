import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { editModule, recordBalance, recordCheck } from '../../src/core/modules.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('console: dashboard', () => {
  it('invites to add a first module when there is none', async () => {
    const ui = await renderConsole(servicesFor(harness.fresh()));
    const frame = await ui.waitFor('No processing module yet');
    expect(frame).toMatchSnapshot();
    ui.unmount();
  });

  it('shows each module with its provider, Sort, last check, balance against the minimum and due counts', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom', 'ispmanager', 'globalsign', 'enom'], 120);
    await syncModules(workspace, modules, workspace.runtime());
    const [first, second] = modules;
    if (!first || !second) throw new Error('modules');
    await recordCheck(workspace, first.id, { ok: true, module: first.parameters.name, provider: first.provider, roundTripMs: 42, checkedAt: new Date().toISOString() });
    await recordCheck(workspace, second.id, {
      ok: false,
      module: second.parameters.name,
      provider: second.provider,
      message: 'Failed to establish a connection to the processing module',
      cause: 'credentials',
      detail: 'x',
      steps: [],
      checkedAt: new Date().toISOString(),
    });
    await recordBalance(workspace, first.id, { ok: true, module: first.parameters.name, provider: first.provider, amount: 40, currency: 'EUR', minimalBalance: 100, underMinimum: true, checkedAt: new Date().toISOString() });
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    // After the due counts (and each module's last sync) have been read.
    const frame = await ui.waitFor(/enom sandbox[\s\S]*Due: \d/);
    expect(frame).toContain('▼40 EUR/100');
    expect(frame).toContain('✗ credentials');
    expect(frame).toContain('SANDBOX');
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    expect(frame).toMatchSnapshot();
    ui.unmount();
    const wide = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120, rows: 30 });
    expect(await wide.waitFor(/enom sandbox[\s\S]*Due: \d/)).toMatchSnapshot();
    wide.unmount();
  });

  it('keeps every row in its columns when names hold wide characters, emoji or combining accents', async () => {
    const { workspace, sandboxes } = await harness.withModules(['leadertelecom', 'globalsign']);
    await editModule(workspace, 'leadertelecom sandbox', { parameters: { name: '証明書 サーバー 👍 main' } });
    await editModule(workspace, 'globalsign sandbox', { parameters: { name: 'e\u0301cole 漢字漢字漢字漢字漢字漢字漢字漢字 très longue' } });
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    const frame = await ui.waitFor(/never checked[^\n]*\n[^\n]*never checked/);
    const rows = frame.split('\n').filter((line) => line.includes('never checked'));
    expect(rows).toHaveLength(2);
    // Each row keeps its columns where the header has them: the names are cut by their width
    // (in the middle: names often differ at their end).
    const header = frame.split('\n').find((line) => line.includes('Last check')) as string;
    const at = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    for (const row of rows) {
      expect(at(row, 'never checked')).toBe(at(header, 'Last check'));
      expect(at(row, 'unknown/')).toBe(at(header, 'Balance/'));
    }
    expect(frame).toContain('›証明書 サーバー 👍 main');
    expect(frame).toMatch(/ e\u0301cole 漢字漢字\S*…\S* très longue/);
    expect(ui.rawFrame().split('\n').filter((line) => stringWidth(line) > 80)).toEqual([]);
    ui.unmount();
    // Wider, the whole of the first name shows.
    const wide = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120, rows: 30 });
    expect(await wide.waitFor('GlobalSign')).toContain('e\u0301cole 漢字漢字漢字漢字漢字漢字漢字漢字 très longue');
    wide.unmount();
  });

  it('reaches every screen with one key, and Esc comes back', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom'], 20);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    for (const [key, title] of [
      ['a', 'Add a processing module'],
      ['m', 'Processing modules'],
      ['c', 'Connection check'],
      ['b', 'Balances'],
      ['t', 'Reissue timeline'],
      ['i', 'Reissues in flight'],
      ['o', 'Manual tasks'],
      ['p', 'Reissue policy'],
      ['l', 'Logs'],
    ] as const) {
      await ui.press(key);
      await ui.waitFor(`certops · ${title}`);
      await ui.press(KEY.escape);
      await ui.waitFor('certops · Dashboard');
    }
    await ui.press('?');
    expect(await ui.waitFor('Keys on this screen')).toMatchSnapshot();
    await ui.press(KEY.escape);
    await ui.waitFor('certops · Dashboard');
    ui.unmount();
  });

  it('syncs on s, with the result on the status line', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign'], 600);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('synced never');
    await ui.press('s');
    // Thousands grouped, as every other count and amount.
    const frame = await ui.waitFor('Synced 1,200 certificates from 2 modules.', 15_000);
    expect(frame).toMatch(/Due: \d+ in 7 days · \d+ in 30 · \d+ in 90/);
    ui.unmount();
  });
});

describe('console: keys typed ahead (one chunk, as over a slow SSH link)', () => {
  it('applies every key of a chunk to the state the previous one produced', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    // a, Enter (product type), Down, Down, Enter (GlobalSign) in one write.
    await ui.press(`a${KEY.enter}${KEY.down}${KEY.down}${KEY.enter}`);
    await ui.waitFor('Integration settings — GlobalSign');
    // Text, Enter, text, Enter in one write; then edits with Backspace in one write.
    await ui.press(`PAR90001_billing${KEY.enter}secret${KEY.enter}`);
    const frame = await ui.waitFor('› Demo');
    expect(frame).toContain('Username          PAR90001_billing');
    expect(frame).toContain('Password          ••••••');
    await ui.press(`${KEY.down}10.0.0.12${KEY.backspace}${KEY.backspace}3${KEY.tab}`);
    expect(await ui.waitFor('› Endpoint')).toContain('IP address        10.0.0.3');
    ui.unmount();
  });
});
