/**
 * Reissue timeline: every certificate of the last sync with its next action, grouped by month or
 * week, filterable by action, by module and by the stage of the reissue under way, jump to today,
 * sync on demand; a certificate whose reissue is under way shows its stage, and Enter its record. 100 000 certificates
 * stay smooth: rows are built as small descriptors once per filter, and only the visible window
 * is formatted and rendered.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { formatDay, parseDay, type Day } from '../rules/calendar.js';
import type { ProjectedAction } from '../rules/projection.js';
import { ACTIVE_STAGES, type ReissueStage } from '../rules/reissue-lifecycle.js';
import { dueDate, type Timeline, type TimelineEntry } from '../core/timeline.js';
import { useConsole, useKeys, useRemembered } from './context.js';
import { collectAfterBigBuild } from './collect-garbage.js';
import { useSync, type SyncState } from './use-sync.js';
import { Spinner } from './widgets/spinner.js';
import { fit, since } from './widgets/text.js';
import { listMove, WindowList } from './widgets/window-list.js';
import { stageText } from './reissues.js';

const ACTION_FILTERS: readonly (ProjectedAction | 'all')[] = ['all', 'reissue', 'notify-client', 'manual-task', 'none', 'end-of-term'];
const SHORT_ACTION: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue',
  'notify-client': 'notify',
  'manual-task': 'task',
  none: 'none',
  'end-of-term': 'term ends',
};
export const ACTION_TEXT: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue automatically',
  'notify-client': 'notify the client',
  'manual-task': 'manual task',
  none: 'none (policy none)',
  'end-of-term': 'paid term ends (renewal is a new order)',
};

/** The stage filter (i): the stages a reissue under way can be in (finished ones leave the timeline). */
const STAGE_FILTERS: readonly { readonly name: string; readonly stages: readonly (ReissueStage | 'none')[] | null }[] = [
  { name: 'all', stages: null },
  { name: 'under way', stages: [...ACTIVE_STAGES, 'stuck'] },
  { name: 'stuck', stages: ['stuck'] },
  ...ACTIVE_STAGES.map((stage) => ({ name: stage, stages: [stage] })),
  { name: 'none', stages: ['none'] },
];

type Row = { readonly heading: string } | { readonly entry: number };

function weekStart(text: string): string {
  const parsed = parseDay(text);
  if (!parsed.ok) return text;
  // 1970-01-01 was a Thursday: Monday-based weeks.
  const monday = (parsed.value - ((parsed.value + 3) % 7)) as Day;
  return formatDay(monday);
}

export function buildRows(entries: readonly TimelineEntry[], grouping: 'month' | 'week'): Row[] {
  const rows: Row[] = [];
  let current = '';
  for (let index = 0; index < entries.length; index += 1) {
    const due = dueDate(entries[index] as TimelineEntry);
    const group = grouping === 'month' ? due.slice(0, 7) : `week of ${weekStart(due)}`;
    if (group !== current) {
      current = group;
      rows.push({ heading: group });
    }
    rows.push({ entry: index });
  }
  return rows;
}

export function TimelineScreen() {
  const { services } = useConsole();
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const [sync, startSync] = useSync(services, reload);
  // The timeline of a big inventory takes a moment to build: the screen shows at once, then fills in.
  const [timeline, setTimeline] = useState<ReturnType<typeof services.timeline> | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => {
      const built = services.timeline();
      setTimeline(built);
      collectAfterBigBuild(built.entries.length);
    }, 0);
    return () => clearTimeout(timer);
  }, [services, version]);
  return timeline ? <TimelineView timeline={timeline} sync={sync} startSync={startSync} /> : <Text> Loading the certificate inventory…</Text>;
}

