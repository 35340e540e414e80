/**
 * Reissues in flight: the console's twin of `certops reissue status`. Every reissue of the ledger
 * not yet finished, and the finished ones of the last 30 days, with its stage (stuck ones say in
 * which stage they stalled), since when, and the day it must be served by; Enter shows one record
 * whole (what validation needs, the files, the hook, the probe, the tasks). The screen only reads:
 * the reissue run (timeline, r; or cron) is what moves a reissue on.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { daysBetween, formatDay, formatInstant, parseDay } from '../rules/calendar.js';
import { isFinished } from '../rules/reissue-lifecycle.js';
import type { LedgerRecord } from '../core/reissue/ledger.js';
import type { ReissueStatusEntry } from '../core/reissue/status.js';
import { useConsole, useKeys, useRemembered } from './context.js';
import { readReissue, readReissues, type ReissueRow, type ReissueRows } from './reissue-data.js';
import { wrapWords } from './widgets/paragraph.js';
import { columns as textColumns, fit, wrapColumns } from './widgets/text.js';
import { formatRow, layoutColumns, shows } from './widgets/columns.js';
import { listMove, WindowList } from './widgets/window-list.js';

/** Provider data on a terminal: control characters as ?, so a domain or a token cannot drive the terminal. */
const printable = (text: string) => text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?');

/** "stuck (validating)": the word is there without colour, and so is where it stalled. */
export function stageText(stage: ReissueStatusEntry['stage'], stuckIn?: string | null): string {
  return stage === 'stuck' ? `stuck (${stuckIn ?? '?'})` : stage;
}

/** "2026-11-23 03:17 UTC" from an ISO instant. */
const instant = formatInstant;

/** "served by 2026-12-20 (27 days left)", against the console's today. */
export function deadlineText(deadline: string, today: string): string {
  const from = parseDay(today);
  const to = parseDay(deadline);
  if (!from.ok || !to.ok) return deadline;
  const days = daysBetween(from.value, to.value);
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  return `${deadline} (${days === 0 ? 'today' : days > 0 ? `${plural(days)} left` : `${plural(-days)} late`})`;
}

/** `text` in at most `max` lines of `width` columns, broken between words; the last one ends in … when more was left. */
export function clampLines(text: string, width: number, max: number): string[] {
  const lines = wrapWords(text, width).filter((line, index, all) => line !== '' || index < all.length - 1);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = fit(`${kept[max - 1] as string} ${lines[max] as string}`, width);
  return kept;
}

const STAGE_FILTERS = ['all', 'in flight', 'stuck', 'finished'] as const;
type StageFilter = (typeof STAGE_FILTERS)[number];

const matchesStage = (entry: ReissueStatusEntry, filter: StageFilter) =>
  filter === 'all' || (filter === 'stuck' ? entry.stage === 'stuck' : filter === 'finished' ? isFinished(entry.stage) : !isFinished(entry.stage));

const colourOf = (entry: ReissueStatusEntry): { color?: string; dim?: boolean } =>
  entry.stage === 'stuck' ? { color: 'red' } : entry.stage === 'failed' || entry.stage === 'cancelled' ? { color: 'yellow' } : entry.stage === 'served' ? { dim: true } : {};

type Loaded = { readonly ok: true; readonly data: ReissueRows } | { readonly ok: false; readonly message: string };

function load<T>(read: () => T): { ok: true; data: T } | { ok: false; message: string } {
  try {
    return { ok: true, data: read() };
  } catch (error) {
    // A ledger that cannot be read is named with its problem, as `certops reissue status` does (exit 3).
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export function ReissuesScreen() {
  const { services } = useConsole();
  const [version, setVersion] = useState(0);
  const [older, setOlder] = useRemembered('older', false);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // The ledger of a big account takes a moment to fold: the screen shows at once, then fills in.
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setLoaded(load(() => readReissues(services, older))), 0);
    return () => clearTimeout(timer);
  }, [services, version, older]);
  if (!loaded) return <Text> Reading the reissue ledger…</Text>;
  if (!loaded.ok) return <LedgerProblem message={loaded.message} reload={reload} />;
  return <ReissueList data={loaded.data} reload={reload} older={older} toggleOlder={() => setOlder((o) => !o)} />;
}

