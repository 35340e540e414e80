import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addModule, type ModuleDraft } from '../../src/core/modules.js';
import { openTasks, tasksFile, type TaskInput } from '../../src/core/tasks.js';
import type { Workspace } from '../../src/core/workspace.js';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

const task = (n: number, over: Partial<TaskInput> = {}): TaskInput => ({
  key: `reissue:1:LT-${n}:2026-12-0${n}`,
  department: 'SSL desk',
  moduleId: 1,
  module: 'LeaderTelecom main',
  provider: 'leadertelecom',
  certificateId: `LT-${n}`,
  domain: `shop${n}.example.com`,
  what: 'reissue the certificate by hand',
  why: 'LeaderTelecom does not support automatic reissue of multi-domain certificates',
  dueDate: `2026-12-0${n}`,
  ...over,
});

const module = (name: string, department: string): ModuleDraft => ({
  provider: 'leadertelecom',
  parameters: { name, department, sort: 10, minimalBalance: 50 },
  integration: { username: 'billing@example.com', password: 'never-shown' },
  network: {},
});

/** A workspace with two modules (SSL desk, Sales) and three tasks; T-2 is for Sales. */
async function withTasks(): Promise<{ workspace: Workspace; args: string[] }> {
  const workspace = harness.fresh();
  await addModule(workspace, module('LeaderTelecom main', 'SSL desk'), { notVerified: false });
  await addModule(workspace, module('LeaderTelecom shop', 'Sales'), { notVerified: false });
  await openTasks(workspace, [task(3), task(1, { department: 'Sales', moduleId: 2, module: 'LeaderTelecom shop', domain: 'evil\u001B[2J.example.com' }), task(2)]);
  return { workspace, args: ['--config-dir', workspace.directory] };
}

const fileText = (workspace: Workspace) => readFileSync(tasksFile(workspace).file, 'utf8');

