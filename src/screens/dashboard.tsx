/**
 * Dashboard: every processing module with its provider, Sort, last connection check, balance
 * against its minimal balance, and the certificates whose action date falls in the next 7 / 30 /
 * 90 days. Every other screen is one key away.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { dueCounts, type Timeline } from '../core/timeline.js';
import { formatBalanceCell, underMinimal } from '../core/balance.js';
import { CAUSE_LABELS, lastContact, type LastContact } from '../core/check.js';
import type { FailureCause } from '../providers/types.js';
import { collectAfterBigBuild } from './collect-garbage.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { inFlightCounts, type InFlightCounts } from './reissue-data.js';
import { useSync } from './use-sync.js';
import { columns as columnsOf, fit, since } from './widgets/text.js';
import { formatRow, headerRow, layoutColumns, wantOf } from './widgets/columns.js';
import { Paragraph, wrapWords } from './widgets/paragraph.js';
import { WindowList } from './widgets/window-list.js';
import { Spinner } from './widgets/spinner.js';

/** Failure causes in a dozen characters, for the 80-column check column. */
const SHORT_CAUSES: Readonly<Record<string, string>> = {
  credentials: 'credentials',
  'ip-not-allowed': 'IP refused',
  'account-locked': 'locked',
  'unexpected-response': 'bad answer',
  'http-status': 'HTTP error',
  'tls-untrusted': 'TLS untrusted',
  'too-large': 'too large',
  'provider-error': 'provider err',
  'insecure-url': 'insecure URL',
  configuration: 'config',
  refused: 'refused',
  timeout: 'timeout',
  dns: 'DNS',
  tls: 'TLS',
  network: 'network',
  'shrink-refused': 'shrink refused',
};

/**
 * The newest word from the provider, check or sync, in a few words: "✓ ok 10s ago", "✓ synced 2m
 * ago", "✗ IP refused 3d ago" (a failed sync says so: "✗ sync: DNS 1h ago").
 */
export function contactText(contact: LastContact | null, notVerified: boolean, age = contact ? since(contact.at) : '', long = false): string {
  if (!contact) return notVerified ? 'not verified' : 'never checked';
  if (contact.ok) return `✓ ${contact.by === 'sync' ? 'synced' : 'ok'} ${age}`;
  const cause = (long ? CAUSE_LABELS[contact.cause as FailureCause] : SHORT_CAUSES[contact.cause ?? '']) ?? contact.cause ?? 'failed';
  return `✗ ${contact.by === 'sync' ? 'sync: ' : ''}${cause} ${age}`;
}

/**
 * The age as the column is sized for it: as long as an age gets within days ("59m ago"), so the
 * columns do not move as "9s ago" becomes "10s ago".
 */
const WIDEST_AGE = '59m ago';