function LedgerProblem({ message, reload }: { readonly message: string; readonly reload: () => void }) {
  const { columns } = useConsole();
  useKeys((input) => (input === 'r' ? (reload(), true) : false), 'r reload');
  return (
    <Box flexDirection="column">
      {wrapWords(printable(`The reissue ledger cannot be read: ${message}`), columns - 2).map((line, i) => (
        <Text key={i} color="red">
          {' '}
          {line}
        </Text>
      ))}
      <Text dimColor> certops reissue status names the same problem; certops never overwrites a file it cannot read.</Text>
    </Box>
  );
}

function ReissueList({ data, reload, older, toggleOlder }: { readonly data: ReissueRows; readonly reload: () => void; readonly older: boolean; readonly toggleOlder: () => void }) {
  const { services, columns, bodyRows, push } = useConsole();
  const moduleNames = useMemo(() => {
    const names = new Set(services.modules().map((module) => module.parameters.name));
    for (const row of data.rows) names.add(row.entry.module);
    return ['all', ...names];
  }, [services, data]);
  const [stageFilter, setStageFilter] = useRemembered('stageFilter', 0);
  const [moduleFilter, setModuleFilter] = useRemembered('moduleFilter', 0);
  const [cursor, setCursor] = useRemembered('cursor', 0);
  const [note, setNote] = useState('');
  const stage = STAGE_FILTERS[stageFilter] ?? 'all';
  const module = moduleNames[moduleFilter] ?? 'all';
  const rows = useMemo(() => data.rows.filter(({ entry }) => matchesStage(entry, stage) && (module === 'all' || entry.module === module)), [data, stage, module]);
  const position = Math.min(cursor, Math.max(0, rows.length - 1));
  const selected = rows[position];

  const open = (row: ReissueRow | undefined) => {
    if (!row) return;
    if (row.record) push({ id: 'reissue-record', recordId: row.record.id });
    else setNote('The ledger changed meanwhile: r reloads it.');
  };
  useKeys(
    (input, key) => {
      const moved = listMove(input, key, position, Math.max(0, rows.length - 1), height);
      setNote('');
      if (moved !== null) setCursor(moved);
      else if (key.return || input === 's') open(selected);
      else if (input === 'f') {
        setStageFilter((f) => (f + 1) % STAGE_FILTERS.length);
        setCursor(0);
      } else if (input === 'm') {
        setModuleFilter((f) => (f + 1) % moduleNames.length);
        setCursor(0);
      } else if (input === 'a') {
        toggleOlder();
        setCursor(0);
      } else if (input === 'r') reload();
      else return false;
      return true;
    },
    columns >= 100 ? '↑↓ move  Enter show  f stage  m module  a older finished  r reload' : 'Enter show·f stage·m module·a older·r reload',
  );

  // Columns by need: the domain, its stage and deadline stay whole; the module is shortened, the
  // new id and the hour go first on a narrow terminal.
  const wide = columns >= 110;
  const layout = useMemo(() => {
    const want = (header: string, pick: (row: ReissueRow) => string) => {
      let widest = textColumns(header);
      for (const row of rows) widest = Math.max(widest, textColumns(pick(row)));
      return widest;
    };
    return layoutColumns<'module' | 'domain' | 'stage' | 'since' | 'deadline' | 'id'>(
      [
        { id: 'module', header: 'Module', want: want('Module', (r) => printable(r.entry.module)), min: 10, priority: 4, cut: 'middle' },
        { id: 'domain', header: 'Domain', want: want('Domain', (r) => printable(r.entry.domain)), min: 16, priority: 9 },
        { id: 'stage', header: 'Stage', want: want('Stage', (r) => stageText(r.entry.stage, r.entry.stuckIn)), min: 12, priority: 8 },
        { id: 'since', header: 'Since', want: wide ? 16 : 10, priority: 5, optional: true },
        { id: 'deadline', header: 'Deadline', want: 10, priority: 7 },
        { id: 'id', header: 'New id', want: want('New id', (r) => printable(r.entry.newCertificateId ?? '-')), priority: 2, optional: true },
      ],
      columns - 4,
    );
  }, [rows, columns, wide]);
  const line = (mark: string, moduleText: string, domain: string, stageT: string, since: string, deadline: string, id: string) =>
    ` ${mark} ${formatRow(layout, { module: moduleText, domain, stage: stageT, since, deadline, id })}`;
  const row = (index: number) => {
    const { entry } = rows[index] as ReissueRow;
    const since = wide ? entry.since.slice(0, 16).replace('T', ' ') : entry.since.slice(0, 10);
    // The first column stays the cursor's (›, seen without colour too); ! marks a stuck reissue.
    return {
      text: line(entry.stage === 'stuck' ? '!' : ' ', printable(entry.module), printable(entry.domain), stageText(entry.stage, entry.stuckIn), since, entry.deadline, printable(entry.newCertificateId ?? '-')),
      ...colourOf(entry),
    };
  };
  const stuck = data.rows.filter(({ entry }) => entry.stage === 'stuck').length;
  const inFlight = data.rows.filter(({ entry }) => !isFinished(entry.stage)).length;
  const finished = data.rows.length - inFlight;
  // What the filters show against the whole ledger, and which finished ones it holds (a toggles them).
  const filtered = stage !== 'all' || module !== 'all';
  const headline = `${filtered ? `${rows.length} of ${data.rows.length} · ` : ''}stage: ${stage} · module: ${printable(module)} · ${inFlight} in flight${stuck ? `, ${stuck} stuck` : ''}, ${finished} finished ${older ? '(all)' : 'in the last 30 days'} · today ${data.today}`;
  const headLines = wrapWords(headline, columns - 2);
  const empty =
    data.rows.length === 0
      ? `No reissue is in flight on ${data.today}${older ? '' : ', and none finished in the last 30 days'}. The reissue run (t, then r; or cron) submits the due ones.`
      : `No reissue matches these filters (stage: ${stage}, module: ${printable(module)}). f: stage, m: module.`;
  // Summary, column header, the list, a blank line, two lines about the selected reissue, the legend.
  const height = Math.max(3, bodyRows - 5 - headLines.length);
  const about = selected
    ? clampLines(printable(`${selected.entry.domain}${shows(layout, 'id') ? '' : ` · new id ${selected.entry.newCertificateId ?? '-'}`}: ${selected.entry.detail}`), columns - 2, 2)
    : [];

  return (
    <Box flexDirection="column">
      {headLines.map((text, i) => (
        <Text key={i}> {text}</Text>
      ))}
      <Text bold>{fit(line(' ', 'Module', 'Domain', 'Stage', 'Since', 'Deadline', 'New id'), columns - 1)}</Text>
      {rows.length === 0 ? (
        // Wrapped, not cut: the keys that change the filters are at its end.
        <Box flexDirection="column" height={height}>
          {wrapWords(empty, columns - 2).map((text, i) => (
            <Text key={i} dimColor>
              {' '}
              {text}
            </Text>
          ))}
        </Box>
      ) : (
        <WindowList count={rows.length} cursor={position} height={height} row={row} />
      )}
      <Text> </Text>
      {[0, 1].map((i) => (
        <Text key={i}> {about[i] ?? ''}</Text>
      ))}
      <Text {...(note ? {} : { dimColor: true })}>{fit(
          ` ${
            note ||
            (older
              ? 'Also the ones finished over 30 days ago (a: only the last 30 days)'
              : stuck
                ? '! stuck: past its deadline, its department has a task · Enter: all of it'
                : 'Deadline: the day it must be served by · Enter: all of it')
          }`,
          columns - 1,
        )}</Text>
    </Box>
  );
}

