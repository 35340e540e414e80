/**
 * Manual tasks: the open tasks of every department, the most urgent first, one department at a
 * time on d, closed ones on f; Enter shows a task, c closes it after a y / n question that names
 * it. Only the visible window of rows is rendered, whatever the number of tasks.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { formatDay, formatInstant } from '../rules/calendar.js';
import { PROVIDERS } from '../providers/catalog.js';
import type { ManualTask, TaskStatus } from '../core/tasks.js';
import { useConsole, useKeys, type ScreenSpec } from './context.js';
import { columns as columnsOf, fit } from './widgets/text.js';
import { formatRow, headerRow, layoutColumns } from './widgets/columns.js';
import { listMove, WindowList } from './widgets/window-list.js';
import { Paragraph, wrapWords } from './widgets/paragraph.js';
import { useListSearch } from './widgets/search.js';

const STATUS_FILTERS: readonly (TaskStatus | 'all')[] = ['open', 'closed', 'all'];

/** Provider data on a terminal: control characters as ?, so a domain cannot drive the terminal. */
const printable = (text: string) => text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?');

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** "in 3 days", "today", "5 days overdue". */
function dueText(task: ManualTask, today: string): string {
  if (task.dueDate === null) return 'no due date';
  if (task.closedAt !== undefined) return task.dueDate;
  const days = daysBetween(today, task.dueDate);
  if (days === 0) return `${task.dueDate} (today)`;
  return days > 0 ? `${task.dueDate} (in ${days} day${days === 1 ? '' : 's'})` : `${task.dueDate} (${-days} day${days === -1 ? '' : 's'} overdue)`;
}

const overdue = (task: ManualTask, today: string) => task.closedAt === undefined && task.dueDate !== null && task.dueDate < today;

/** The y / n question before closing, and what came of the last answer. */
function useClosing(onClosed: () => void) {
  const { services } = useConsole();
  const [asking, setAsking] = useState<ManualTask | null>(null);
  const [message, setMessage] = useState('');
  const ask = (task: ManualTask | undefined) => {
    if (!task) return;
    if (task.closedAt !== undefined) setMessage(`${task.id} was closed on ${task.closedAt.slice(0, 10)} already.`);
    else setAsking(task);
  };
  const handle = (input: string): boolean => {
    if (!asking) return false;
    const task = asking;
    setAsking(null);
    if (/^y/i.test(input)) {
      setMessage(`Closing ${task.id}…`);
      void services.closeTask(task.id).then(
        () => {
          setMessage(`Closed ${task.id} (${printable(task.domain)}).`);
          onClosed();
        },
        (error: unknown) => {
          setMessage(`Not closed: ${printable((error as Error).message)}`);
          onClosed();
        },
      );
    } else setMessage(`${task.id} stays open.`);
    return true;
  };
  return { asking, message, ask, handle };
}

/**
 * Text cut into at most `max` lines of `width` at spaces (a word longer than a line is cut), the
 * last one ending in … when something is left out: the layout keeps a fixed number of rows.
 */
export function wrapLines(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let rest = text.trim();
  while (rest !== '' && lines.length < max) {
    if (rest.length <= width) {
      lines.push(rest);
      rest = '';
      break;
    }
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 3 ? space : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '' && lines.length > 0) lines[lines.length - 1] = fit(`${lines.at(-1) as string} ${rest}`, width);
  return lines;
}

/** The y / n question, naming the task: id, what, domain, module and department. */
function Question({ task, width, lines }: { readonly task: ManualTask; readonly width: number; readonly lines: number }) {
  const text = printable(`Close ${task.id}: ${task.what}, ${task.domain} (${task.module}, ${task.department})? Press y to close it, any other key keeps it open.`);
  const wrapped = wrapLines(text, width - 1, lines);
  return (
    <Box flexDirection="column">
      {Array.from({ length: lines }, (_, i) => (
        <Text key={i} color="yellow" bold>
          {' '}
          {wrapped[i] ?? ''}
        </Text>
      ))}
    </Box>
  );
}

type ListPlace = NonNullable<Extract<ScreenSpec, { id: 'tasks' }>['at']>;

export function TasksScreen({ at }: { readonly at?: ListPlace }) {
  const { services } = useConsole();
  const [version, setVersion] = useState(0);
  // Every task, read once per reload (the filters work on it in memory). tasks.json of a big
  // account takes a moment to read: the screen shows at once, then fills in.
  const [all, setAll] = useState<readonly ManualTask[] | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setAll(services.tasks({ status: 'all' })), 0);
    return () => clearTimeout(timer);
  }, [services, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return all ? <TaskList all={all} reload={reload} {...(at ? { at } : {})} /> : <Text> Reading the manual tasks…</Text>;
}