export function Dashboard() {
  const { services, push, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const [cursor, setCursor] = useRemembered('cursor', 0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const [sync, startSync, answerSync] = useSync(services, reload);

  // Modules, checks and balances are small and shown at once; the due counts need the whole
  // timeline (100 000 certificates in a big account), so they follow the first frame.
  const data = useMemo(() => ({ modules: services.modules(), state: services.state(), warnings: services.permissionWarnings() }), [services, version]);
  // Open manual tasks per department: tasks.json can hold thousands, so it is read after the first frame too.
  const [pending, setPending] = useState<ReturnType<typeof services.pendingTasks> | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setPending(services.pendingTasks()), 0);
    return () => clearTimeout(timer);
  }, [services, version]);
  // Reissues in flight and stuck, from the ledger (which grows with every reissue): after the first frame too.
  const [reissues, setReissues] = useState<InFlightCounts | { readonly problem: string } | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => {
      try {
        setReissues(inFlightCounts(services));
      } catch (error) {
        setReissues({ problem: error instanceof Error ? error.message : String(error) });
      }
    }, 0);
    return () => clearTimeout(timer);
  }, [services, version]);
  const [due, setDue] = useState<{ totals: ReturnType<typeof dueCounts>; perModule: ReadonlyMap<number, ReturnType<typeof dueCounts>>; lastSync: string | null; syncs: ReadonlyMap<number, Timeline['modules'][number]> } | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => {
      const timeline = services.timeline();
      const today = services.today();
      const byModule = new Map<number, typeof timeline.entries[number][]>();
      for (const entry of timeline.entries) {
        const list = byModule.get(entry.moduleId);
        if (list) list.push(entry);
        else byModule.set(entry.moduleId, [entry]);
      }
      setDue({
        totals: dueCounts(timeline.entries, today),
        perModule: new Map([...byModule].map(([id, entries]) => [id, dueCounts(entries, today)])),
        lastSync: timeline.modules.map((m) => m.syncedAt).filter((s): s is string => s !== null).sort().at(0) ?? null,
        syncs: new Map(timeline.modules.map((m) => [m.id, m])),
      });
      collectAfterBigBuild(timeline.entries.length);
    }, 0);
    return () => clearTimeout(timer);
  }, [services, version]);

  const { modules, state } = data;
  const totals = due?.totals;
  const perModule = due?.perModule ?? new Map<number, ReturnType<typeof dueCounts>>();
  const syncs = due?.syncs;

  // The remembered cursor may point past a module removed meanwhile.
  const selected = modules[Math.min(cursor, modules.length - 1)];
  useKeys(
    (input, key) => {
      // A sync's question (take a much shorter list?) waits for y/n before anything else.
      if (answerSync(input, key)) return true;
      if (up(input, key)) setCursor((c) => Math.max(0, Math.min(c, modules.length - 1) - 1));
      else if (down(input, key)) setCursor((c) => Math.min(modules.length - 1, c + 1));
      else if (key.return && selected) push({ id: 'module', moduleId: selected.id });
      else if (input === 'a') push({ id: 'wizard' });
      else if (input === 'm') push({ id: 'modules' });
      else if (input === 'c') push({ id: 'check' });
      else if (input === 'b') push({ id: 'balances' });
      else if (input === 't') push({ id: 'timeline' });
      else if (input === 'i') push({ id: 'reissues' });
      else if (input === 'o') push({ id: 'tasks' });
      else if (input === 'p') push({ id: 'policy' });
      else if (input === 'l') push({ id: 'logs' });
      else if (input === 's') startSync();
      else if (input === 'r') reload();
      else return false;
      return true;
    },
    sync.hints ?? 'Enter module  a add  m modules  c check  b balances  s sync  t timeline  o tasks  i in flight  p policy  l logs',
  );

  // Each cell's text first: the columns take the width their values need, and a narrow terminal
  // shortens or hides the least needed (department, Sort, provider) before the balance against its
  // minimal balance or the due counts, which are never cut.
  const cells = modules.map((module) => {
    const contact = lastContact(state.checks[String(module.id)], syncs?.get(module.id));
    const balance = state.balances[String(module.id)];
    const min = module.parameters.minimalBalance;
    const dueOf = perModule.get(module.id);
    const age = contact ? since(contact.at) : '';
    return {
      module,
      failed: contact !== null && !contact.ok,
      under: balance !== undefined && underMinimal(balance, min),
      // The check cell as wide as it will get (its longest age), and its long form for a wide terminal.
      widest: contactText(contact, module.notVerified, columnsOf(age) > WIDEST_AGE.length ? age : WIDEST_AGE),
      widestLong: contactText(contact, module.notVerified, columnsOf(age) > WIDEST_AGE.length ? age : WIDEST_AGE, true),
      long: contactText(contact, module.notVerified, age, true),
      values: {
        name: module.parameters.name,
        provider: PROVIDERS[module.provider].title,
        department: module.parameters.department,
        sort: String(module.parameters.sort),
        check: contactText(contact, module.notVerified, age),
        balance: formatBalanceCell(balance, min, state.balanceFailures?.[String(module.id)]),
        due: dueOf ? `${dueOf.within7}/${dueOf.within30}/${dueOf.within90}` : due ? '-' : '…',
      },
    };
  });
  const want = (id: keyof (typeof cells)[number]['values'], header: string) => wantOf(header, cells.map((c) => c.values[id]));
  // The columns are sized for each value's longest form, not for the text of the moment: the
  // check's age grows ("9s ago", "10s ago", "45m ago") without moving every column after it.
  const checkWant = wantOf('Last check/sync', cells.map((c) => c.widest));
  const checkWantLong = wantOf('Last check/sync', cells.map((c) => c.widestLong));
  const lay = (longCauses: boolean, gap: number) =>
    layoutColumns(
      [
        { id: 'name', header: 'Name', want: want('name', 'Name'), min: 10, priority: 8, cut: 'middle' },
        // Hidden rather than shortened: the module's name says the provider already.
        { id: 'provider', header: 'Provider', want: want('provider', 'Provider'), priority: 3, optional: true },
        { id: 'department', header: 'Department', want: want('department', 'Department'), priority: 1, optional: true },
        { id: 'sort', header: 'Sort', want: want('sort', 'Sort'), priority: 2, optional: true, align: 'right' },
        // Cut in its middle when it must be: the age at its end is kept.
        { id: 'check', header: 'Last check/sync', want: longCauses ? checkWantLong : checkWant, min: 16, priority: 5, cut: 'middle' },
        { id: 'balance', header: 'Balance/minimal', want: want('balance', 'Balance/minimal'), priority: 9 },
        { id: 'due', header: '7/30/90', want: want('due', '7/30/90'), priority: 7, align: 'right' },
      ],
      columns - 2,
      gap,
    );
  // A wide terminal spreads the columns: the causes in full words first, then wider gaps (up to 4).
  const long = lay(true, 1);
  const longCauses = long.hidden.length === 0 && long.columns.find((c) => c.id === 'check')?.width === checkWantLong && long.columns.find((c) => c.id === 'name')?.width === want('name', 'Name');
  const tight = longCauses ? long : lay(false, 1);
  const gaps = Math.max(0, tight.columns.length - 1);
  const spare = columns - 2 - tight.width;
  const layout = longCauses && gaps > 0 && spare >= gaps ? lay(true, 1 + Math.min(3, Math.floor(spare / gaps))) : tight;
  const shown = (cell: (typeof cells)[number]) => (longCauses ? { ...cell.values, check: cell.long } : cell.values);
  const header = ` ${headerRow(layout)}`;
  const row = (index: number) => {
    const cell = cells[index];
    if (!cell) return { text: '' };
    return { text: ` ${formatRow(layout, shown(cell))}`, ...(cell.failed ? { color: 'red' } : cell.under ? { color: 'yellow' } : {}) };
  };
  // The due line wraps rather than lose the 90-day count or the sync time on a narrow terminal.
  const dueText = totals
    ? `Due: ${totals.within7} in 7 days · ${totals.within30} in 30 · ${totals.within90} in 90${totals.overdue > 0 ? ` · ${totals.overdue} overdue` : ''} · synced ${since(due?.lastSync)}`
    : 'Due: counting…';
  const dueLines = wrapWords(dueText, columns - 3).length;
  // The sync's status line wraps when it asks a question or reports answers: they are read whole.
  const syncText = sync.question ? [sync.line, sync.question].filter(Boolean).join(' ') : sync.line;
  const syncLines = Math.max(1, wrapWords(syncText, columns - 4).length);

  return (
    <Box flexDirection="column">
      {data.warnings.map((w) => (
        <Text key={w} color="yellow">
          {fit(`warning: ${w}`, columns - 1)}
        </Text>
      ))}
      <Text bold>{fit(header, columns - 1)}</Text>
      <WindowList
        count={modules.length}
        cursor={Math.min(cursor, Math.max(0, modules.length - 1))}
        height={Math.max(3, bodyRows - 5 - dueLines - syncLines - data.warnings.length)}
        row={row}
        empty=" No processing module yet. Press a to add one (BILLmanager's wizard: product type, module, integration, parameters, check)."
      />
      <Text> </Text>
      {totals ? (
        <Box paddingLeft={1}>
          <Paragraph width={columns - 3} text={dueText} />
        </Box>
      ) : (
        <Text dimColor> {dueText}</Text>
      )}
      {reissues ? <ReissuesLine counts={reissues} width={columns - 1} /> : <Text dimColor> Reissues in flight: counting…</Text>}
      {pending ? <PendingLine pending={pending} width={columns - 1} /> : <Text dimColor> Manual tasks: counting…</Text>}
      {sync.running ? (
        // Each module's progress read whole: wrapped beside the spinner, not cut.
        <Box>
          <Text>
            <Spinner />{' '}
          </Text>
          <Paragraph width={columns - 4} text={sync.line} />
        </Box>
      ) : (
        <Box paddingLeft={2}>
          <Paragraph width={columns - 4} text={syncText || ' '} {...(sync.question ? { color: 'yellow' } : {})} />
        </Box>
      )}
    </Box>
  );
}