/** One line of the record's view: a label, and its value (or a heading with no value). */
interface ViewLine {
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
}

const LABEL = 18;

/** A path in lines of `width` columns, broken after a / where one is near the end of the line (else cut). */
export function wrapPath(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (textColumns(rest) > width) {
    const head = wrapColumns(rest, width)[0] ?? rest;
    const slash = head.lastIndexOf('/');
    const cut = slash >= head.length / 3 ? slash + 1 : Math.max(1, head.length);
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  lines.push(rest);
  return lines;
}

/** The record as lines of the given width: every field, long values wrapped whole (tokens, paths). */
export function recordLines(entry: ReissueStatusEntry, record: LedgerRecord | null, today: string, width: number): ViewLine[] {
  const valueWidth = Math.max(10, width - 2 - LABEL - 1);
  const lines: ViewLine[] = [];
  const field = (label: string, value: string, color?: string, path = false) => {
    // Lines of the value stay lines (an HTTP validation file holds several); a path breaks after a /.
    (path ? wrapPath(printable(value), valueWidth) : wrapWords(value.split('\n').map(printable).join('\n'), valueWidth)).forEach((text, i) => lines.push({ text: `  ${fit(i === 0 ? label : '', LABEL)} ${text}`, ...(color ? { color } : {}) }));
  };
  const heading = (text: string) => lines.push({ text: ` ${text}`, bold: true });
  const stuck = entry.stage === 'stuck';
  field('Stage', `${stageText(entry.stage, entry.stuckIn)} since ${instant(entry.since)}`, stuck ? 'red' : undefined);
  field('Served by', isFinished(entry.stage) ? entry.deadline : deadlineText(entry.deadline, today), stuck ? 'red' : undefined);
  field('Processing module', `${entry.module} (id ${entry.moduleId})`);
  field('Domain', entry.domain);
  if (record && record.names.length > 0) field('Names', record.names.join(' '));
  field('Certificate', entry.certificateId);
  field('New certificate', entry.newCertificateId ?? 'not known yet');
  if (record) {
    field('Opened', `${instant(record.openedAt)}, ${record.origin === 'certops' ? 'submitted by certops' : 'found under way on the provider'}`);
    if (record.validationType) field('Validation type', record.validationType.toUpperCase());
  }
  const reason = record?.reason && (stuck || record.stage === 'failed' || record.stage === 'cancelled') ? record.reason : null;
  if (reason) field(stuck ? 'Why stuck' : 'Reason', reason, 'red');
  if (record && (record.stage === 'failed' || record.stage === 'cancelled')) {
    field('Retry', record.retryAskedAt ? `asked ${instant(record.retryAskedAt)}: the next reissue run sends it again, once` : 'not retried by itself: a asks the next reissue run to send it again (certops reissue retry ID)', record.retryAskedAt ? undefined : 'yellow');
  }
  // A stuck record's reason already ends with the detail of its stage.
  const detail = record?.detail ?? entry.detail;
  if (!reason || !reason.includes(detail)) field('Detail', detail);

  heading('Validation');
  const v = entry.validation;
  if (!v) field('Needs', entry.stage === 'submitted' ? 'the provider has not said yet' : 'nothing the provider described');
  else {
    field('Method', { dns: 'DNS record', http: 'HTTP file', email: 'approver e-mail', organization: "the organisation's validation", unknown: 'not described by the provider' }[v.method]);
    if (v.dnsRecord) {
      field('DNS record name', v.dnsRecord.name);
      field('DNS record type', v.dnsRecord.type);
      field('DNS record value', v.dnsRecord.value);
    }
    if (v.httpFile) {
      field('HTTP file path', v.httpFile.path, undefined, true);
      field('HTTP file content', v.httpFile.content);
    }
    if (v.approverEmail) field('Approver e-mail', v.approverEmail);
    if (v.detail) field('Provider says', v.detail);
  }

  heading('Delivery');
  const files = entry.files;
  if (!files) field('Files', 'not collected yet');
  else {
    field('Certificate file', files.cert, undefined, true);
    field('Chain', files.chain, undefined, true);
    field('Full chain', files.fullchain, undefined, true);
    if (files.key) field('Private key', files.key, undefined, true);
    else field('Private key', 'none here: the key stays with whoever made the CSR');
  }
  if (record) {
    if (record.notAfter) field('Not after', instant(record.notAfter));
    if (record.fingerprint) field('SHA-256', record.fingerprint);
    if (record.hookAttempts > 0 || record.hookRunning) {
      const last = record.lastHook;
      field(
        'Deploy hook',
        `${record.hookAttempts} attempt${record.hookAttempts === 1 ? '' : 's'}${record.hookRunning ? ', one running' : ''}${last ? `; the last ${last.exitCode === 0 ? 'succeeded' : `ended with exit code ${last.exitCode ?? 'unknown'}`}` : ''}`,
        last && last.exitCode !== 0 ? 'yellow' : undefined,
      );
      if (last && last.outputTail.trim()) field('Hook output', last.outputTail.trim().replace(/\s*\n\s*/g, ' ⏎ '));
    }
    if (record.deliveredAt) field('Delivered', instant(record.deliveredAt));
    for (const result of record.probe?.results ?? []) {
      const seen = result.seen === 'new' ? 'the new certificate' : result.seen === 'old' ? 'another certificate, not the new one' : `no answer: ${result.detail}`;
      field(`Probe ${result.seen === 'new' ? '✓' : '✗'}`, `${result.name} at ${result.target}: ${seen}`, result.seen === 'new' ? undefined : 'yellow');
    }
    const tasks = Object.entries(record.tasks);
    if (tasks.length > 0) field('Tasks', tasks.map(([purpose, id]) => `${id} (${purpose})`).join(', '));
    field('Client notified', record.notified ? 'yes' : 'not yet');
  }
  return lines;
}

export function ReissueRecordView({ recordId }: { readonly recordId: string }) {
  const { services, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const loaded = useMemo(() => load(() => readReissue(services, recordId)), [services, recordId, version]);
  const [offset, setOffset] = useState(0);
  const today = formatDay(services.today());
  const lines = useMemo(() => (loaded.ok && loaded.data ? recordLines(loaded.data.entry, loaded.data.record, today, columns - 1) : []), [loaded, today, columns]);
  // The title, a blank line, the lines, and the line that says where in them the view is.
  const height = Math.max(3, bodyRows - 3);
  const last = Math.max(0, lines.length - height);
  const top = Math.min(offset, last);

  // a: a failed or cancelled reissue is sent again by the next run, once asked (core/reissue/retry.ts).
  const [retryNote, setRetryNote] = useState<{ readonly text: string; readonly error: boolean } | null>(null);
  const retryable = loaded.ok && loaded.data !== null && (loaded.data.record.stage === 'failed' || loaded.data.record.stage === 'cancelled') && loaded.data.record.retryAskedAt === null;
  useKeys(
    (input, key) => {
      const moved = listMove(input, key, top, last, height);
      if (moved !== null) setOffset(moved);
      else if (input === 'r') setVersion((v) => v + 1);
      else if (input === 'a' && retryable) {
        setRetryNote({ text: 'Asking for a retry…', error: false });
        void services.retryReissue(recordId).then(
          (result) => {
            setRetryNote({ text: result.asked ? 'Retry asked: the next reissue run (r on the timeline, or cron) sends it again, once.' : `A retry was already asked on ${result.askedAt.slice(0, 10)}.`, error: false });
            setVersion((v) => v + 1);
          },
          (error: unknown) => setRetryNote({ text: `No retry: ${error instanceof Error ? error.message : String(error)}`, error: true }),
        );
      } else return false;
      return true;
    },
    `${retryable ? 'a retry  ' : ''}${lines.length > height ? '↑↓ PgUp PgDn scroll  r reload' : 'r reload'}`,
  );

  if (!loaded.ok) return <LedgerProblem message={loaded.message} reload={() => setVersion((v) => v + 1)} />;
  const row = loaded.data;
  if (!row) return <Text> The reissue ledger has no record {printable(recordId)}.</Text>;
  const { entry } = row;
  return (
    <Box flexDirection="column">
      <Text bold {...(entry.stage === 'stuck' ? { color: 'red' } : {})}>
        {fit(printable(` ${entry.domain} · ${stageText(entry.stage, entry.stuckIn)} · ${entry.module}`), columns - 1)}
      </Text>
      <Text> </Text>
      {lines.slice(top, top + height).map((line, i) => (
        <Text key={top + i} {...(line.color ? { color: line.color } : {})} bold={Boolean(line.bold)}>
          {fit(line.text, columns - 1)}
        </Text>
      ))}
      {lines.length > height ? <Text dimColor>{fit(` lines ${top + 1}-${Math.min(lines.length, top + height)} of ${lines.length}${top < last ? ' · ↓ PgDn for more' : ''}`, columns - 1)}</Text> : null}
      {retryNote ? <Text {...(retryNote.error ? { color: 'red' } : {})}>{fit(printable(` ${retryNote.text}`), columns - 1)}</Text> : null}
    </Box>
  );
}
