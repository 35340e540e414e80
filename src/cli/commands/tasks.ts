/**
 * `certops tasks`: the manual tasks of the departments (what, which certificate, why, when),
 * listed and filtered, and closed with a note. Opening tasks is the reissue run's business.
 */
import { findModule, listModules, ModuleNotFoundError } from '../../core/modules.js';
import {
  checkNote,
  closeTask,
  countPending,
  filterTasks,
  parseTaskId,
  TaskAlreadyClosedError,
  TaskInputError,
  TaskNotFoundError,
  taskStatus,
  tasksFile,
  type ManualTask,
  type TaskFilter,
} from '../../core/tasks.js';
import { didYouMean, parseFlags } from '../args.js';
import { reissueLimitsHelp } from '../labels.js';
import { openWorkspace, printJson, WAIT_FLAG, WAIT_HELP, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { printable, quoted } from '../../rules/control-characters.js';

export const summary = 'manual tasks per department: list, filter, close';

const STATUSES = ['open', 'closed', 'all'] as const;
type Status = (typeof STATUSES)[number];

export const help = `Usage: certops tasks [list] [--department NAME] [--module NAME] [--status open|closed|all] [options]
       certops tasks close <id> [--note TEXT] [--dry-run] [options]

Manual tasks are kept per department, the department of the processing module they come
from: what to do, for which certificate, why, and by when. A reissue that a module cannot do
by itself becomes a manual task for the module's department:
${reissueLimitsHelp(2)}

list (the default) shows open tasks, the most urgent first:
  --department NAME    only this department (any case)
  --module NAME        only tasks of this processing module (any case)
  --status S           open (default), closed (most recently closed first) or all

close <id> closes an open task (id as listed: T-12, or 12):
  --note TEXT          what was done, one line, at most 500 characters
  --dry-run            show the task as it would be closed; change nothing
${WAIT_HELP}

${WORKSPACE_HELP}

JSON: list {"status", "department", "module", "tasks": [TASK], "pending": [{"department",
"open"}]}; close {"dryRun", "task": TASK}; TASK is {"id", "key", "status", "department",
"moduleId", "module", "provider", "certificateId", "domain", "what", "why", "dueDate",
"createdAt", "closedAt", "closedNote"}; see docs/commands/tasks.md.

Exit codes: 0 ok, 1 the task was already closed, 2 usage error (unknown flag, department,
module or task id), 3 configuration problem (e.g. a corrupt tasks.json, left as it is), 5 another
certops process kept tasks.json locked longer than --wait.

Examples:
  certops tasks --department "SSL desk"
  certops tasks close T-12 --note "reissued in the LeaderSSL client area"
  certops tasks --json | jq -r '.tasks[] | "\\(.id) \\(.dueDate) \\(.domain)"'
`;

const FLAGS = {
  ...WORKSPACE_FLAGS,
  department: { type: 'string' },
  module: { type: 'string' },
  status: { type: 'string' },
  note: { type: 'string' },
  'dry-run': { type: 'boolean' },
  ...WAIT_FLAG,
} as const;

const LIST_ONLY = ['department', 'module', 'status'] as const;
const CLOSE_ONLY = ['note', 'dry-run'] as const;

export function taskJson(task: ManualTask) {
  return {
    id: task.id,
    key: task.key,
    status: taskStatus(task),
    department: task.department,
    moduleId: task.moduleId,
    module: task.module,
    provider: task.provider,
    certificateId: task.certificateId,
    domain: task.domain,
    what: task.what,
    why: task.why,
    dueDate: task.dueDate,
    createdAt: task.createdAt,
    closedAt: task.closedAt ?? null,
    closedNote: task.closedNote ?? null,
  };
}

/** Provider data on a terminal: control characters shown as ?, so they cannot move the cursor. */

function parseStatus(text: string | undefined): Status {
  if (text === undefined) return 'open';
  if (!(STATUSES as readonly string[]).includes(text)) throw new UsageError(`--status: must be one of ${STATUSES.join(', ')} (got ${quoted(text)})`, 'tasks');
  return text as Status;
}

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>['flags'];

function refuseFlags(flags: Flags, names: readonly (keyof Flags)[], subcommand: string, other: string): void {
  const given = names.find((name) => flags[name] !== undefined);
  if (given !== undefined) throw new UsageError(`--${String(given)} is for certops tasks ${other}, not ${subcommand}`, 'tasks');
}

function list(flags: Flags, io: CliIo): number {
  const status = parseStatus(flags.status);
  const workspace = openWorkspace(flags, io, 'tasks');
  // Read once: with tens of thousands of tasks each read of tasks.json costs half a second.
  const all = tasksFile(workspace).read().tasks;
  const modules = listModules(workspace);
  const filter: { -readonly [K in keyof TaskFilter]: TaskFilter[K] } = { status };
  if (flags.department !== undefined) {
    // A typo is an error, not an empty list: the department must be a module's or a task's.
    const known = new Map<string, string>();
    for (const module of modules) known.set(module.parameters.department.trim().toLowerCase(), module.parameters.department.trim());
    for (const task of all) known.set(task.department.toLowerCase(), task.department);
    const wanted = flags.department.trim();
    if (!known.has(wanted.toLowerCase())) {
      const names = [...new Set(known.values())].sort((a, b) => a.localeCompare(b));
      throw new UsageError(`--department: no processing module or manual task has the department ${quoted(wanted)}${names.length ? ` (there are: ${names.map((n) => `"${n}"`).join(', ')})` : ' (there is none yet)'}`, 'tasks');
    }
    filter.department = wanted;
  }
  if (flags.module !== undefined) {
    try {
      filter.module = findModule(modules, flags.module).id;
    } catch (error) {
      // A module removed since keeps its tasks, under the name they recorded.
      if (!(error instanceof ModuleNotFoundError) || !all.some((task) => task.module.toLowerCase() === flags.module?.trim().toLowerCase())) throw error;
      filter.module = flags.module;
    }
  }
  const tasks = filterTasks(all, filter);
  const pending = countPending(all, modules.map((module) => module.parameters.department));
  if (flags.json) {
    printJson(io, { status, department: filter.department ?? null, module: flags.module ?? null, tasks: tasks.map(taskJson), pending });
    return ExitCode.ok;
  }
  const open = pending.filter((p) => p.open > 0);
  const openLine = `Open manual tasks: ${open.reduce((sum, p) => sum + p.open, 0)}${open.length ? ` (${open.map((p) => `${printable(p.department)} ${p.open}`).join(', ')})` : ''}.\n`;
  if (tasks.length === 0) {
    // A note, not data: stdout stays empty for a script (README, "Output").
    io.stderr.write(`${all.length === 0 ? 'No manual task yet.' : `No ${status === 'all' ? '' : `${status} `}manual task matches.`}\n${open.length > 0 ? openLine : ''}`);
    return ExitCode.ok;
  } else {
    const closedToo = status !== 'open';
    const rows = tasks.map((task) => [
      task.id,
      task.dueDate ?? '-',
      ...(closedToo ? [task.closedAt ? `closed ${task.closedAt.slice(0, 10)}` : 'open'] : []),
      task.department,
      task.module,
      task.domain,
      task.certificateId,
      task.what,
      task.why,
      ...(closedToo ? [task.closedNote ?? ''] : []),
    ].map(printable));
    const columns = [
      { title: 'Task' },
      { title: 'Due' },
      ...(closedToo ? [{ title: 'Status' }] : []),
      { title: 'Department' },
      { title: 'Module' },
      { title: 'Domain' },
      { title: 'Certificate' },
      { title: 'What' },
      { title: 'Why' },
      ...(closedToo ? [{ title: 'Note' }] : []),
    ];
    io.stdout.write(formatTable(columns, rows));
  }
  io.stdout.write(`\n${openLine}`);
  return ExitCode.ok;
}

async function close(flags: Flags, positionals: readonly string[], io: CliIo): Promise<number> {
  const [id, extra] = positionals;
  if (id === undefined) throw new UsageError('close needs the id of a task, e.g. certops tasks close T-12', 'tasks');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${quoted(extra)} (close takes one task id; a note is --note TEXT)`, 'tasks');
  const taskId = parseTaskId(id);
  if (taskId === null) throw new UsageError(`${quoted(id)} is not a task id: a task id is T- and a number, e.g. T-12`, 'tasks');
  let note: string | undefined;
  try {
    note = checkNote(flags.note);
  } catch (error) {
    if (error instanceof TaskInputError) throw new UsageError(`--${error.message}`, 'tasks');
    throw error;
  }
  const workspace = openWorkspace(flags, io, 'tasks');
  const dryRun = flags['dry-run'] ?? false;
  let task: ManualTask;
  try {
    task = await closeTask(workspace, taskId, note, { dryRun });
  } catch (error) {
    if (error instanceof TaskNotFoundError) throw new UsageError(error.message, 'tasks');
    if (error instanceof TaskAlreadyClosedError) {
      io.stderr.write(`certops tasks: ${printable(error.message)}\n`);
      return ExitCode.problem;
    }
    throw error;
  }
  if (flags.json) {
    printJson(io, { dryRun, task: taskJson(task) });
  } else {
    const what = `${task.id}: ${task.what}, ${task.domain} (${task.module}, ${task.department})${task.closedNote ? `; note: ${task.closedNote}` : ''}`;
    io.stdout.write(`${printable(dryRun ? `Would close ${what}. Dry run: nothing changed.` : `Closed ${what}.`)}\n`);
  }
  return ExitCode.ok;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('tasks', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const [subcommand = 'list', ...rest] = positionals;
  if (subcommand === 'list') {
    if (rest.length > 0) throw new UsageError(`unexpected argument ${quoted(rest[0] as string)} (list is filtered with --department, --module and --status)`, 'tasks');
    refuseFlags(flags, CLOSE_ONLY, 'list', 'close');
    return list(flags, io);
  }
  if (subcommand === 'close') {
    refuseFlags(flags, LIST_ONLY, 'close', 'list');
    return close(flags, rest, io);
  }
  throw new UsageError(`unknown subcommand ${quoted(subcommand)}${didYouMean(subcommand, ['list', 'close'])} (list or close)`, 'tasks');
}
