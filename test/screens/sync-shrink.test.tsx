/**
 * Issue 13, item 22 (the console's side): a sync that would lose most of a module's certificates
 * keeps the old list and asks before taking the shorter one, as `certops sync --accept-shrink` does.
 */
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

async function emptied(providers: Parameters<typeof harness.withModules>[0]) {
  const setup = await harness.withModules(providers, 40);
  await syncModules(setup.workspace, setup.modules, setup.workspace.runtime());
  // The first provider answers a well-formed list of none from now on.
  (setup.sandboxes[0] as (typeof setup.sandboxes)[number]).sandbox.faults.add('empty-list');
  const count = (name: string) => {
    const module = setup.modules.find((m) => m.parameters.name === name);
    return setup.workspace.inventory.read().modules[String(module?.id)]?.certificates.length;
  };
  return { ...setup, count };
}

/** The frame's words in one line: the status line wraps at 80 columns. */
const flat = (frame: string) => frame.replace(/\s+/g, ' ');
/** `text` however the status line wraps it. */
const words = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '\\s+'));
const QUESTION = words('Accept the shorter list? y/n');

describe('console: a sync that would lose most of a module\'s certificates (issue 13, item 22)', () => {
  it('dashboard: shows the refusal, asks y/n, and n keeps the 40', async () => {
    const { workspace, sandboxes, count } = await emptied(['enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('s');
    const frame = flat(await ui.waitFor(QUESTION));
    expect(frame).toContain('enom sandbox: the provider listed 0 certificates where 40 were; kept the 40.');
    expect(frame).toContain('y take the shorter list');
    expect(count('enom sandbox')).toBe(40);
    await ui.press('n');
    expect(await ui.waitFor('enom sandbox: kept the 40 certificates.')).not.toContain('y/n');
    expect(count('enom sandbox')).toBe(40);
    expect(Object.values(workspace.inventory.read().failures)[0]).toMatchObject({ cause: 'shrink-refused' });
    ui.unmount();
  }, 20_000);

  it('dashboard: y syncs that module again and takes the shorter list', async () => {
    const { workspace, sandboxes, count } = await emptied(['enom']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('enom sandbox');
    await ui.press('s');
    await ui.waitFor(QUESTION);
    await ui.press('y');
    await ui.waitFor('enom sandbox: took the shorter list, 0 certificates.');
    expect(count('enom sandbox')).toBe(0);
    expect(workspace.inventory.read().failures).toEqual({});
    ui.unmount();
  }, 20_000);

  it('two refused modules: one question each, in turn; y for one, n for the other', async () => {
    const { workspace, sandboxes, count } = await emptied(['enom', 'globalsign']);
    (sandboxes[1] as (typeof sandboxes)[number]).sandbox.faults.add('empty-list');
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('globalsign sandbox');
    await ui.press('s');
    expect(flat(await ui.waitFor(QUESTION))).toContain('enom sandbox: the provider listed 0 certificates where 40 were');
    await ui.press('y');
    const second = flat(await ui.waitFor(words('globalsign sandbox: the provider listed 0')));
    expect(second).toContain('enom sandbox: took the shorter list, 0 certificates.');
    await ui.press('n');
    expect(flat(await ui.waitFor(words('globalsign sandbox: kept the 40 certificates.')))).not.toContain('y/n');
    expect(count('enom sandbox')).toBe(0);
    expect(count('globalsign sandbox')).toBe(40);
    // The module's row says why its list is the old one.
    expect(await ui.waitFor('✗ sync: shrink refused')).toContain('globalsign sandbox');
    ui.unmount();
  }, 20_000);

  it('timeline: asks about each refused module in turn, the others synced', async () => {
    const { workspace, sandboxes, count } = await emptied(['ispmanager', 'globalsign']);
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120, rows: 30 });
    await ui.waitFor('ispmanager sandbox');
    await ui.press('t');
    await ui.waitFor('certificates · action');
    await ui.press('s');
    const frame = flat(await ui.waitFor(QUESTION));
    expect(frame).toContain('ispmanager sandbox: the provider listed 0 certificates where 40 were; kept the 40.');
    // Esc answers no, and does not leave the screen.
    await ui.press(KEY.escape);
    const after = await ui.waitFor('ispmanager sandbox: kept the 40 certificates');
    expect(after).toContain('certops · Reissue timeline');
    expect(after).toContain('Synced 40 certificates from 1 module.');
    expect(count('ispmanager sandbox')).toBe(40);
    expect(count('globalsign sandbox')).toBe(40);
    ui.unmount();
  }, 20_000);
});
