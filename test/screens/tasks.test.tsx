import { describe, expect, it } from 'vitest';
import { addModule, type ModuleDraft } from '../../src/core/modules.js';
import { providerModule } from '../../src/providers/registry.js';
import { listTasks, openTasks, type TaskInput } from '../../src/core/tasks.js';
import type { Workspace } from '../../src/core/workspace.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

const task = (n: number, over: Partial<TaskInput> = {}): TaskInput => ({
  key: `reissue:1:LT-${n}:x`,
  department: 'SSL desk',
  moduleId: 1,
  module: 'LeaderTelecom main',
  provider: 'leadertelecom',
  certificateId: `LT-${n}`,
  domain: `shop${n}.example.com`,
  what: 'reissue the certificate by hand',
  why: 'LeaderTelecom does not support automatic reissue of multi-domain certificates',
  dueDate: '2026-12-01',
  ...over,
});

const module = (name: string, department: string): ModuleDraft => ({
  provider: 'leadertelecom',
  parameters: { name, department, sort: 10, minimalBalance: 50 },
  integration: { username: 'billing@example.com', password: 'never-shown' },
  network: {},
});

/** Two modules (SSL desk, Sales) and four tasks: T-1 overdue, T-2 for Sales, T-4 closed. */
async function withTasks(): Promise<Workspace> {
  const workspace = harness.fresh();
  await addModule(workspace, module('LeaderTelecom main', 'SSL desk'), { notVerified: false });
  await addModule(workspace, module('LeaderTelecom shop', 'Sales'), { notVerified: false });
  await openTasks(workspace, [
    task(1, { dueDate: '2026-11-20' }),
    task(2, { department: 'Sales', moduleId: 2, module: 'LeaderTelecom shop', dueDate: '2026-11-25' }),
    task(3, { dueDate: '2026-12-10', domain: 'a-very-long-subdomain-name.of-a-shop.example.com' }),
    task(4),
  ], new Date('2026-11-23T08:00:00Z'));
  const { closeTask } = await import('../../src/core/tasks.js');
  await closeTask(workspace, 'T-4', 'reissued by hand', { now: new Date('2026-11-23T09:00:00Z') });
  return workspace;
}

const rows = (frame: string) => frame.split('\n').filter((line) => /^[ ›]T-\d+ /.test(line));
/** The frame's lines trimmed and joined, for sentences the console wraps. */
const joined = (frame: string) => frame.split('\n').map((line) => line.trim()).join(' ');

