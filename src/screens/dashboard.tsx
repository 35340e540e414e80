/**
 * Dashboard: every processing module with its provider, Sort, last connection check, balance
 * against its minimal balance, and the certificates whose action date falls in the next 7 / 30 /
 * 90 days. Every other screen is one key away.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { dueCounts } from '../core/timeline.js';
import { collectAfterBigBuild } from './collect-garbage.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { inFlightCounts, type InFlightCounts } from './reissue-data.js';
import { useSync } from './use-sync.js';
import { fit, fitRight, grouped, money, since } from './widgets/text.js';
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
};

export function Dashboard() {
  const { services, push, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const [cursor, setCursor] = useRemembered('cursor', 0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const [sync, startSync] = useSync(services, reload);

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
  const [due, setDue] = useState<{ totals: ReturnType<typeof dueCounts>; perModule: ReadonlyMap<number, ReturnType<typeof dueCounts>>; lastSync: string | null } | null>(null);
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
      });
      collectAfterBigBuild(timeline.entries.length);
    }, 0);
    return () => clearTimeout(timer);
  }, [services, version]);

  const { modules, state } = data;
  const totals = due?.totals;
  const perModule = due?.perModule ?? new Map<number, ReturnType<typeof dueCounts>>();
  // Fixed columns sized for 80 terminal columns; the name takes what a wider terminal adds.
  // Wider terminals show a balance and its minimal balance whole ("▼15,000 RUB/20,000").
  const widths = { sort: 4, check: 16, balance: columns >= 110 ? 24 : 17, due: 9, provider: columns >= 100 ? 16 : 13 };
  const nameWidth = Math.max(8, columns - 1 - 1 - widths.sort - widths.check - widths.balance - widths.due - widths.provider - 6);

  // The remembered cursor may point past a module removed meanwhile.
  const selected = modules[Math.min(cursor, modules.length - 1)];
  useKeys(
    (input, key) => {
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
    // At 80 columns the two-space form would cut "l logs"; one middle dot per key still reads.
    columns >= 100
      ? 'a add  m modules  c check  b balances  s sync  t timeline  o tasks  i in flight  p policy  l logs'
      : 'a add·m modules·c check·b balances·s sync·t timeline·o tasks·i in flight·p policy·l logs',
  );

  const header = ` ${fit('Name', nameWidth)} ${fit('Provider', widths.provider)} ${fitRight('Sort', widths.sort)} ${fit('Last check', widths.check)} ${fit('Balance/minimal', widths.balance)} ${fitRight('7/30/90', widths.due)}`;
  const row = (index: number) => {
    const module = modules[index];
    if (!module) return { text: '' };
    const check = state.checks[String(module.id)];
    const balance = state.balances[String(module.id)];
    const min = module.parameters.minimalBalance;
    // What can be spent is what the minimal balance guards (eNom's AvailableBalance, where given).
    const spendable = balance ? (balance.available ?? balance.amount) : null;
    const under = spendable !== null && min !== null && spendable < min;
    // Terse, to fit 80 columns: "✓ 42 ms 3m", "✗ credentials 3m".
    const age = since(check?.at).replace(' ago', '');
    const checkText = check ? (check.ok ? `✓ ${check.roundTripMs ?? 0} ms ${age}` : `✗ ${SHORT_CAUSES[check.cause ?? ''] ?? check.cause ?? ''} ${age}`) : module.notVerified ? 'not verified' : 'never checked';
    // Whole units keep amount, currency and the minimal balance in the column at 80 columns.

    const balanceText = balance
      ? `${under ? '▼' : ''}${grouped(spendable ?? balance.amount)} ${balance.currency}${min !== null ? `/${grouped(min)}` : ''}`
      : `unknown${min !== null ? `/${grouped(min)}` : ''}`;
    const dueOf = perModule.get(module.id);
    return {
      text: ` ${fit(module.parameters.name, nameWidth)} ${fit(PROVIDERS[module.provider].title, widths.provider)} ${fitRight(String(module.parameters.sort), widths.sort)} ${fit(checkText, widths.check)} ${fit(balanceText, widths.balance)} ${fitRight(dueOf ? `${dueOf.within7}/${dueOf.within30}/${dueOf.within90}` : due ? '-' : '…', widths.due)}`,
      ...(check && !check.ok ? { color: 'red' } : under ? { color: 'yellow' } : {}),
    };
  };

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
        height={Math.max(3, bodyRows - 7 - data.warnings.length)}
        row={row}
        empty=" No processing module yet. Press a to add one (BILLmanager's wizard: product type, module, integration, parameters, check)."
      />
      <Text> </Text>
      {totals ? (
        <Text wrap="truncate">
          {' '}Due: <Text bold>{totals.within7}</Text> in 7 days · <Text bold>{totals.within30}</Text> in 30 · <Text bold>{totals.within90}</Text> in 90
          {totals.overdue > 0 ? <Text color="red"> · {totals.overdue} overdue</Text> : null}
          <Text dimColor> · synced {since(due?.lastSync)}</Text>
        </Text>
      ) : (
        <Text dimColor> Due: counting…</Text>
      )}
      {reissues ? <ReissuesLine counts={reissues} width={columns - 1} /> : <Text dimColor> Reissues in flight: counting…</Text>}
      {pending ? <PendingLine pending={pending} width={columns - 1} /> : <Text dimColor> Manual tasks: counting…</Text>}
      <Text>
        {sync.running ? <Spinner /> : ' '} {fit(sync.line, columns - 4)}
      </Text>
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