const matching = (all: readonly ManualTask[], status: TaskStatus | 'all', department: string) =>
  all.filter((task) => (status === 'all' || (task.closedAt === undefined) === (status === 'open')) && (department === 'all' || task.department === department));

function TaskList({ all, reload, at }: { readonly all: readonly ManualTask[]; readonly reload: () => void; readonly at?: ListPlace }) {
  const { services, push, replace, columns, bodyRows } = useConsole();
  // The departments of the modules (none may have a task yet) and of the tasks (a module may be gone).
  const departments = useMemo(() => {
    const names = new Set(services.modules().map((m) => m.parameters.department));
    for (const task of all) names.add(task.department);
    return ['all', ...[...names].sort((a, b) => a.localeCompare(b))];
  }, [services, all]);
  // When there is no task: which reissues become tasks, in the words of the providers set up.
  const limits = useMemo(() => (all.length === 0 ? services.reissueLimits() : []), [services, all]);
  // Back from a task's view: the same filters, and the same task (or the row where it was, if it left the list).
  const [statusFilter, setStatusFilter] = useState(() => Math.max(0, STATUS_FILTERS.indexOf(at?.status ?? 'open')));
  const [departmentFilter, setDepartmentFilter] = useState(() => Math.max(0, departments.indexOf(at?.department ?? 'all')));
  const [cursor, setCursor] = useState(() => {
    if (!at) return 0;
    const index = matching(all, at.status, at.department).findIndex((task) => task.id === at.taskId);
    return index >= 0 ? index : at.index;
  });
  const today = formatDay(services.today());
  const status = STATUS_FILTERS[statusFilter] ?? 'open';
  const department = departments[departmentFilter] ?? 'all';
  const tasks = useMemo(() => matching(all, status, department), [all, status, department]);
  const position = Math.min(cursor, Math.max(0, tasks.length - 1));
  const selected = tasks[position];
  const count = `${tasks.length} ${status === 'all' ? '' : `${status} `}task${tasks.length === 1 ? '' : 's'}${status === 'all' ? ' (open and closed)' : ''}`;
  const openHere = tasks.filter((task) => overdue(task, today)).length;
  // Wrapped, not cut, as the timeline's: the filters in force are what the rows mean.
  const summary = printable(`${count}${openHere ? `, ${openHere} overdue` : ''} · department: ${department} · today ${today}`);
  const summaryLines = wrapWords(summary, columns - 2).length;
  const height = Math.max(3, bodyRows - 5 - summaryLines);
  const closing = useClosing(reload);
  // / n N: find a domain, as in less and vim.
  const search = useListSearch({
    count: tasks.length,
    position,
    what: 'domain',
    moveTo: setCursor,
    matches: (index, query) => (tasks[index] as ManualTask).domain.toLowerCase().includes(query),
  });

  useKeys(
    (input, key) => {
      if (closing.handle(input)) return true;
      if (search.handle(input, key)) return true;
      const moved = listMove(input, key, position, Math.max(0, tasks.length - 1), height);
      if (moved !== null) setCursor(moved);
      else if (key.return && selected) {
        replace({ id: 'tasks', at: { taskId: selected.id, index: position, department, status } });
        push({ id: 'task', taskId: selected.id });
      }
      else if (input === 'c') closing.ask(selected);
      else if (input === 'd') {
        setDepartmentFilter((d) => (d + 1) % departments.length);
        setCursor(0);
      } else if (input === 'f') {
        setStatusFilter((f) => (f + 1) % STATUS_FILTERS.length);
        setCursor(0);
      } else if (input === 'r') reload();
      else return false;
      return true;
    },
    closing.asking ? 'y close  any other key keeps it open' : search.typing ? search.hints : 'Enter show  / search  c close  d department  f open/closed  r reload',
    search.typing,
  );

  // Columns by need: the domain and the due date stay whole, the department and the module are
  // shortened first; a wide terminal shows what the task asks in the room left.
  const layout = useMemo(() => {
    const want = (header: string, pick: (task: ManualTask) => string) => {
      let widest = header.length;
      for (const task of tasks) widest = Math.max(widest, columnsOf(printable(pick(task))));
      return widest;
    };
    return layoutColumns<'id' | 'due' | 'department' | 'module' | 'domain' | 'what'>(
      [
        { id: 'id', header: 'Task', want: want('Task', (t) => t.id), priority: 8 },
        { id: 'due', header: 'Due', want: 12, priority: 7 },
        // The department is the queue the task is for (d filters by it): whole before the module,
        // whose name is cut in its middle ("Ispmanage…L) sandbox" still tells modules apart).
        { id: 'department', header: 'Department', want: want('Department', (t) => t.department), min: 8, priority: 5, optional: true },
        { id: 'module', header: 'Module', want: want('Module', (t) => t.module), min: 14, priority: 4, cut: 'middle' },
        { id: 'domain', header: 'Domain', want: want('Domain', (t) => t.domain), min: 16, priority: 9 },
        { id: 'what', header: 'What', want: 12, priority: 0, optional: true, grow: true },
      ],
      columns - 2,
    );
  }, [tasks, columns]);
  const row = (index: number) => {
    const task = tasks[index] as ManualTask;
    const late = overdue(task, today);
    const closed = task.closedAt !== undefined;
    // The first column stays the cursor's (›, seen without colour too); overdue is a ! after the date.
    return {
      text: ` ${formatRow(layout, { id: task.id, due: `${task.dueDate ?? '-'}${late ? ' !' : ''}`, department: printable(task.department), module: printable(task.module), domain: printable(task.domain), what: printable(task.what) })}`,
      ...(late ? { color: 'red' } : closed ? { dim: true } : {}),
    };
  };
  return (
    <Box flexDirection="column">
      <Box paddingLeft={1}>
        <Paragraph width={columns - 2} text={summary} />
      </Box>
      <Text bold>{fit(` ${headerRow(layout)}`, columns - 1)}</Text>
      <WindowList
        count={tasks.length}
        cursor={position}
        height={height}
        row={row}
        empty={
          all.length === 0
            ? ` No manual task. A reissue that a processing module cannot do by itself becomes one for its department.${limits.map((l) => ` ${l.provider}: ${l.limits}.`).join('')}`
            : ` No ${status === 'all' ? '' : `${status} `}task${department === 'all' ? '' : ` for ${printable(department)}`}. d: another department, f: open/closed/all.`
        }
      />
      <Text> </Text>
      {/* Three rows either way: what the selected task needs and why, or the question. */}
      {closing.asking ? (
        <Question task={closing.asking} width={columns - 1} lines={3} />
      ) : (
        <>
          {Array.from({ length: 2 }, (_, i) => (
            <Text key={i}> {selected ? (wrapLines(printable(`${selected.id}: ${selected.what}, ${selected.domain} · ${selected.why}`), columns - 2, 2)[i] ?? '') : ''}</Text>
          ))}
          <Text>{fit(printable(` ${search.line || closing.message || (openHere ? '! overdue: the due date has passed' : '')}`), columns - 1)}</Text>
        </>
      )}
    </Box>
  );
}

