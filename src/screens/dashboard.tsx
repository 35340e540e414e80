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
import { lastContact, type LastContact } from '../core/check.js';
import { collectAfterBigBuild } from './collect-garbage.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { inFlightCounts, type InFlightCounts } from './reissue-data.js';
import { useSync } from './use-sync.js';
import { fit, since } from './widgets/text.js';
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
export function contactText(contact: LastContact | null, notVerified: boolean): string {
  if (!contact) return notVerified ? 'not verified' : 'never checked';
  const age = since(contact.at);
  if (contact.ok) return `✓ ${contact.by === 'sync' ? 'synced' : 'ok'} ${age}`;
  const cause = SHORT_CAUSES[contact.cause ?? ''] ?? contact.cause ?? 'failed';
  return `✗ ${contact.by === 'sync' ? 'sync: ' : ''}${cause} ${age}`;
}

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
    return {
      module,
      failed: contact !== null && !contact.ok,
      under: balance !== undefined && underMinimal(balance, min),
      values: {
        name: module.parameters.name,
        provider: PROVIDERS[module.provider].title,
        department: module.parameters.department,
        sort: String(module.parameters.sort),
        check: contactText(contact, module.notVerified),
        balance: formatBalanceCell(balance, min),
        due: dueOf ? `${dueOf.within7}/${dueOf.within30}/${dueOf.within90}` : due ? '-' : '…',
      },
    };
  });
  const want = (id: keyof (typeof cells)[number]['values'], header: string) => wantOf(header, cells.map((c) => c.values[id]));
  const layout = layoutColumns(
    [
      { id: 'name', header: 'Name', want: want('name', 'Name'), min: 10, priority: 7, cut: 'middle' },
      { id: 'provider', header: 'Provider', want: want('provider', 'Provider'), min: 8, priority: 3, optional: true },
      { id: 'department', header: 'Department', want: want('department', 'Department'), priority: 1, optional: true },
      { id: 'sort', header: 'Sort', want: want('sort', 'Sort'), priority: 2, optional: true, align: 'right' },
      // 16: "never checked", "✓ synced 10s ago" whole; a long failure's age is what gets cut.
      { id: 'check', header: 'Last check/sync', want: want('check', 'Last check/sync'), min: Math.min(16, want('check', 'Last check/sync')), priority: 5 },
      { id: 'balance', header: 'Balance/minimal', want: want('balance', 'Balance/minimal'), priority: 9 },
      { id: 'due', header: '7/30/90', want: want('due', '7/30/90'), priority: 8, align: 'right' },
    ],
    columns - 2,
  );
  const header = ` ${headerRow(layout)}`;
  const row = (index: number) => {
    const cell = cells[index];
    if (!cell) return { text: '' };
    return { text: ` ${formatRow(layout, cell.values)}`, ...(cell.failed ? { color: 'red' } : cell.under ? { color: 'yellow' } : {}) };
  };
  // The due line wraps rather than lose the 90-day count or the sync time on a narrow terminal.
  const dueText = totals
    ? `Due: ${totals.within7} in 7 days · ${totals.within30} in 30 · ${totals.within90} in 90${totals.overdue > 0 ? ` · ${totals.overdue} overdue` : ''} · synced ${since(due?.lastSync)}`
    : 'Due: counting…';
  const dueLines = wrapWords(dueText, columns - 3).length;
  // The sync's status line wraps when it asks a question or reports answers: they are read whole.
  const syncText = sync.question ? [sync.line, sync.question].filter(Boolean).join(' ') : sync.line;
  const syncLines = sync.running ? 1 : Math.max(1, wrapWords(syncText, columns - 4).length);

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
        <Text>
          <Spinner /> {fit(sync.line, columns - 4)}
        </Text>
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
 * " Reissues in flight: 12 (! 3 stuck) · oldest 9 days · i lists them". Stuck ones stand out in
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
  if (counts.inFlight === 0) return <Text>{fit(`${head}none${key}`, width)}</Text>;
  const oldest = counts.oldestInFlightDays === null ? '' : ` · oldest ${counts.oldestInFlightDays} day${counts.oldestInFlightDays === 1 ? '' : 's'}`;
  const room = Math.max(0, width - head.length - key.length);
  const stuck = counts.stuck > 0 ? ` (! ${counts.stuck} stuck)` : '';
  const text = fit(`${counts.inFlight}${stuck}${oldest}`, room).trimEnd();
  return (
    <Text>
      {head}
      {counts.stuck > 0 ? (
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
