import { describe, expect, it } from 'vitest';
import { editModule } from '../../src/core/modules.js';
import { stopSandboxes } from '../../src/core/sandboxes.js';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const rowOf = (frame: string, text: string) => frame.split('\n').find((line) => line.includes(text)) ?? '';

describe('console: screens keep their state across help and sub-screens', () => {
  it('closing help goes back to the check as it was: results kept, not run again, cursor in place', async () => {
    const { workspace, sandboxes } = await harness.withModules(['globalsign', 'enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('c');
    await ui.waitFor('Checked 2 modules.');
    expect(rowOf(await ui.press(KEY.down), 'enom sandbox')).toMatch(/^›/);
    expect(await ui.press('?')).toContain('r  run again');
    const back = await ui.press(KEY.escape);
    // A check started afresh would first say "Checking: 0 of 2 answered…".
    expect(back).toContain('Checked 2 modules.');
    expect(rowOf(back, 'enom sandbox')).toMatch(/^›/);
    ui.unmount();
  });

  it('the timeline keeps its filters, grouping and row after a reissue run', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['enom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    await ui.press('f', 'w', KEY.down, KEY.down);
    const before = await ui.waitFor('by week');
    const state = before.match(/action: \S+ · module: \S+ · by week/)?.[0];
    expect(state).toBeDefined();
    const selected = before.split('\n').find((line) => line.startsWith('›'));
    await ui.press('r');
    await ui.waitFor('Nothing has been sent yet');
    await ui.press(KEY.escape);
    // Back on the timeline, which reads the inventory again (the run may have changed it).
    const after = await ui.waitFor(state as string);
    expect(after).toContain(state);
    expect(after.split('\n').find((line) => line.startsWith('›'))).toBe(selected);
    ui.unmount();
  });

  it('the modules list keeps its cursor after viewing a module; a fresh list starts at the top', async () => {
    const { workspace, sandboxes } = await harness.withModules(['globalsign', 'enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('m');
    await ui.waitFor('Processing modules');
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor('••••');
    expect(rowOf(await ui.press(KEY.escape), 'enom sandbox')).toMatch(/^›/);
    // Back to the dashboard and in again: a new visit, a new cursor.
    await ui.press(KEY.escape);
    await ui.waitFor('Due:');
    expect(rowOf(await ui.press('m'), 'globalsign sandbox')).toMatch(/^›/);
    ui.unmount();
  });

  it('marks the chosen log with › too: without colour, inverse shows nothing', async () => {
    const { workspace, sandboxes } = await harness.withModules(['globalsign', 'enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('l');
    const frame = await ui.waitFor('pmglobalsign ');
    expect(rowOf(frame, 'pmleadertelecom ').startsWith('›')).toBe(true);
    expect(frame.split('\n').filter((line) => line.startsWith('›'))).toHaveLength(1);
    ui.unmount();
  });

  it("the edit wizard's step line: a long module name whole on the line under it, not cut", async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager']);
    await editModule(workspace, 'ispmanager sandbox', { parameters: { name: 'Ispmanager (SSL) main billing of the hosting company' } });
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('Due:');
    await ui.press('m');
    await ui.waitFor('Processing modules');
    await ui.press(KEY.enter);
    await ui.waitFor('Integration settings');
    await ui.press('e');
    const frame = await ui.waitFor('Step 3 of 5');
    const lines = frame.split('\n');
    const step = lines.findIndex((line) => line.startsWith('Step 3 of 5'));
    expect(lines[step]).toBe('Step 3 of 5 · Integration settings');
    expect(lines[step + 1]).toBe('  Ispmanager (SSL) · Ispmanager (SSL) main billing of the hosting company');
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    ui.unmount();
  });

  it('keeps the space after each step\'s bullet when the step wraps', async () => {
    const { workspace, sandboxes } = await harness.withModules(['leadertelecom']);
    // The sandbox stops: the check is refused, and the first step is longer than a line.
    await stopSandboxes(sandboxes);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('Due:');
    await ui.press('c');
    const frame = await ui.waitFor('Checked 1 module: 0 ok, 1 failed.');
    const bullets = frame.split('\n').filter((line) => line.includes('•'));
    expect(bullets.length).toBeGreaterThan(0);
    for (const line of bullets) expect(line).toMatch(/^ {2}• \S/);
    ui.unmount();
  });
});

describe('console: what the tmux trials found', () => {
  const footerOf = (frame: string) => frame.split('\n').at(-1) ?? '';

  it('the footer follows the focus: no "? help  q quit" in a text field, back on a checkbox', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('Due:');
    // GlobalSign (third provider): Username, Password, Demo (a checkbox), IP address…
    await ui.press('a', KEY.enter, KEY.down, KEY.down, KEY.enter);
    const onUsername = await ui.waitFor('Integration settings — GlobalSign');
    expect(footerOf(onUsername)).not.toContain('? help');
    const onDemo = await ui.press(KEY.tab, KEY.tab);
    expect(onDemo).toMatch(/› Demo/);
    expect(footerOf(onDemo)).toContain('? help  q quit');
    expect(footerOf(await ui.press(KEY.tab))).not.toContain('? help');
    ui.unmount();
  });

  it('a balance that cannot be queried keeps its row within the frame', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign']);
    await stopSandboxes(sandboxes.filter((s) => s.provider === 'enom'));
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('Due:');
    await ui.press('b');
    await ui.waitFor('Balances as of');
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    expect(ui.frame().split('\n').find((line) => line.includes('enom sandbox'))).toMatch(/connection ref/);
    ui.unmount();
  });
});
