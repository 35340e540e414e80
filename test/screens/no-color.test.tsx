/**
 * NO_COLOR: the selection is seen without colour on every screen with a cursor. Tests render with
 * colours off (test/setup.ts), so each frame here is what NO_COLOR shows: exactly one line carries
 * the cursor mark ›, on the row the cursor is on, also where the row has a status mark (! overdue,
 * ! stuck, ✗ failed), which never takes the cursor's place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, renderConsole, servicesFor, type ConsoleDriver } from '../helpers/console.js';
import type { TestTlsServer } from '../helpers/tls-server.js';
import { workspaceHarness } from '../helpers/workspace.js';
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

const marked = (frame: string) => frame.split('\n').filter((line) => line.startsWith('›'));

/** Moves the cursor down `steps` times; every frame has one marked line, and the mark moves. Returns the marked lines. */
async function sweep(ui: ConsoleDriver, steps: number, key: string = KEY.down): Promise<string[]> {
  const seen: string[] = [];
  for (let step = 0; step <= steps; step += 1) {
    const frame = step === 0 ? ui.frame() : await ui.press(key);
    const lines = marked(frame);
    expect(lines, frame).toHaveLength(1);
    seen.push(lines[0] as string);
  }
  expect(new Set(seen).size).toBeGreaterThan(1);
  return seen;
}

describe('console: the selection without colour (NO_COLOR)', { timeout: 90_000 }, () => {
  it('shows › on the selected row of every list, status marks or not', async () => {
    const ui = await renderConsole(servicesFor(fx.workspace, fx.sandboxes, fx.today));
    await ui.waitFor('Reissues in flight: ');
    // Dashboard.
    await sweep(ui, 1);
    // Processing modules.
    await ui.press('m');
    await ui.waitFor('certops · Processing modules');
    await sweep(ui, 1);
    await ui.press(KEY.escape);
    // The timeline: overdue (!) rows, and stuck ones under i (stage: under way).
    await ui.press('t');
    await ui.waitFor(/today \d{4}-\d\d-\d\d/);
    await ui.press(KEY.home);
    expect((await sweep(ui, 40)).some((line) => line.startsWith('›!'))).toBe(true);
    await ui.press('i');
    await ui.press(KEY.home);
    expect((await sweep(ui, 20)).some((line) => line.startsWith('›!'))).toBe(true);
    await ui.press(KEY.escape);
    // Reissues in flight: stuck ones have !.
    await ui.press('i');
    await ui.waitFor(/\d+ in flight, \d+ stuck/);
    expect((await sweep(ui, 16)).some((line) => line.startsWith('›!'))).toBe(true);
    await ui.press(KEY.escape);
    // Manual tasks.
    await ui.press('o');
    await ui.waitFor(/open tasks?/);
    await sweep(ui, 3);
    await ui.press(KEY.escape);
    // Policy fields.
    await ui.press('p');
    await ui.waitFor('certops · Reissue policy');
    await sweep(ui, 1, KEY.tab);
    await ui.press(KEY.escape);
    // Logs.
    await ui.press('l');
    await ui.waitFor('pmleadertelecom');
    await sweep(ui, 2);
    await ui.press(KEY.escape);
    // Wizard: the provider select (after the product step).
    await ui.press('a');
    await ui.waitFor('Step 1 of 5');
    await ui.press(KEY.enter);
    await ui.waitFor('Step 2 of 5');
    await sweep(ui, 2);
    ui.unmount();
  });

  it('shows › on the selected module of a connection check, failed (✗) or not', async () => {
    const ui = await renderConsole(servicesFor(fx.workspace, fx.sandboxes, fx.today));
    await ui.waitFor('Reissues in flight: ');
    await ui.press('c');
    await ui.waitFor(/Checked 2 modules/);
    await sweep(ui, 1);
    ui.unmount();
  });
});
