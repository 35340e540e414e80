/**
 * Issue 13 (review J): Esc never throws away unsaved edits without a word. When something changed,
 * Esc asks "Discard the changes? y/n" (y discards, n or Esc stays), and a save says "Saved.".
 */
import { describe, expect, it } from 'vitest';
import { listModules } from '../../src/core/modules.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('console: Esc with unsaved edits asks first', { timeout: 30_000 }, () => {
  it('module edit: a typed username is not lost to Esc; n stays, y discards; a save says Saved.', async () => {
    const { workspace, sandboxes } = await harness.withModules(['leadertelecom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('m');
    await ui.waitFor('Last check/sync');
    await ui.press(KEY.enter);
    await ui.waitFor('Integration settings');
    await ui.press('e');
    await ui.waitFor('Step 3 of 5 · Integration settings');
    // The first field (Username) has the focus: type into it, then Esc.
    await ui.press('zz');
    const asked = await ui.press(KEY.escape);
    expect(asked).toContain('Discard the changes? y/n');
    expect(asked).toContain('Step 3 of 5');
    // n stays, with what was typed.
    const stayed = await ui.press('n');
    expect(stayed).not.toContain('Discard the changes?');
    expect(stayed).toMatch(/Username\s+\S*zz/);
    // Esc while asking stays too.
    await ui.press(KEY.escape);
    expect(await ui.press(KEY.escape)).toContain('Step 3 of 5');
    // y discards: back on the module, its username unchanged.
    await ui.press(KEY.escape);
    const back = await ui.press('y');
    expect(back).not.toContain('Step 3 of 5');
    expect(back).toContain('Integration settings');
    expect(String(listModules(workspace)[0]?.integration.username)).not.toContain('zz');
    // Nothing changed: Esc leaves at once.
    await ui.press('e');
    await ui.waitFor('Step 3 of 5');
    expect(await ui.press(KEY.escape)).not.toContain('Discard the changes?');
    ui.unmount();
  });

  it('module edit: a save goes back to the module and says Saved.', async () => {
    const { workspace, sandboxes } = await harness.withModules(['leadertelecom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { initial: { id: 'module', moduleId: 1 } });
    await ui.waitFor('Integration settings');
    await ui.press('e');
    await ui.waitFor('Step 3 of 5');
    // Through the fields to the check step, then save without checking.
    for (let i = 0; i < 12 && !ui.frame().includes('Step 4 of 5'); i += 1) await ui.press(KEY.enter);
    for (let i = 0; i < 12 && !ui.frame().includes('Step 5 of 5'); i += 1) await ui.press(KEY.enter);
    await ui.waitFor('Check the connection with the new settings before saving?');
    await ui.press('n');
    const saved = await ui.waitFor('Saved.');
    expect(saved).not.toContain('Step 5 of 5');
    // Gone at the next key.
    expect(await ui.press('r')).not.toContain('Saved.');
    ui.unmount();
  });

  it('policy: a corrected but unsaved value is not lost to Esc; a save says Saved.', async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('p');
    await ui.waitFor('Saved: SSLSubscriptionPolicy');
    await ui.press(KEY.down, '300', KEY.enter);
    await ui.waitFor(/more\s+than\s+the\s+maximum/);
    await ui.press(KEY.backspace, KEY.backspace, KEY.backspace, '30');
    const asked = await ui.press(KEY.escape);
    expect(asked).toContain('Discard the changes? y/n');
    expect(asked).toContain('certops · Reissue policy');
    expect(await ui.press('n')).toContain('[30]');
    const saved = await ui.press(KEY.enter);
    expect(saved).toMatch(/^Saved\.$/m);
    expect(workspace.store.read().reissuePolicy.beforeDays).toBe(30);
    // Saved: Esc leaves without a question.
    expect(await ui.press(KEY.escape)).toContain('certops · Dashboard');
    ui.unmount();
  });
});