describe('console: manual tasks', { timeout: 30_000 }, () => {
  it('shows the open-task count on the dashboard and opens the list with o, the overdue task first', async () => {
    const workspace = await withTasks();
    const ui = await renderConsole(servicesFor(workspace));
    const dashboard = await ui.waitFor('Manual tasks: 3 open (Sales 1, SSL desk 2) · o lists them');
    expect(dashboard).toContain('o tasks');
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    await ui.press('o');
    const list = await ui.waitFor('3 open tasks, 1 overdue');
    expect(list).toContain('certops · Manual tasks');
    expect(rows(list).map((line) => line.slice(1, 4))).toEqual(['T-1', 'T-2', 'T-3']);
    expect(rows(list)[0]).toMatch(/^›T-1 +2026-11-20 ! +SSL desk +Leader\S*….*main +shop1\.example\.com/);
    expect(joined(list)).toContain('T-1: reissue the certificate by hand, shop1.example.com · LeaderTelecom does not support automatic reissue of multi-domain certificates');
    expect(ui.rawFrame().split('\n').filter((line) => line.length > 79)).toEqual([]);
    expect(list).toMatchSnapshot('open tasks at 80x24');
    ui.unmount();
  });

  it('cycles departments with d and open/closed/all with f', async () => {
    const workspace = await withTasks();
    const ui = await renderConsole(servicesFor(workspace), { initial: { id: 'tasks' } });
    await ui.waitFor('3 open tasks');
    const sales = await ui.press('d');
    expect(sales).toContain('1 open task · department: Sales');
    expect(rows(sales)).toHaveLength(1);
    expect(rows(sales)[0]).toContain('T-2');
    const desk = await ui.press('d');
    expect(desk).toContain('2 open tasks, 1 overdue · department: SSL desk');
    const closed = await ui.press('f');
    expect(closed).toContain('1 closed task · department: SSL desk · today');
    expect(rows(closed)[0]).toContain('T-4');
    const all = await ui.press('f', 'd');
    expect(all).toContain('4 tasks (open and closed), 1 overdue · department: all');
    ui.unmount();
  });

  it('shows a task on Enter and closes it only after y, naming it in the question', async () => {
    const workspace = await withTasks();
    const ui = await renderConsole(servicesFor(workspace), { initial: { id: 'tasks' } });
    await ui.waitFor('3 open tasks');
    await ui.press(KEY.enter);
    const view = await ui.waitFor('certops · Manual task');
    expect(view).toContain('T-1 · open, overdue');
    expect(view).toMatch(/Due\s+2026-11-20 \(3 days overdue\)/);
    expect(view).toMatch(/Processing module\s+LeaderTelecom main \(LeaderTelecom, id 1\)/);
    expect(view).toMatchSnapshot('task view');

    await ui.press('c');
    const question = await ui.waitFor('Press y to close it');
    expect(joined(question)).toContain('Close T-1: reissue the certificate by hand, shop1.example.com (LeaderTelecom main, SSL desk)? Press y to close it, any other key keeps it open.');
    expect(question).toContain('y close  any other key keeps it open');
    await ui.press('n');
    await ui.waitFor('T-1 stays open.');
    expect(listTasks(workspace).map((t) => t.id)).toContain('T-1');
    await ui.press('c', 'y');
    await ui.waitFor('Closed T-1 (shop1.example.com).');
    expect(await ui.waitFor('T-1 · closed')).toMatch(/Closed\s+20\d\d-\d\d-\d\d \d\d:\d\d UTC/);
    expect(listTasks(workspace).map((t) => t.id)).toEqual(['T-2', 'T-3']);
    expect(ui.frame()).toMatch(/Due\s+2026-11-20 *$/m);
    // Back on the list (read afresh), the closed task is gone from the open ones.
    await ui.press(KEY.escape);
    const list = await ui.waitFor('2 open tasks');
    expect(rows(list).map((line) => line.slice(1, 4))).toEqual(['T-2', 'T-3']);
    ui.unmount();
  });

  it('comes back from a task to the same filters and row', async () => {
    const workspace = await withTasks();
    const ui = await renderConsole(servicesFor(workspace), { initial: { id: 'tasks' } });
    await ui.waitFor('3 open tasks');
    await ui.press('f', 'f', KEY.down, KEY.down, KEY.enter);
    await ui.waitFor('T-3 · open');
    await ui.press(KEY.escape);
    const back = await ui.waitFor('4 tasks (open and closed)');
    expect(rows(back).find((line) => line.startsWith('›'))).toMatch(/^›T-3 /);
    // A task closed in its view leaves the open list: the cursor stays on its row, now the next task.
    await ui.press('f', KEY.down, KEY.enter);
    await ui.waitFor('T-2 · open');
    await ui.press('c', 'y');
    await ui.waitFor('T-2 · closed');
    await ui.press(KEY.escape);
    const open = await ui.waitFor('2 open tasks');
    expect(rows(open).find((line) => line.startsWith('›'))).toMatch(/^›T-3 /);
    ui.unmount();
  });

  it('closes from the list, and says so when the task is closed already', async () => {
    const workspace = await withTasks();
    const ui = await renderConsole(servicesFor(workspace), { initial: { id: 'tasks' } });
    await ui.waitFor('3 open tasks');
    await ui.press(KEY.down, 'c');
    const question = await ui.waitFor('Press y to close');
    expect(joined(question)).toContain('Close T-2: reissue the certificate by hand, shop2.example.com (LeaderTelecom shop, Sales)?');
    expect(question).toMatchSnapshot('question');
    await ui.press('y');
    await ui.waitFor('Closed T-2 (shop2.example.com).');
    await ui.waitFor('2 open tasks');
    expect(listTasks(workspace, { status: 'closed' }).map((t) => t.id)).toEqual(['T-2', 'T-4']);
    await ui.press('f');
    await ui.waitFor('2 closed tasks');
    await ui.press('c');
    await ui.waitFor(/T-\d was closed on 2026-11-23 already\.|T-2 was closed on \d{4}-\d\d-\d\d already\./);
    ui.unmount();
  });

  it('renders only the visible window of 5 000 tasks, and reaches the last one', async () => {
    const workspace = harness.fresh();
    await addModule(workspace, module('LeaderTelecom main', 'SSL desk'), { notVerified: false });
    await openTasks(workspace, Array.from({ length: 5000 }, (_, i) => task(i + 1, { dueDate: '2027-01-15' })));
    const ui = await renderConsole(servicesFor(workspace), { initial: { id: 'tasks' } });
    const first = await ui.waitFor('5000 open tasks');
    expect(rows(first).length).toBeLessThanOrEqual(14);
    expect(rows(first).length).toBeGreaterThan(10);
    const end = await ui.press(KEY.pageDown, KEY.pageDown, '\u001B[F');
    expect(rows(end).at(-1)).toMatch(/^›T-5000 /);
    ui.unmount();
  });

  it('finds a domain with /, as in less and vim: Enter the first match, n and N the next and previous, Esc cancels', async () => {
    const workspace = harness.fresh();
    await addModule(workspace, module('LeaderTelecom main', 'SSL desk'), { notVerified: false });
    // 2 000 tasks; "portal" in three of them, far apart.
    const portal = new Set([700, 1400, 1900]);
    await openTasks(workspace, Array.from({ length: 2000 }, (_, i) => task(i + 1, { dueDate: '2027-01-15', ...(portal.has(i + 1) ? { domain: `portal${i + 1}.example.org` } : {}) })));
    const ui = await renderConsole(servicesFor(workspace), { initial: { id: 'tasks' } });
    await ui.waitFor('2000 open tasks');
    const selected = (frame: string) => rows(frame).find((line) => line.startsWith('›'));
    // Typed ahead in one chunk (over SSH): the letters after / are the query, not commands.
    const typing = await ui.press('/PORTAL');
    expect(typing).toContain('/PORTAL_');
    expect(typing).toContain('Enter find  Esc cancel');
    const found = await ui.press(KEY.enter);
    expect(selected(found)).toMatch(/^›T-700 .*portal700\.example\.org/);
    expect(found).toContain('/PORTAL: match 1 of 3');
    // Still a window of the list, not 2 000 rows.
    expect(rows(found).length).toBeLessThanOrEqual(14);
    expect(selected(await ui.press('n'))).toMatch(/^›T-1400 /);
    expect(selected(await ui.press('n'))).toMatch(/^›T-1900 /);
    const wrapped = await ui.press('n');
    expect(selected(wrapped)).toMatch(/^›T-700 /);
    expect(wrapped).toContain('match 1 of 3 · from the top again');
    expect(selected(await ui.press('N'))).toMatch(/^›T-1900 /);
    // Esc while typing cancels the search and leaves the cursor; Esc then goes back as usual.
    await ui.press('/', 'q?r');
    const cancelled = await ui.press(KEY.escape);
    expect(selected(cancelled)).toMatch(/^›T-1900 /);
    expect(cancelled).toContain('certops · Manual tasks');
    expect(await ui.press('/', 'nowhere', KEY.enter)).toContain('No domain matches "nowhere"');
    ui.unmount();
  });

  it('says what a manual task is when there is none', async () => {
    const ui = await renderConsole(servicesFor(harness.fresh()), { initial: { id: 'tasks' } });
    expect(await ui.waitFor('No manual task.')).toMatchSnapshot('empty');
    ui.unmount();
  });

  it('says which reissues become tasks in the words of the providers set up, never a fixed example', async () => {
    const flat = (frame: string) => frame.replace(/\s+/g, ' ');
    expect(flat(await (async () => {
      const ui = await renderConsole(servicesFor(harness.fresh()), { initial: { id: 'tasks' } });
      const frame = await ui.waitFor('No manual task.');
      ui.unmount();
      return frame;
    })())).not.toContain('LeaderTelecom');
    const { workspace } = await harness.withModules(['leadertelecom', 'enom']);
    const ui = await renderConsole(servicesFor(workspace), { columns: 120, rows: 30, initial: { id: 'tasks' } });
    const frame = flat(await ui.waitFor('No manual task.'));
    // The provider's own description of what it cannot reissue (providers/leadertelecom, reissue limits).
    const limits = providerModule('leadertelecom').reissueLimits as string;
    expect(frame).toContain(`LeaderTelecom: ${limits}`);
    expect(frame).not.toContain('e.g. a LeaderTelecom multi-domain certificate');
    ui.unmount();
  });
});
