/**
 * Manual tasks, kept per department as BILLmanager assigns them ("the department to which tasks
 * from the processing module will be assigned"): what to do, for which certificate, why, and by
 * when. A reissue that a processing module cannot do by itself (a LeaderTelecom multi-domain
 * certificate, a product without a reissue call) becomes one for its module's department.
 *
 * tasks.json in the workspace: validated, written atomically (0600) under a lock, and never
 * overwritten when corrupt (JsonFile). Creation is idempotent by a caller-given key, so a reissue
 * run that replays its journal after a crash finds the task it opened before instead of opening a
 * second one. Tasks are never deleted, only closed: ids stay stable and keys stay unique.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../providers/zod.js';
import { PROVIDER_IDS, type ProviderId } from '../providers/catalog.js';
import { CONTROL_CHARACTERS } from '../rules/control-characters.js';
import { parseDay } from '../rules/calendar.js';
import { JsonFile } from './json-file.js';
import { ConfigError } from './store.js';
import type { TimelineEntry } from './timeline.js';
import type { Workspace } from './workspace.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TASK_ID = /^T-[1-9]\d*$/;
/** Control characters (and bidi overrides) would move the cursor or recolour a terminal that shows the task. */
const CONTROL = CONTROL_CHARACTERS;
export const MAX_NOTE_LENGTH = 500;

const text = (what: string) => z.string().check(z.minLength(1, `${what} must not be empty`));

const taskSchema = z.object({
  id: z.string().check(z.regex(TASK_ID, 'a task id is T- and a number, e.g. T-12')),
  /** The caller's identity of the task (reissue:<moduleId>:<certificateId>:<actionDate>). */
  key: text('the key'),
  department: text('the department'),
  moduleId: z.int().check(z.positive('the module id must be positive')),
  module: text('the module name'),
  provider: z.enum(PROVIDER_IDS as [ProviderId, ...ProviderId[]]),
  certificateId: text('the certificate id'),
  domain: z.string(),
  what: text('what to do'),
  why: text('why'),
  dueDate: z.nullable(z.string().check(z.regex(DAY, 'a due date is YYYY-MM-DD'))),
  createdAt: z.string(),
  closedAt: z.optional(z.string()),
  closedNote: z.optional(z.string()),
});

const tasksFileSchema = z.object({
  version: z._default(z.literal(1), 1),
  /** The number of the next task id: ids are never reused, even across closed tasks. */
  nextId: z._default(z.int().check(z.positive()), 1),
  tasks: z._default(z.array(taskSchema), []),
});

export type ManualTask = z.infer<typeof taskSchema>;
type TasksFile = z.infer<typeof tasksFileSchema>;
export type TaskStatus = 'open' | 'closed';

/** What a caller gives to open a task; `key` makes opening it again a no-op. */
export interface TaskInput {
  readonly key: string;
  readonly department: string;
  readonly moduleId: number;
  readonly module: string;
  readonly provider: ProviderId;
  readonly certificateId: string;
  readonly domain: string;
  readonly what: string;
  readonly why: string;
  /** YYYY-MM-DD: the action date of the timeline entry the task comes from. */
  readonly dueDate: string | null;
}

export interface OpenedTask {
  readonly task: ManualTask;
  /** False when a task with the same key existed already (open or closed): nothing was written. */
  readonly created: boolean;
}

/** Bad input for a task; the message names the field. Nothing was written. */
export class TaskInputError extends Error {
  override readonly name = 'TaskInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export class TaskNotFoundError extends Error {
  override readonly name = 'TaskNotFoundError';
  constructor(readonly id: string) {
    super(`there is no manual task ${id} (certops tasks --status all lists them)`);
  }
}

export class TaskAlreadyClosedError extends Error {
  override readonly name = 'TaskAlreadyClosedError';
  constructor(readonly task: ManualTask) {
    super(`manual task ${task.id} was already closed on ${task.closedAt ?? '?'}${task.closedNote ? ` (note: ${task.closedNote})` : ''}; nothing changed`);
  }
}

const files = new WeakMap<Workspace, JsonFile<TasksFile>>();

/** The workspace's tasks.json (kept here, not in Workspace: only task code needs its schema). */
export function tasksFile(workspace: Workspace): JsonFile<TasksFile> {
  let file = files.get(workspace);
  if (!file) {
    file = new JsonFile(join(workspace.directory, 'tasks.json'), tasksFileSchema, () => z.parse(tasksFileSchema, {}), workspace.lockWaitMs);
    files.set(workspace, file);
  }
  return file;
}

export const taskStatus = (task: ManualTask): TaskStatus => (task.closedAt === undefined ? 'open' : 'closed');