/** " Manual tasks: 12 open (SSL desk 8, Sales 4) · o lists them"; cut to the width, the key kept. */
function PendingLine({ pending, width }: { readonly pending: ReadonlyArray<{ readonly department: string; readonly open: number }>; readonly width: number }) {
  const open = pending.filter((p) => p.open > 0);
  const total = open.reduce((sum, p) => sum + p.open, 0);
  const key = ' · o lists them';
  if (total === 0) return <Text>{fit(` Manual tasks: none open${key}`, width)}</Text>;
  const departments = open.map((p) => `${p.department.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?')} ${p.open}`).join(', ');
  const head = ` Manual tasks: `;
  const detail = fit(`${total} open (${departments})`, Math.max(0, width - head.length - key.length)).trimEnd();
  return (
    <Text>
      {head}
      <Text bold color="yellow">
        {detail}
      </Text>
      {key}
    </Text>
  );
}

/**
 * " Reissues in flight: 12 (! 3 stuck, 1 failed) · oldest 9 days · i lists them". Stuck and failed ones stand out in
 * red, and by the ! and the word without colour; the key is kept when the line is cut.
 */
function ReissuesLine({ counts, width }: { readonly counts: InFlightCounts | { readonly problem: string }; readonly width: number }) {
  const key = ' · i lists them';
  const head = ' Reissues in flight: ';
  if ('problem' in counts) {
    return (
      <Text>
        {head}
        <Text color="red">{fit(`the ledger cannot be read (${counts.problem.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?')})`, Math.max(0, width - head.length - key.length)).trimEnd()}</Text>
        {key}
      </Text>
    );
  }
  const failed = counts.failed > 0 ? `${counts.failed} failed` : '';
  if (counts.inFlight === 0 && !failed) return <Text>{fit(`${head}none${key}`, width)}</Text>;
  const days = counts.oldestInFlightDays;
  const oldest = days === null ? '' : days === 0 ? ' · all since today' : ` · oldest ${days} day${days === 1 ? '' : 's'}`;
  const room = Math.max(0, width - head.length - key.length);
  const alarms = [counts.stuck > 0 ? `${counts.stuck} stuck` : '', failed].filter(Boolean).join(', ');
  const text = fit(`${counts.inFlight}${alarms ? ` (! ${alarms})` : ''}${oldest}`, room).trimEnd();
  return (
    <Text>
      {head}
      {alarms ? (
        <Text bold color="red">
          {text}
        </Text>
      ) : (
        text
      )}
      {key}
    </Text>
  );
}