function TimelineView({
  timeline,
  sync,
  startSync,
}: {
  readonly timeline: Timeline;
  readonly sync: SyncState;
  readonly startSync: () => void;
}) {
  const { services, columns, bodyRows, push } = useConsole();
  const today = formatDay(services.today());
  const moduleNames = useMemo(() => ['all', ...timeline.modules.map((m) => m.name)], [timeline]);
  const [actionFilter, setActionFilter] = useRemembered('actionFilter', 0);
  const [stageFilter, setStageFilter] = useRemembered('stageFilter', 0);
  const [note, setNote] = useState('');
  const [moduleFilter, setModuleFilter] = useRemembered('moduleFilter', 0);
  const [grouping, setGrouping] = useRemembered<'month' | 'week'>('grouping', 'month');

  const stage = STAGE_FILTERS[stageFilter] ?? (STAGE_FILTERS[0] as (typeof STAGE_FILTERS)[number]);
  const entries = useMemo(() => {
    const action = ACTION_FILTERS[actionFilter] ?? 'all';
    const module = moduleNames[moduleFilter] ?? 'all';
    if (action === 'all' && module === 'all' && stage.stages === null) return timeline.entries;
    return timeline.entries.filter(
      (e) => (action === 'all' || e.action === action) && (module === 'all' || e.module === module) && (stage.stages === null || stage.stages.includes(e.reissue?.stage ?? 'none')),
    );
  }, [timeline, actionFilter, moduleFilter, moduleNames, stage]);
  const rows = useMemo(() => buildRows(entries, grouping), [entries, grouping]);
  const todayRow = useMemo(() => {
    const index = rows.findIndex((row) => 'entry' in row && dueDate(entries[row.entry] as TimelineEntry) >= today);
    return index < 0 ? Math.max(0, rows.length - 1) : index;
  }, [rows, entries, today]);
  const [cursor, setCursor] = useRemembered<number | null>('cursor', null);
  const position = Math.min(cursor ?? todayRow, Math.max(0, rows.length - 1));
  const height = Math.max(3, bodyRows - 7);

  const selectedRow = rows[position];
  const selected = selectedRow && 'entry' in selectedRow ? (entries[selectedRow.entry] as TimelineEntry) : null;
  const showReissue = () => {
    if (!selected) return;
    if (selected.reissue?.recordId) push({ id: 'reissue-record', recordId: selected.reissue.recordId });
    else if (selected.reissue) setNote('Under way on the provider: it joins the ledger at the next reissue run (r).');
    else setNote('No reissue is under way for this certificate.');
  };

  /** v: whether the selected certificate's next validation is ready (CAA, DNS record, approver), as timeline --readiness says. */
  const checkReadiness = () => {
    if (!selected) return;
    const entry = selected;
    setNote(`${entry.domain}: checking validation readiness (DNS)…`);
    void services
      .readiness(entry)
      .then(({ days, readiness }) => {
        if (!readiness) return `${entry.domain}: nothing to check (no validation to redo within ${days} days)`;
        const failing = readiness.checks.filter((check) => check.ok !== true).map((check) => `${check.kind} ${check.name}: ${check.detail}`);
        return `${entry.domain}: ${readiness.ready === true ? 'ready' : readiness.ready === false ? 'NOT READY' : 'cannot tell yet'}: ${readiness.summary}${failing.length ? ` · ${failing.join(' · ')}` : ''}`;
      })
      .catch((error: unknown) => `${entry.domain}: readiness could not be checked: ${(error as Error).message}`)
      .then(setNote);
  };

  useKeys(
    (input, key) => {
      const moved = listMove(input, key, position, Math.max(0, rows.length - 1), height);
      setNote('');
      if (moved !== null) setCursor(moved);
      else if (key.return) showReissue();
      else if (input === 'i') {
        setStageFilter((f) => (f + 1) % STAGE_FILTERS.length);
        setCursor(null);
      } else if (input === 'g') setCursor(todayRow);
      else if (input === 'f') {
        setActionFilter((f) => (f + 1) % ACTION_FILTERS.length);
        setCursor(null);
      } else if (input === 'm') {
        setModuleFilter((f) => (f + 1) % moduleNames.length);
        setCursor(null);
      } else if (input === 'w') {
        setGrouping((g) => (g === 'month' ? 'week' : 'month'));
        setCursor(null);
      } else if (input === 'v') checkReadiness();
      else if (input === 's') startSync();
      else if (input === 'r') push({ id: 'reissue' });
      else return false;
      return true;
    },
    columns >= 120
      ? '↑↓ PgUp PgDn scroll  g today  f action  m module  i stage  w week/month  Enter reissue  v readiness  s sync  r run'
      : 'g today·f action·m module·i stage·w week·Enter reissue·v ready?·s sync·r run',
  );

  // A wide terminal gives the module names room too ("Ispmanager (SSL) main"), the domain the rest.
  // The action column holds the stage of a reissue under way ("validating"), hence 10.
  const fixed = { module: columns >= 110 ? 24 : 12, expires: 10, paid: 10, action: 10, kind: 10, reval: 3 };
  const domainWidth = Math.max(10, columns - 3 - Object.values(fixed).reduce((a, b) => a + b, 0) - 6);
  const row = (index: number) => {
    const r = rows[index] as Row;
    if ('heading' in r) return { text: fit(` ${r.heading}`, columns - 1), heading: true, color: 'cyan' };
    const e = entries[r.entry] as TimelineEntry;
    const reval = `${e.revalidate.includes('domain') ? 'D' : ''}${e.revalidate.includes('organization') ? 'O' : ''}`;
    const stuck = e.reissue?.stage === 'stuck';
    // The first column stays the cursor's (›, seen without colour too), the second has ! for overdue
    // or stuck; a reissue under way shows its stage where the action would be.
    return {
      text: ` ${e.overdue || stuck ? '!' : ' '}${fit(e.domain, domainWidth)} ${fit(e.module, fixed.module)} ${fit(e.expires ?? '-', fixed.expires)} ${fit(e.paidUntil ?? '-', fixed.paid)} ${fit(e.actionDate ?? '-', fixed.action)} ${fit(e.reissue ? e.reissue.stage : SHORT_ACTION[e.action], fixed.kind)} ${fit(reval, fixed.reval)}`,
      ...(e.overdue || stuck ? { color: 'red' } : e.reissue ? { color: 'cyan' } : e.action === 'manual-task' ? { color: 'yellow' } : e.action === 'end-of-term' ? { dim: true } : {}),
    };
  };
  const stale = timeline.modules.filter((m) => m.failure);
  const neverSynced = timeline.modules.every((m) => m.syncedAt === null);

  return (
    <Box flexDirection="column">
      <Text>
        {fit(
          ` ${entries.length} certificate${entries.length === 1 ? '' : 's'} · action: ${ACTION_FILTERS[actionFilter]} · module: ${moduleNames[moduleFilter]}${stage.stages ? ` · stage: ${stage.name}` : ''} · by ${grouping} · today ${today} · synced ${since(timeline.modules.map((m) => m.syncedAt).filter((s): s is string => s !== null).sort()[0])}`,
          columns - 1,
        )}
      </Text>
      <Text bold>{fit(`  ${fit('Domain', domainWidth)} ${fit('Module', fixed.module)} ${fit('Expires', fixed.expires)} ${fit('Paid until', fixed.paid)} ${fit('Action on', fixed.action)} ${fit('Action', fixed.kind)} Rev`, columns - 1)}</Text>
      <WindowList
        count={rows.length}
        cursor={position}
        height={height}
        row={row}
        empty={neverSynced ? ' No certificates yet: press s to sync them from the providers.' : ' No certificate matches these filters.'}
      />
      <Text> </Text>
      {selected?.reissue ? (
        <Text wrap="truncate" {...(selected.reissue.stage === 'stuck' ? { color: 'red' } : {})}>
          {' '}
          {selected.domain}: reissue {stageText(selected.reissue.stage, selected.reissue.stuckIn)}
          {selected.reissue.since ? ` since ${selected.reissue.since.slice(0, 10)}` : ''}
          {selected.reissue.deadline ? ` · served by ${selected.reissue.deadline}` : ''} · {selected.reissue.detail}
        </Text>
      ) : selected ? (
        <Text wrap="truncate">
          {' '}
          {selected.domain}: {ACTION_TEXT[selected.action]}
          {selected.department ? ` for ${selected.department}` : ''}
          {selected.actionDate ? ` on ${selected.actionDate}` : ''}
          {selected.overdue ? ' (overdue)' : ''}
          {selected.revalidate.length ? ` · revalidate ${selected.revalidate.join(' and ')}` : ''}
          {selected.reason ? ` · ${selected.reason}` : ''}
        </Text>
      ) : (
        <Text> </Text>
      )}
      <Text>
        {sync.running ? <Spinner /> : ' '}{' '}
        {fit(
          sync.line ||
            note ||
            (stale.length ? `last sync of ${stale.map((m) => m.name).join(', ')} failed; showing the previous list` : 'D/O: revalidate domain/organisation · ! overdue or stuck · Enter: reissue'),
          columns - 4,
        )}
      </Text>
    </Box>
  );
}