export function TaskView({ taskId }: { readonly taskId: string }) {
  const { services, columns } = useConsole();
  const [version, setVersion] = useState(0);
  const task = useMemo(() => services.task(taskId), [services, taskId, version]);
  const today = formatDay(services.today());
  const closing = useClosing(() => setVersion((v) => v + 1));

  useKeys(
    (input) => {
      if (closing.handle(input)) return true;
      if (input === 'c' && task) closing.ask(task);
      else if (input === 'r') setVersion((v) => v + 1);
      else return false;
      return true;
    },
    closing.asking ? 'y close  any other key keeps it open' : task?.closedAt === undefined ? 'c close' : '',
  );

  if (!task) return <Text> There is no manual task {taskId}.</Text>;
  const width = columns - 22;
  const line = (label: string, value: string, color?: string) => (
    <Text key={label}>
      {'  '}
      {fit(label, 18)} <Text {...(color ? { color } : {})}>{fit(printable(value), width)}</Text>
    </Text>
  );
  const closed = task.closedAt !== undefined;
  return (
    <Box flexDirection="column">
      <Text bold>
        {' '}
        {task.id} <Text dimColor>·</Text> {closed ? <Text dimColor>closed</Text> : overdue(task, today) ? <Text color="red">open, overdue</Text> : 'open'}
      </Text>
      <Text> </Text>
      {line('What', task.what)}
      {line('Domain', task.domain)}
      {line('Certificate', task.certificateId)}
      {line('Processing module', `${task.module} (${PROVIDERS[task.provider].title}, id ${task.moduleId})`)}
      {line('Department', task.department)}
      {line('Due', dueText(task, today), overdue(task, today) ? 'red' : undefined)}
      {wrapLines(printable(task.why), Math.max(10, width), 4).map((text, i) => (
        <Text key={`why${i}`}>
          {'  '}
          {fit(i === 0 ? 'Why' : '', 18)} {text}
        </Text>
      ))}
      {line('Opened', formatInstant(task.createdAt))}
      {closed ? line('Closed', formatInstant(task.closedAt ?? '')) : null}
      {closed && task.closedNote ? line('Note', task.closedNote) : null}
      <Text> </Text>
      {closing.asking ? <Question task={closing.asking} width={columns - 1} lines={3} /> : <Text>{fit(printable(` ${closing.message}`), columns - 1)}</Text>}
    </Box>
  );
}