describe('certops tasks', () => {
  it('lists open tasks as a table, the most urgent first, with the count per department', async () => {
    const { args } = await withTasks();
    const run = await runMain(['tasks', ...args]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Task\s+Due\s+Department\s+Module\s+Domain\s+Certificate\s+What\s+Why$/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s{2,}/).slice(0, 5))).toEqual([
      ['T-2', '2026-12-01', 'Sales', 'LeaderTelecom shop', 'evil?[2J.example.com'],
      ['T-3', '2026-12-02', 'SSL desk', 'LeaderTelecom main', 'shop2.example.com'],
      ['T-1', '2026-12-03', 'SSL desk', 'LeaderTelecom main', 'shop3.example.com'],
    ]);
    expect(run.stdout).not.toContain('\u001B');
    expect(run.stdout.endsWith('\nOpen manual tasks: 3 (Sales 1, SSL desk 2).\n')).toBe(true);
    expect((await runMain(['tasks', 'list', ...args])).stdout).toBe(run.stdout);
  });

  it('filters by department and module in any case, and prints the documented JSON', async () => {
    const { args } = await withTasks();
    const run = await runMain(['tasks', '--department', 'ssl DESK', '--module', 'leadertelecom MAIN', '--json', ...args]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.status).toBe('open');
    expect(json.department).toBe('ssl DESK');
    expect(json.tasks.map((t: { id: string }) => t.id)).toEqual(['T-3', 'T-1']);
    expect(json.tasks[0]).toEqual({
      id: 'T-3',
      key: 'reissue:1:LT-2:2026-12-02',
      status: 'open',
      department: 'SSL desk',
      moduleId: 1,
      module: 'LeaderTelecom main',
      provider: 'leadertelecom',
      certificateId: 'LT-2',
      domain: 'shop2.example.com',
      what: 'reissue the certificate by hand',
      why: 'LeaderTelecom does not support automatic reissue of multi-domain certificates',
      dueDate: '2026-12-02',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      closedAt: null,
      closedNote: null,
    });
    expect(json.pending).toEqual([
      { department: 'Sales', open: 1 },
      { department: 'SSL desk', open: 2 },
    ]);
    expect(JSON.parse((await runMain(['tasks', '--module', 'LeaderTelecom shop', '--json', ...args])).stdout).tasks.map((t: { id: string }) => t.id)).toEqual(['T-2']);
    expect(run.stdout).not.toContain('never-shown');
  });

  it('closes a task with a note, shows it among the closed ones, and refuses a second close with exit 1', async () => {
    const { workspace, args } = await withTasks();
    const close = await runMain(['tasks', 'close', 'T-3', '--note', 'reissued in the LeaderSSL client area', ...args]);
    expect(close.code, close.stderr).toBe(0);
    expect(close.stdout).toBe('Closed T-3: reissue the certificate by hand, shop2.example.com (LeaderTelecom main, SSL desk); note: reissued in the LeaderSSL client area.\n');
    const closed = JSON.parse((await runMain(['tasks', '--status', 'closed', '--json', ...args])).stdout);
    expect(closed.tasks).toHaveLength(1);
    expect(closed.tasks[0]).toMatchObject({ id: 'T-3', status: 'closed', closedNote: 'reissued in the LeaderSSL client area', closedAt: expect.stringMatching(/T/) });
    const table = await runMain(['tasks', '--status', 'all', ...args]);
    expect(table.stdout.split('\n')[0]).toMatch(/^Task\s+Due\s+Status\s+Department.*Why\s+Note$/);
    expect(table.stdout).toMatch(/T-3\s+2026-12-02\s+closed \d{4}-\d\d-\d\d\s+SSL desk/);

    const before = fileText(workspace);
    const again = await runMain(['tasks', 'close', '3', '--json', ...args]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^certops tasks: manual task T-3 was already closed on \d{4}-.*\(note: reissued in the LeaderSSL client area\); nothing changed\n$/);
    expect(fileText(workspace)).toBe(before);
  });

  it('--dry-run shows the task as it would be closed and changes nothing', async () => {
    const { workspace, args } = await withTasks();
    const before = fileText(workspace);
    const run = await runMain(['tasks', 'close', 't-1', '--dry-run', '--json', ...args]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, task: { id: 'T-1', status: 'closed', closedNote: null } });
    expect((await runMain(['tasks', 'close', 'T-1', '--dry-run', ...args])).stdout).toBe('Would close T-1: reissue the certificate by hand, shop3.example.com (LeaderTelecom main, SSL desk). Dry run: nothing changed.\n');
    expect(fileText(workspace)).toBe(before);
  });

  it.each([
    ['an unknown status', ['tasks', '--status', 'done'], /--status: must be one of open, closed, all \(got "done"\)/],
    ['an unknown department', ['tasks', '--department', 'Billing'], /--department: no processing module or manual task has the department "Billing" \(there are: "Sales", "SSL desk"\)/],
    ['an unknown module', ['tasks', '--module', 'GlobalSign'], /GlobalSign/],
    ['a note on list', ['tasks', 'list', '--note', 'x'], /--note is for certops tasks close, not list/],
    ['a filter on close', ['tasks', 'close', 'T-1', '--department', 'Sales'], /--department is for certops tasks list, not close/],
    ['close without an id', ['tasks', 'close'], /close needs the id of a task/],
    ['close with a bad id', ['tasks', 'close', 'task-one'], /"task-one" is not a task id: a task id is T- and a number, e.g. T-12/],
    ['close of an unknown task', ['tasks', 'close', 'T-99'], /there is no manual task T-99/],
    ['a note over two lines', ['tasks', 'close', 'T-1', '--note', 'a\nb'], /--note: must be one line of text/],
    ['an unknown subcommand', ['tasks', 'open'], /unknown subcommand "open" \(list or close\)/],
    ['an unknown flag', ['tasks', '--colour'], /unknown flag --colour/],
  ])('exits 2 on %s, names the flag and the rule, and changes nothing', async (_what, command, message) => {
    const { workspace, args } = await withTasks();
    const before = fileText(workspace);
    const run = await runMain([...command, ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(fileText(workspace)).toBe(before);
    expect(existsSync(`${tasksFile(workspace).file}.lock`)).toBe(false);
  });

  it('exits 3 on a corrupt tasks.json, naming it, and leaves it as it is', async () => {
    const { workspace, args } = await withTasks();
    writeFileSync(tasksFile(workspace).file, '{"tasks": [');
    for (const command of [['tasks'], ['tasks', 'close', 'T-1']]) {
      const run = await runMain([...command, ...args]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`${join(workspace.directory, 'tasks.json')} is not valid JSON`);
    }
    expect(fileText(workspace)).toBe('{"tasks": [');
  });

  it('says so when there is no task yet', async () => {
    const workspace = harness.fresh();
    const run = await runMain(['tasks', '--config-dir', workspace.directory]);
    // A note, not data: stdout stays empty (README, "Output").
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'No manual task yet.\n' });
    expect(JSON.parse((await runMain(['tasks', '--json', '--config-dir', workspace.directory])).stdout)).toEqual({ status: 'open', department: null, module: null, tasks: [], pending: [] });
    expect((await runMain(['tasks', '--help'])).stdout).toContain('certops tasks close <id> [--note TEXT] [--dry-run]');
  });
});