/** `T-12`, `t-12` or `12` as the stored `T-12`; null for anything else. */
export function parseTaskId(text: string): string | null {
  const match = /^(?:[Tt]-)?([1-9]\d{0,8})$/.exec(text.trim());
  return match ? `T-${match[1]}` : null;
}

/** The key of the manual task for a reissue: one per certificate and action date. */
export function reissueTaskKey(moduleId: number, certificateId: string, actionDate: string | null): string {
  return `reissue:${moduleId}:${certificateId}:${actionDate ?? 'none'}`;
}

/** The manual task a timeline entry with the action `manual-task` asks for. */
export function reissueTaskInput(entry: TimelineEntry): TaskInput {
  if (entry.action !== 'manual-task' || entry.department === null) {
    throw new TaskInputError('action', `the timeline entry of ${entry.domain} is "${entry.action}", not a manual task for a department`);
  }
  return {
    key: reissueTaskKey(entry.moduleId, entry.certificateId, entry.actionDate),
    department: entry.department,
    moduleId: entry.moduleId,
    module: entry.module,
    provider: entry.provider,
    certificateId: entry.certificateId,
    domain: entry.domain,
    what: 'reissue the certificate by hand',
    why: entry.reason ?? 'the processing module cannot reissue this certificate by itself',
    dueDate: entry.actionDate,
  };
}

function checkedInput(input: TaskInput): TaskInput {
  const trimmed = { ...input, key: input.key.trim(), department: input.department.trim(), module: input.module.trim(), what: input.what.trim(), why: input.why.trim() };
  for (const field of ['key', 'department', 'module', 'certificateId', 'what', 'why'] as const) {
    if (typeof trimmed[field] !== 'string' || trimmed[field] === '') throw new TaskInputError(field, 'must not be empty');
  }
  if (!Number.isSafeInteger(trimmed.moduleId) || trimmed.moduleId <= 0) throw new TaskInputError('moduleId', `must be a positive whole number (got ${String(trimmed.moduleId)})`);
  if (!(PROVIDER_IDS as readonly string[]).includes(trimmed.provider)) throw new TaskInputError('provider', `must be one of ${PROVIDER_IDS.join(', ')}`);
  if (trimmed.dueDate !== null) {
    const day = parseDay(trimmed.dueDate);
    if (!day.ok) throw new TaskInputError('dueDate', day.error);
  }
  return trimmed;
}

