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
import { useConsole, useKeys, useRemembered, type ReissueScope } from './context.js';
import { collectAfterBigBuild } from './collect-garbage.js';
import { useSync, type SyncAnswer, type SyncState } from './use-sync.js';
import { Spinner } from './widgets/spinner.js';
import { fit, since } from './widgets/text.js';
import { formatRow, headerRow, layoutColumns, wantOf } from './widgets/columns.js';
import { DetailPanel, type DetailField } from './widgets/detail.js';
import { Paragraph, wrapWords } from './widgets/paragraph.js';
import { listMove, selectableRow, WindowList } from './widgets/window-list.js';
import { useListSearch } from './widgets/search.js';
import { stageText } from './reissues.js';
import { inFlightCounts } from './reissue-data.js';

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

/** The stage filter (i): the stages a reissue under way can be in, and failed (a served one leaves the timeline). */
const STAGE_FILTERS: readonly { readonly name: string; readonly stages: readonly (ReissueStage | 'none')[] | null }[] = [
  { name: 'all', stages: null },
  { name: 'under way', stages: [...ACTIVE_STAGES, 'stuck'] },
  { name: 'stuck', stages: ['stuck'] },
  ...ACTIVE_STAGES.map((stage) => ({ name: stage, stages: [stage] })),
  { name: 'failed', stages: ['failed', 'cancelled'] },
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

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A month heading as people write it: "June 2027" (a day that is not one stays as it is). */
export function monthHeading(day: string): string {
  const month = MONTHS[Number(day.slice(5, 7)) - 1];
  return month ? `${month} ${day.slice(0, 4)}` : day.slice(0, 7);
}

export function buildRows(entries: readonly TimelineEntry[], grouping: 'month' | 'week'): Row[] {
  const rows: Row[] = [];
  let current = '';
  for (let index = 0; index < entries.length; index += 1) {
    const due = dueDate(entries[index] as TimelineEntry);
    const group = grouping === 'month' ? monthHeading(due) : `week of ${weekStart(due)}`;
    if (group !== current) {
      current = group;
      rows.push({ heading: group });
    }
    rows.push({ entry: index });
  }
  return rows;
}

/** A certificate of the timeline whole, for its detail (Enter). */
export function entryDetail(e: TimelineEntry): DetailField[] {
  const fields: DetailField[] = [
    { label: 'Domain', value: e.domain },
    { label: 'Module', value: e.module },
    { label: 'Certificate', value: e.certificateId },
    { label: 'Expires', value: e.expires ?? 'unknown' },
    { label: 'Paid until', value: e.paidUntil ?? 'unknown' },
    { label: 'Action', value: `${ACTION_TEXT[e.action]}${e.actionDate ? ` on ${e.actionDate}` : ''}${e.overdue ? ' (overdue)' : ''}`, ...(e.overdue ? { color: 'red' } : {}) },
  ];
  if (e.department) fields.push({ label: 'Department', value: e.department });
  if (e.revalidate.length) fields.push({ label: 'Revalidate', value: e.revalidate.join(' and ') });
  if (e.reason) fields.push({ label: 'Why', value: e.reason });
  if (e.reissue) {
    fields.push({
      label: 'Reissue',
      value: unsuccessful(e.reissue)
        ? e.reissue.detail
        : `${stageText(e.reissue.stage, e.reissue.stuckIn)}${e.reissue.since ? ` since ${e.reissue.since.slice(0, 10)}` : ''}${e.reissue.deadline ? ` · served by ${e.reissue.deadline}` : ''} · ${e.reissue.detail}`,
      ...(e.reissue.stage === 'stuck' || unsuccessful(e.reissue) ? { color: 'red' } : {}),
    });
  }
  return fields;
}

/** A reissue that failed or was cancelled: its detail says so, with the provider's reason. */
const unsuccessful = (reissue: NonNullable<TimelineEntry['reissue']>) => reissue.stage === 'failed' || reissue.stage === 'cancelled';

export function TimelineScreen() {
  const { services } = useConsole();
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const [sync, startSync, answerSync] = useSync(services, reload);
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
  return timeline ? <TimelineView timeline={timeline} sync={sync} startSync={startSync} answerSync={answerSync} /> : <Text> Loading the certificate inventory…</Text>;
}

function TimelineView({
  timeline,
  sync,
  startSync,
  answerSync,
}: {
  readonly timeline: Timeline;
  readonly sync: SyncState;
  readonly startSync: () => void;
  readonly answerSync: SyncAnswer;
}) {
  const { services, columns, bodyRows, push } = useConsole();
  const today = formatDay(services.today());
  const moduleNames = useMemo(() => ['all', ...timeline.modules.map((m) => m.name)], [timeline]);
  const [actionFilter, setActionFilter] = useRemembered('actionFilter', 0);
  const [stageFilter, setStageFilter] = useRemembered('stageFilter', 0);
  const [note, setNote] = useState('');
  // Enter: the selected certificate whole (a row shortens its values to fit the terminal).
  const [detailOpen, setDetailOpen] = useState(false);
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
  // Headings ("week of …", "June 2027") are not rows: the cursor rests on certificates only.
  const isEntry = useCallback((index: number) => rows[index] !== undefined && 'entry' in (rows[index] as Row), [rows]);
  const rawPosition = Math.min(cursor ?? todayRow, Math.max(0, rows.length - 1));
  const position = selectableRow(rawPosition, 1, rows.length, isEntry) ?? rawPosition;
  // The dashboard and the reissues screen count the ledger's reissues in flight; some have no row here
  // (their certificate left the last sync's list, or is no longer issued): the stage filter says so.
  const allInFlight = stage.name === 'under way' && actionFilter === 0 && moduleFilter === 0;
  const inFlight = useMemo(() => (allInFlight ? inFlightCounts(services).inFlight : null), [services, allInFlight, timeline]);
  const ledgerRows = stage.name === 'under way' ? entries.filter((e) => e.reissue?.recordId && e.reissue.stage !== 'failed' && e.reissue.stage !== 'cancelled').length : 0;
  const inFlightNote =
    inFlight !== null && ledgerRows !== inFlight
      ? ` (${ledgerRows} of the ${inFlight} reissues in flight have a row here${entries.length > ledgerRows ? `, ${entries.length - ledgerRows} more are under way on the provider only` : ''}; the dashboard's i lists every one)`
      : '';
  const summary = `${entries.length} certificate${entries.length === 1 ? '' : 's'}${inFlightNote} · action: ${ACTION_FILTERS[actionFilter]} · module: ${moduleNames[moduleFilter]}${stage.stages ? ` · stage: ${stage.name}` : ''} · by ${grouping} · today ${today} · synced ${since(timeline.modules.map((m) => m.syncedAt).filter((s): s is string => s !== null).sort()[0])}`;
  // A sync's question (take a much shorter list?) is read whole: the list gives up its lines.
  const syncQuestion = sync.question ? [sync.line, sync.question].filter(Boolean).join(' ') : null;
  const questionLines = syncQuestion ? wrapWords(syncQuestion, columns - 4).length - 1 : 0;

  const selectedRow = rows[position];
  const selected = selectedRow && 'entry' in selectedRow ? (entries[selectedRow.entry] as TimelineEntry) : null;
  const showReissue = () => {
    if (!selected) return;
    if (selected.reissue?.recordId) push({ id: 'reissue-record', recordId: selected.reissue.recordId });
    else if (selected.reissue) setNote('Under way on the provider: it joins the ledger at the next reissue run (r).');
    else setNote('No reissue is under way for this certificate.');
  };

  /** r: the run of what the screen shows, its module and action filters (the stage filter only narrows the view). */
  const runScope = (): ReissueScope => {
    const action = ACTION_FILTERS[actionFilter] ?? 'all';
    const module = moduleFilter > 0 ? timeline.modules[moduleFilter - 1] : undefined;
    return { ...(module ? { module: { id: module.id, name: module.name } } : {}), ...(action !== 'all' ? { action } : {}) };
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

  // / n N: find a domain, as in less and vim (month headings are not searched).
  const search = useListSearch({
    count: rows.length,
    position,
    what: 'domain',
    moveTo: setCursor,
    matches: (index, query) => {
      const r = rows[index];
      return r !== undefined && 'entry' in r && (entries[r.entry] as TimelineEntry).domain.toLowerCase().includes(query);
    },
  });

  const stale = timeline.modules.filter((m) => m.failure);
  const status =
    (search.typing && search.line) ||
    sync.line ||
    search.line ||
    note ||
    (stale.length ? `last sync of ${stale.map((m) => m.name).join(', ')} failed; showing the previous list` : detailOpen ? `Esc back to the list · ↑ ↓ the next certificate${selected?.reissue?.recordId ? ' · Enter its reissue' : ''}` : '! overdue or stuck · Rev D/O: revalidate domain/organisation · Enter detail');
  // The status line (a sync's progress, a readiness answer) is read whole: the list gives up the lines it wraps to.
  const statusLines = syncQuestion ? 0 : Math.max(1, wrapWords(status, columns - 4).length) - 1;
  const height = Math.max(3, bodyRows - 6 - questionLines - statusLines - wrapWords(summary, columns - 2).length);

  useKeys(
    (input, key) => {
      if (answerSync(input, key)) return true;
      if (search.handle(input, key)) {
        setNote('');
        return true;
      }
      const moved = listMove(input, key, position, Math.max(0, rows.length - 1), height);
      setNote('');
      if (detailOpen && key.escape) setDetailOpen(false);
      else if (moved !== null) setCursor(selectableRow(moved, moved < position ? -1 : 1, rows.length, isEntry) ?? moved);
      else if (key.return) {
        // In the detail, Enter goes on to the reissue's record when the ledger has one.
        if (detailOpen && selected?.reissue) showReissue();
        else setDetailOpen((open) => !open);
      } else if (input === 'i') {
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
      else if (input === 'r') push({ id: 'reissue', scope: runScope() });
      else return false;
      return true;
    },
    search.typing
      ? search.hints
      : sync.hints
      ? sync.hints
      : columns >= 120
      ? `↑↓ PgUp PgDn scroll  / search  Enter ${detailOpen ? (selected?.reissue ? 'its reissue' : 'close') : 'detail'}  g today  f action  m module  i stage  w week/month  v readiness  s sync  r run`
      : `Enter ${detailOpen ? (selected?.reissue ? 'its reissue' : 'close') : 'detail'}  / search  g today  f action  m module  i stage  w week  v ready?  s sync  r run`,
    search.typing,
  );

  // Columns by need: the domain, when and what the action is stay; Rev, Paid until and Expires go
  // first on a narrow terminal, and a wide one shows each certificate's reason in the room left.
  const layout = useMemo(() => {
    let domain = 6;
    for (const e of entries) if (e.domain.length > domain) domain = e.domain.length;
    return layoutColumns<'domain' | 'module' | 'expires' | 'paid' | 'actionOn' | 'action' | 'rev' | 'reason'>(
      [
        { id: 'domain', header: 'Domain', want: domain, min: 16, priority: 9 },
        { id: 'module', header: 'Module', want: wantOf('Module', timeline.modules.map((m) => m.name)), min: 10, priority: 4, cut: 'middle' },
        { id: 'expires', header: 'Expires', want: 10, priority: 6, optional: true },
        { id: 'paid', header: 'Paid until', want: 10, priority: 3, optional: true },
        { id: 'actionOn', header: 'Action on', want: 10, priority: 8 },
        // The stage of a reissue under way ("validating") shows where the action would be.
        { id: 'action', header: 'Action', want: 10, priority: 7 },
        { id: 'rev', header: 'Rev', want: 3, priority: 5, optional: true },
        { id: 'reason', header: 'Reason', want: 12, priority: 0, optional: true, grow: true },
      ],
      // The row's first column is the cursor's, the second the ! of an overdue or stuck one.
      columns - 3,
    );
  }, [entries, timeline, columns]);
  const row = (index: number) => {
    const r = rows[index] as Row;
    if ('heading' in r) return { text: fit(` ${r.heading}`, columns - 1), heading: true, color: 'cyan' };
    const e = entries[r.entry] as TimelineEntry;
    const reval = `${e.revalidate.includes('domain') ? 'D' : ''}${e.revalidate.includes('organization') ? 'O' : ''}`;
    const stuck = e.reissue?.stage === 'stuck' || e.reissue?.stage === 'failed' || e.reissue?.stage === 'cancelled';
    // The first column stays the cursor's (›, seen without colour too), the second has ! for overdue
    // or stuck; a reissue under way shows its stage where the action would be.
    return {
      text: ` ${e.overdue || stuck ? '!' : ' '}${formatRow(layout, {
        domain: e.domain,
        module: e.module,
        // The detail's word (Enter) for a date the provider did not give.
        expires: e.expires ?? 'unknown',
        paid: e.paidUntil ?? 'unknown',
        actionOn: e.actionDate ?? '-',
        action: e.reissue ? e.reissue.stage : SHORT_ACTION[e.action],
        rev: reval,
        reason: e.reissue ? e.reissue.detail : [e.department ? `for ${e.department}` : '', e.reason ?? ''].filter(Boolean).join(': '),
      })}`,
      ...(e.overdue || stuck ? { color: 'red' } : e.reissue ? { color: 'cyan' } : e.action === 'manual-task' ? { color: 'yellow' } : e.action === 'end-of-term' ? { dim: true } : {}),
    };
  };
  const neverSynced = timeline.modules.every((m) => m.syncedAt === null);

  return (
    <Box flexDirection="column">
      {/* Wrapped, not cut: the filters in force and when the list was synced are what the rows mean. */}
      <Box paddingLeft={1}>
        <Paragraph width={columns - 2} text={summary} />
      </Box>
      {detailOpen && selected ? (
        <Box height={height + 1} flexDirection="column">
          <DetailPanel title={selected.domain} fields={entryDetail(selected)} width={columns - 1} height={height + 1} />
        </Box>
      ) : (
        <>
          <Text bold>{fit(`  ${headerRow(layout)}`, columns - 1)}</Text>
          <WindowList
            count={rows.length}
            cursor={position}
            height={height}
            row={row}
            empty={neverSynced ? ' No certificates yet: press s to sync them from the providers.' : ' No certificate matches these filters.'}
          />
        </>
      )}
      <Text> </Text>
      {selected?.reissue && unsuccessful(selected.reissue) ? (
        <Text wrap="truncate" color="red">
          {' '}
          {selected.domain}: {selected.reissue.detail}
        </Text>
      ) : selected?.reissue ? (
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
      {syncQuestion ? (
        <Box paddingLeft={2}>
          <Paragraph width={columns - 4} text={syncQuestion} color="yellow" />
        </Box>
      ) : (
      <Box>
        <Text>{sync.running ? <Spinner /> : ' '} </Text>
        <Paragraph width={columns - 4} text={status} />
      </Box>
      )}
    </Box>
  );
}
