/**
 * A resized terminal gets a console laid out for its new size at once, not at the next key: Ink
 * lays its last frame out again, but the screens' columns come from the App's render.
 */
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/screens/app.js';
import { servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('console: resize', () => {
  it('lays the screen out again for the new width and height when the terminal is resized', async () => {
    const ui = render(<App services={servicesFor(harness.fresh())} />);
    const stdout = ui.stdout as unknown as { columns: number; rows: number; emit(event: string): boolean };
    let size = { columns: 160, rows: 45 };
    Object.defineProperty(stdout, 'columns', { get: () => size.columns });
    Object.defineProperty(stdout, 'rows', { get: () => size.rows });
    stdout.emit('resize');
    await tick();
    const widest = () => Math.max(...(ui.lastFrame() ?? '').split('\n').map((line) => stringWidth(line)));
    const height = () => (ui.lastFrame() ?? '').split('\n').length;
    expect(widest()).toBe(159);
    expect(height()).toBe(44);
    size = { columns: 80, rows: 24 };
    stdout.emit('resize');
    await tick();
    expect(widest()).toBe(79);
    expect(height()).toBe(23);
    ui.unmount();
  });

  it('below 80x24 says what it needs instead of wrapping the screen, and comes back as it was when the terminal grows', async () => {
    const ui = render(<App services={servicesFor(harness.fresh())} initial={{ id: 'wizard' }} />);
    const stdout = ui.stdout as unknown as { columns: number; rows: number; emit(event: string): boolean };
    let size = { columns: 100, rows: 30 };
    Object.defineProperty(stdout, 'columns', { get: () => size.columns });
    Object.defineProperty(stdout, 'rows', { get: () => size.rows });
    stdout.emit('resize');
    await tick();
    // The wizard's first step, then its second (Enter): what must survive the small terminal.
    ui.stdin.write('\r');
    await tick();
    const before = ui.lastFrame() ?? '';
    expect(before).toContain('Step 2 of 5');
    size = { columns: 60, rows: 18 };
    stdout.emit('resize');
    await tick();
    const small = ui.lastFrame() ?? '';
    expect(small).toContain('certops needs at least 80x24; this terminal is 60x18');
    expect(small).not.toContain('Step 2 of 5');
    expect(Math.max(...small.split('\n').map((line) => stringWidth(line)))).toBeLessThan(60);
    expect(small.split('\n').length).toBeLessThan(18);
    // Keys do nothing the operator cannot see (Esc would leave the wizard).
    ui.stdin.write('\u001B');
    await tick();
    ui.stdin.write('j');
    await tick();
    size = { columns: 79, rows: 40 };
    stdout.emit('resize');
    await tick();
    expect(ui.lastFrame()).toContain('this terminal is 79x40');
    size = { columns: 100, rows: 30 };
    stdout.emit('resize');
    await tick();
    expect(ui.lastFrame()).toBe(before);
    ui.unmount();
  });
});
