/**
 * Keys that arrive together (over SSH, typed ahead) each act, Esc too. Ink reads "Esc Esc" in one
 * read as one Esc with meta (Alt+Esc) and "Esc t" as Alt+t; the console takes each for the keys
 * the operator pressed, in order.
 */
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('console: Esc in a chunk of keys', () => {
  it('two Esc in one read close the balance detail and go back to the dashboard', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('b');
    await ui.waitFor('certops · Balances');
    await ui.press(KEY.enter);
    await ui.waitFor('Enter close');
    await ui.press('\u001B\u001B');
    await ui.waitFor('certops · Dashboard');
    ui.unmount();
  });

  it('two Esc in one read close the timeline detail and go back to the dashboard', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['enom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    await ui.press(KEY.enter);
    await ui.waitFor('Esc back to the list');
    await ui.press('\u001B\u001B');
    await ui.waitFor('certops · Dashboard');
    ui.unmount();
  });

  it('Esc and a letter in one read: back, then the letter on the screen below', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('b');
    await ui.waitFor('certops · Balances');
    await ui.press('\u001Bl');
    await ui.waitFor('certops · Logs');
    ui.unmount();
  });

  it('three Esc in one read from two screens deep end on the dashboard (and not further)', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('m');
    await ui.waitFor('certops · Processing modules');
    await ui.press(KEY.enter);
    await ui.waitFor('certops · Processing module');
    await ui.press('\u001B\u001B\u001B');
    await ui.waitFor('certops · Dashboard');
    expect(ui.frame()).toContain('enom sandbox');
    ui.unmount();
  });
});
