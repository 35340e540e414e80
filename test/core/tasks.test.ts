import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addModule, type ModuleDraft } from '../../src/core/modules.js';
import { ConfigError } from '../../src/core/store.js';
import { syncModules } from '../../src/core/sync.js';
import {
  closeTask,
  findTask,
  listTasks,
  openTask,
  openTasks,
  parseTaskId,
  pendingCounts,
  reissueTaskInput,
  reissueTaskKey,
  TaskAlreadyClosedError,
  TaskInputError,
  TaskNotFoundError,
  tasksFile,
  type TaskInput,
} from '../../src/core/tasks.js';
import { buildTimeline } from '../../src/core/timeline.js';
import { Workspace } from '../../src/core/workspace.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

const input = (over: Partial<TaskInput> = {}): TaskInput => ({
  key: reissueTaskKey(1, 'LT-100', '2026-12-01'),
  department: 'SSL desk',
  moduleId: 1,
  module: 'LeaderTelecom main',
  provider: 'leadertelecom',
  certificateId: 'LT-100',
  domain: 'shop.example.com',
  what: 'reissue the certificate by hand',
  why: 'LeaderTelecom does not support automatic reissue of multi-domain certificates',
  dueDate: '2026-12-01',
  ...over,
});

const draft = (name: string, department: string): ModuleDraft => ({
  provider: 'globalsign',
  parameters: { name, department, sort: 10, minimalBalance: 50 },
  integration: { username: 'PAR90001_billing', password: 'pa55', demo: true },
  network: {},
});

const bytes = (workspace: Workspace) => readFileSync(tasksFile(workspace).file, 'utf8');