function ensureFolder(workspace: Workspace): void {
  try {
    mkdirSync(workspace.directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    const file = tasksFile(workspace).file;
    throw new ConfigError(file, `the configuration folder ${workspace.directory} cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Opens the manual tasks of `inputs` under one lock (a reissue run may open thousands; one write
 * for all of them). An input whose key is known returns the task made for it before, whatever
 * its status, and changes nothing; two inputs with one key in a batch make one task.
 */
export async function openTasks(workspace: Workspace, inputs: readonly TaskInput[], now: Date = new Date()): Promise<OpenedTask[]> {
  const checked = inputs.map(checkedInput);
  const file = tasksFile(workspace);
  // The replay after a crash: every key is known already. Tasks are never deleted, so what this
  // unlocked read finds stays true, and nothing needs the lock or a write.
  const known = new Map(file.read().tasks.map((task) => [task.key, task]));
  if (checked.every((input) => known.has(input.key))) return checked.map((input) => ({ task: known.get(input.key) as ManualTask, created: false }));
  ensureFolder(workspace);
  return file.update((data) => {
    const byKey = new Map(data.tasks.map((task) => [task.key, task]));
    const tasks = [...data.tasks];
    let nextId = data.nextId;
    const results = checked.map((input): OpenedTask => {
      const existing = byKey.get(input.key);
      if (existing) return { task: existing, created: false };
      const task: ManualTask = {
        id: `T-${nextId}`,
        key: input.key,
        department: input.department,
        moduleId: input.moduleId,
        module: input.module,
        provider: input.provider,
        certificateId: input.certificateId,
        domain: input.domain,
        what: input.what,
        why: input.why,
        dueDate: input.dueDate,
        createdAt: now.toISOString(),
      };
      nextId += 1;
      tasks.push(task);
      byKey.set(task.key, task);
      return { task, created: true };
    });
    return { data: { ...data, nextId, tasks }, result: results };
  });
}

/** Opens one manual task, or returns the one opened before for the same key (see openTasks). */
export async function openTask(workspace: Workspace, input: TaskInput, now: Date = new Date()): Promise<OpenedTask> {
  const [opened] = await openTasks(workspace, [input], now);
  return opened as OpenedTask;
}

export interface TaskFilter {
  /** The department, in any case. */
  readonly department?: string;
  /** A module id, or a module name (any case) as the task recorded it. */
  readonly module?: number | string;
  /** Default: open. */
  readonly status?: TaskStatus | 'all';
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const idNumber = (task: ManualTask) => Number(task.id.slice(2));

/**
 * Open tasks first, the most urgent first (by due date; undated last), then closed ones, the most
 * recently closed first.
 */
export function compareTasks(a: ManualTask, b: ManualTask): number {
  const openA = a.closedAt === undefined;
  const openB = b.closedAt === undefined;
  if (openA !== openB) return openA ? -1 : 1;
  if (!openA) return (b.closedAt ?? '').localeCompare(a.closedAt ?? '') || idNumber(b) - idNumber(a);
  return (a.dueDate ?? '9999-12-31').localeCompare(b.dueDate ?? '9999-12-31') || idNumber(a) - idNumber(b);
}

export function filterTasks(tasks: readonly ManualTask[], filter: TaskFilter = {}): ManualTask[] {
  const status = filter.status ?? 'open';
  const { department, module } = filter;
  return tasks
    .filter(
      (task) =>
        (status === 'all' || taskStatus(task) === status) &&
        (department === undefined || sameText(task.department, department)) &&
        (module === undefined || (typeof module === 'number' ? task.moduleId === module : sameText(task.module, module))),
    )
    .sort(compareTasks);
}

export function listTasks(workspace: Workspace, filter: TaskFilter = {}): ManualTask[] {
  return filterTasks(tasksFile(workspace).read().tasks, filter);
}

/** One task by id (T-12, t-12 or 12), or a TaskNotFoundError. */
export function findTask(workspace: Workspace, id: string): ManualTask {
  const wanted = parseTaskId(id);
  const task = wanted === null ? undefined : tasksFile(workspace).read().tasks.find((t) => t.id === wanted);
  if (!task) throw new TaskNotFoundError(wanted ?? id);
  return task;
}

/** A closing note: trimmed, one line, at most MAX_NOTE_LENGTH characters; empty is no note. */
export function checkNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  const trimmed = note.trim();
  if (trimmed === '') return undefined;
  if (CONTROL.test(trimmed)) throw new TaskInputError('note', 'must be one line of text, without control characters');
  if (trimmed.length > MAX_NOTE_LENGTH) throw new TaskInputError('note', `must be at most ${MAX_NOTE_LENGTH} characters (got ${trimmed.length})`);
  return trimmed;
}

function closed(task: ManualTask, note: string | undefined, now: Date): ManualTask {
  if (task.closedAt !== undefined) throw new TaskAlreadyClosedError(task);
  return { ...task, closedAt: now.toISOString(), ...(note === undefined ? {} : { closedNote: note }) };
}

/**
 * Closes an open task, with an optional note (what was done). An unknown id is a
 * TaskNotFoundError, a closed task a TaskAlreadyClosedError; neither writes anything. `dryRun`
 * returns the task as it would be closed, without the lock or a write.
 */
export async function closeTask(workspace: Workspace, id: string, note?: string, options: { readonly now?: Date; readonly dryRun?: boolean } = {}): Promise<ManualTask> {
  const wanted = parseTaskId(id);
  if (wanted === null) throw new TaskNotFoundError(id);
  const text = checkNote(note);
  const now = options.now ?? new Date();
  const file = tasksFile(workspace);
  const pick = (tasks: readonly ManualTask[]) => {
    const index = tasks.findIndex((task) => task.id === wanted);
    if (index < 0) throw new TaskNotFoundError(wanted);
    return index;
  };
  if (options.dryRun) {
    const tasks = file.read().tasks;
    return closed(tasks[pick(tasks)] as ManualTask, text, now);
  }
  // An unknown or closed task throws inside the change: the lock is released and nothing written.
  return file.update((data) => {
    const index = pick(data.tasks);
    const task = closed(data.tasks[index] as ManualTask, text, now);
    const tasks = data.tasks.slice();
    tasks[index] = task;
    return { data: { ...data, tasks }, result: task };
  });
}

export interface PendingCount {
  readonly department: string;
  readonly open: number;
}

/**
 * Open tasks per department, sorted by department. Departments of the configured modules are
 * listed with 0 when they have none, so a monitoring alert on them clears instead of vanishing.
 */
export function pendingCounts(workspace: Workspace): PendingCount[] {
  return countPending(tasksFile(workspace).read().tasks, workspace.store.read().modules.map((module) => module.parameters.department));
}

/** pendingCounts over tasks already read (tasks.json of a big account takes a moment to read). */
export function countPending(tasks: readonly ManualTask[], moduleDepartments: readonly string[]): PendingCount[] {
  const counts = new Map<string, number>();
  for (const department of moduleDepartments) counts.set(department.trim(), 0);
  for (const task of tasks) {
    if (task.closedAt === undefined) counts.set(task.department, (counts.get(task.department) ?? 0) + 1);
  }
  return [...counts].map(([department, open]) => ({ department, open })).sort((a, b) => a.department.localeCompare(b.department));
}