describe('manual tasks (core)', () => {
  it('opens a task with a short stable id in an owner-only file, and the same key again returns it without a write', async () => {
    const workspace = harness.fresh();
    const now = new Date('2026-11-23T08:00:00Z');
    const first = await openTask(workspace, input(), now);
    expect(first.created).toBe(true);
    expect(first.task).toEqual({ ...input(), id: 'T-1', createdAt: '2026-11-23T08:00:00.000Z' });
    expect(statSync(tasksFile(workspace).file).mode & 0o777).toBe(0o600);
    const before = bytes(workspace);
    const mtime = statSync(tasksFile(workspace).file).mtimeMs;

    // A crashed reissue run replays its journal: same key, even with other words, same task.
    const again = await openTask(workspace, input({ why: 'another wording', dueDate: '2026-12-02' }), new Date('2026-11-24T00:00:00Z'));
    expect(again).toEqual({ task: first.task, created: false });
    expect(bytes(workspace)).toBe(before);
    expect(statSync(tasksFile(workspace).file).mtimeMs).toBe(mtime);

    const second = await openTask(workspace, input({ key: reissueTaskKey(1, 'LT-101', '2026-12-05'), certificateId: 'LT-101' }));
    expect(second.task.id).toBe('T-2');
    expect(listTasks(workspace).map((t) => t.id)).toEqual(['T-1', 'T-2']);
  });

  it('makes one task per key when two writers open the same key at once', async () => {
    const directory = harness.fresh().directory;
    for (let round = 0; round < 5; round += 1) {
      const key = `reissue:1:LT-${round}:2026-12-01`;
      const results = await Promise.all([openTask(new Workspace(directory), input({ key })), openTask(new Workspace(directory), input({ key }))]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(results[0]?.task.id).toBe(results[1]?.task.id);
    }
    expect(listTasks(new Workspace(directory)).map((t) => t.id)).toEqual(['T-1', 'T-2', 'T-3', 'T-4', 'T-5']);
  });

  it('opens a batch under one write, one task per key, and keeps a closed task for its key', async () => {
    const workspace = harness.fresh();
    const keys = ['a', 'b', 'a', 'c'].map((k) => input({ key: `reissue:1:${k}:2026-12-01`, certificateId: k }));
    const opened = await openTasks(workspace, keys);
    expect(opened.map((o) => [o.task.id, o.created])).toEqual([
      ['T-1', true],
      ['T-2', true],
      ['T-1', false],
      ['T-3', true],
    ]);
    await closeTask(workspace, 'T-2', 'done by hand');
    const replay = await openTasks(workspace, keys.slice(0, 2));
    expect(replay.map((o) => [o.task.id, o.created, o.task.closedNote])).toEqual([
      ['T-1', false, undefined],
      ['T-2', false, 'done by hand'],
    ]);
    // Ids are never reused: the next new key gets T-4.
    expect((await openTask(workspace, input({ key: 'reissue:1:d:2026-12-01' }))).task.id).toBe('T-4');
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const workspace = harness.fresh();
    await expect(openTask(workspace, input({ department: '  ' }))).rejects.toThrow(new TaskInputError('department', 'must not be empty'));
    await expect(openTask(workspace, input({ key: '' }))).rejects.toThrow(/^key: must not be empty$/);
    await expect(openTask(workspace, input({ dueDate: '2026-02-30' }))).rejects.toThrow(/^dueDate: 2026-02-30 is not a calendar date$/);
    await expect(openTask(workspace, input({ moduleId: 0 }))).rejects.toThrow(/^moduleId: must be a positive whole number/);
    expect(existsSync(tasksFile(workspace).file)).toBe(false);
  });

  it('lists by department, module and status, the most urgent open task first', async () => {
    const workspace = harness.fresh();
    await openTasks(workspace, [
      input({ key: 'k1', dueDate: '2026-12-10', department: 'SSL desk' }),
      input({ key: 'k2', dueDate: '2026-12-01', department: 'Sales', moduleId: 2, module: 'eNom main', provider: 'enom' }),
      input({ key: 'k3', dueDate: null, department: 'SSL desk' }),
      input({ key: 'k4', dueDate: '2026-11-30', department: 'ssl DESK' }),
    ]);
    await closeTask(workspace, 'T-4', undefined, { now: new Date('2026-11-23T10:00:00Z') });
    await closeTask(workspace, 't-1', 'reissued', { now: new Date('2026-11-23T11:00:00Z') });
    const ids = (filter: Parameters<typeof listTasks>[1]) => listTasks(workspace, filter).map((t) => t.id);
    expect(ids({})).toEqual(['T-2', 'T-3']);
    expect(ids({ department: 'ssl desk' })).toEqual(['T-3']);
    expect(ids({ department: 'ssl desk', status: 'all' })).toEqual(['T-3', 'T-1', 'T-4']);
    expect(ids({ status: 'closed' })).toEqual(['T-1', 'T-4']);
    expect(ids({ module: 2 })).toEqual(['T-2']);
    expect(ids({ module: 'ENOM MAIN' })).toEqual(['T-2']);
    expect(ids({ module: 'nothing' })).toEqual([]);
    expect(findTask(workspace, '3').id).toBe('T-3');
  });

  it('closes a task once: a second close and an unknown id are clear errors that change nothing', async () => {
    const workspace = harness.fresh();
    await openTask(workspace, input());
    const dry = await closeTask(workspace, 'T-1', 'would do', { dryRun: true, now: new Date('2026-11-23T09:00:00Z') });
    expect(dry).toMatchObject({ id: 'T-1', closedAt: '2026-11-23T09:00:00.000Z', closedNote: 'would do' });
    expect(listTasks(workspace).map((t) => t.id)).toEqual(['T-1']);

    const closed = await closeTask(workspace, 'T-1', '  reissued in the LeaderSSL client area ', { now: new Date('2026-11-23T10:00:00Z') });
    expect(closed).toMatchObject({ closedAt: '2026-11-23T10:00:00.000Z', closedNote: 'reissued in the LeaderSSL client area' });
    const after = bytes(workspace);
    await expect(closeTask(workspace, 'T-1', 'again')).rejects.toThrow(TaskAlreadyClosedError);
    await expect(closeTask(workspace, 'T-1')).rejects.toThrow('manual task T-1 was already closed on 2026-11-23T10:00:00.000Z (note: reissued in the LeaderSSL client area); nothing changed');
    await expect(closeTask(workspace, 'T-9')).rejects.toThrow(new TaskNotFoundError('T-9'));
    await expect(closeTask(workspace, 'nine')).rejects.toThrow(TaskNotFoundError);
    await expect(closeTask(workspace, 'T-1', 'line one\nline two')).rejects.toThrow(TaskInputError);
    await expect(closeTask(workspace, 'T-1', 'x'.repeat(501))).rejects.toThrow('note: must be at most 500 characters (got 501)');
    expect(bytes(workspace)).toBe(after);
    expect(existsSync(`${tasksFile(workspace).file}.lock`)).toBe(false);
  });

  it('reads ids as T-12, t-12 or 12 and nothing else', () => {
    expect(['T-12', 't-12', ' 12 ', 'T-0', 'T12', '12a', '-1', ''].map(parseTaskId)).toEqual(['T-12', 'T-12', 'T-12', null, null, null, null, null]);
  });

  it('refuses a corrupt or invalid tasks.json, names it, and never overwrites it', async () => {
    const workspace = harness.fresh();
    await openTask(workspace, input());
    const file = tasksFile(workspace).file;
    writeFileSync(file, '{"tasks": [');
    expect(() => listTasks(workspace)).toThrow(ConfigError);
    expect(() => listTasks(workspace)).toThrow(`${file} is not valid JSON`);
    await expect(openTask(workspace, input({ key: 'other' }))).rejects.toThrow(ConfigError);
    await expect(closeTask(workspace, 'T-1')).rejects.toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('{"tasks": [');
    writeFileSync(file, JSON.stringify({ version: 1, nextId: 2, tasks: [{ ...input(), id: 'TASK-1', createdAt: 'x' }] }));
    expect(() => listTasks(workspace)).toThrow(`${file} is not valid: tasks.0.id: a task id is T- and a number, e.g. T-12`);
  });

  it('counts open tasks per department, listing the departments of the modules with 0', async () => {
    const workspace = harness.fresh();
    await addModule(workspace, draft('GlobalSign main', 'Web'), { notVerified: false });
    await addModule(workspace, draft('GlobalSign backup', 'SSL desk'), { notVerified: false });
    expect(pendingCounts(workspace)).toEqual([
      { department: 'SSL desk', open: 0 },
      { department: 'Web', open: 0 },
    ]);
    await openTasks(workspace, [input({ key: 'a' }), input({ key: 'b' }), input({ key: 'c', department: 'Night shift' })]);
    await closeTask(workspace, 'T-2');
    expect(pendingCounts(workspace)).toEqual([
      { department: 'Night shift', open: 1 },
      { department: 'SSL desk', open: 1 },
      { department: 'Web', open: 0 },
    ]);
  });

  it("turns the timeline's manual tasks into tasks for the module's department, once", { timeout: 30_000 }, async () => {
    const { workspace, modules } = await harness.withModules(['leadertelecom'], 80);
    await syncModules(workspace, modules, workspace.runtime());
    const entries = buildTimeline(workspace, TODAY).entries.filter((e) => e.action === 'manual-task');
    expect(entries.length).toBeGreaterThan(0);
    const opened = await openTasks(workspace, entries.map(reissueTaskInput));
    expect(opened.every((o) => o.created)).toBe(true);
    const [task] = listTasks(workspace);
    const entry = entries.find((e) => e.certificateId === task?.certificateId);
    expect(entry?.reason).toBeTruthy();
    expect(task).toMatchObject({ department: 'SSL desk', module: 'leadertelecom sandbox', provider: 'leadertelecom', domain: entry?.domain, why: entry?.reason, dueDate: entry?.actionDate });
    expect(task?.key).toBe(reissueTaskKey(task?.moduleId ?? 0, task?.certificateId ?? '', task?.dueDate ?? null));
    const replay = await openTasks(workspace, buildTimeline(workspace, TODAY).entries.filter((e) => e.action === 'manual-task').map(reissueTaskInput));
    expect(replay.some((o) => o.created)).toBe(false);
    expect(pendingCounts(workspace)).toEqual([{ department: 'SSL desk', open: entries.length }]);
    const reissue = buildTimeline(workspace, TODAY).entries.find((e) => e.action !== 'manual-task');
    if (reissue) expect(() => reissueTaskInput(reissue)).toThrow(TaskInputError);
  });

  it('keeps tasks.json beside the configuration', () => {
    const workspace = harness.fresh();
    expect(tasksFile(workspace).file).toBe(join(workspace.directory, 'tasks.json'));
    expect(tasksFile(workspace)).toBe(tasksFile(workspace));
  });
});
