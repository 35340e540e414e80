/** Processing modules: the list, one module's settings (secrets as ••••), edit, check and remove. */
import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';
import { maskedModule } from '../core/modules.js';
import type { StoredModule } from '../core/store.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { fit, since } from './widgets/text.js';
import { formatRow, headerRow, layoutColumns, wantOf } from './widgets/columns.js';
import { Paragraph, wrapWords } from './widgets/paragraph.js';
import { contactText } from './dashboard.js';
import { CAUSE_LABELS, lastContact } from '../core/check.js';
import { formatAmount, formatBalance, spendable, UNDER_MINIMAL, underMinimal } from '../core/balance.js';
import { ADDRESS_FIELD, addressSentence, moduleAddress } from '../core/module-address.js';
import { removalConsequences } from '../core/module-removal.js';
import type { ConsoleServices } from '../core/services.js';
import type { FailureCause } from '../providers/types.js';
import { WindowList } from './widgets/window-list.js';

/**
 * Asks "Remove NAME? y/n" in place, saying what stays behind (open manual tasks, reissues in
 * flight) and what becomes of it; only 'y' removes.
 */
function useRemoval(onRemoved: () => void) {
  const { services } = useConsole();
  const [asking, setAskingModule] = useState<StoredModule | null>(null);
  const [consequences, setConsequences] = useState<readonly string[]>([]);
  const setAsking = (module: StoredModule | null) => {
    setConsequences(module ? removalConsequences(services.removalImpact(module)) : []);
    setAskingModule(module);
  };
  const [message, setMessage] = useState('');
  const handle = (input: string): boolean => {
    if (!asking) return false;
    if (/^y/i.test(input)) {
      const module = asking;
      setAsking(null);
      void services.removeModule(module).then(
        () => {
          setMessage(`Removed the processing module "${module.parameters.name}".`);
          onRemoved();
        },
        (error: unknown) => setMessage(`Not removed: ${(error as Error).message}`),
      );
    } else {
      setAsking(null);
      setMessage('Nothing removed.');
    }
    return true;
  };
  return { asking, consequences, message, ask: setAsking, handle };
}

/**
 * Each module's last sync, read after the first frame (the inventory can hold 100 000
 * certificates): a sync newer than the last check says more about the connection.
 */
function useSyncs(version: number): ReturnType<ConsoleServices['syncs']> | null {
  const { services } = useConsole();
  const [syncs, setSyncs] = useState<ReturnType<ConsoleServices['syncs']> | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSyncs(services.syncs()), 0);
    return () => clearTimeout(timer);
  }, [services, version]);
  return syncs;
}

export function ModulesScreen() {
  const { services, push, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const [cursor, setCursor] = useRemembered('cursor', 0);
  const modules = useMemo(() => services.modules(), [services, version]);
  const state = useMemo(() => services.state(), [services, version]);
  const syncs = useSyncs(version);
  const removal = useRemoval(() => setVersion((v) => v + 1));
  const selected = modules[Math.min(cursor, modules.length - 1)];

  useKeys(
    (input, key) => {
      if (removal.handle(input)) return true;
      if (up(input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (down(input, key)) setCursor((c) => Math.min(modules.length - 1, c + 1));
      else if (key.return && selected) push({ id: 'module', moduleId: selected.id });
      else if (input === 'e' && selected) push({ id: 'edit', moduleId: selected.id });
      else if (input === 'c' && selected) push({ id: 'check', moduleIds: [selected.id] });
      else if (input === 'd' && selected) removal.ask(selected);
      else if (input === 'a') push({ id: 'wizard' });
      else return false;
      return true;
    },
    removal.asking ? 'y remove  any other key keeps it' : 'Enter view  e edit  c check  d remove  a add',
  );

  const cells = modules.map((m) => ({
    name: m.parameters.name,
    provider: PROVIDERS[m.provider].title,
    sort: String(m.parameters.sort),
    department: m.parameters.department,
    check: contactText(lastContact(state.checks[String(m.id)], syncs?.get(m.id)), m.notVerified),
  }));
  const want = (id: keyof (typeof cells)[number], header: string) => wantOf(header, cells.map((c) => c[id]));
  const layout = layoutColumns(
    [
      { id: 'name', header: 'Name', want: want('name', 'Name'), min: 12, priority: 9, cut: 'middle' },
      { id: 'provider', header: 'Provider', want: want('provider', 'Provider'), min: 8, priority: 6 },
      { id: 'sort', header: 'Sort', want: want('sort', 'Sort'), priority: 4, align: 'right' },
      { id: 'department', header: 'Department', want: want('department', 'Department'), min: 10, priority: 5 },
      { id: 'check', header: 'Last check/sync', want: want('check', 'Last check/sync'), min: 12, priority: 7 },
    ],
    columns - 2,
  );
  const questionLines = removal.asking ? 1 + removal.consequences.reduce((sum, line) => sum + wrapWords(line, columns - 4).length, 0) : 1;
  return (
    <Box flexDirection="column">
      <Text bold>{fit(` ${headerRow(layout)}`, columns - 1)}</Text>
      <WindowList
        count={modules.length}
        cursor={Math.min(cursor, Math.max(0, modules.length - 1))}
        height={Math.max(3, bodyRows - 3 - questionLines)}
        empty=" No processing module yet. Press a to add one."
        row={(index) => {
          const m = modules[index] as StoredModule;
          const contact = lastContact(state.checks[String(m.id)], syncs?.get(m.id));
          return { text: ` ${formatRow(layout, cells[index] ?? {})}`, ...(contact && !contact.ok ? { color: 'red' } : {}) };
        }}
      />
      <Text> </Text>
      <RemovalQuestion removal={removal} width={columns - 1} />
    </Box>
  );
}

/** The question before a removal: the module, what stays behind and what becomes of it, y or keep. */
function RemovalQuestion({ removal, width }: { readonly removal: ReturnType<typeof useRemoval>; readonly width: number }) {
  if (!removal.asking) return <Text>{removal.message}</Text>;
  const module = removal.asking;
  return (
    <Box flexDirection="column">
      <Paragraph
        color="yellow"
        width={width}
        text={`Remove the processing module "${module.parameters.name}" (${PROVIDERS[module.provider].title})?${removal.consequences.length ? '' : ' It has no open manual task and no reissue in flight.'} Press y to remove, any other key to keep it.`}
      />
      {removal.consequences.map((line) => (
        <Box key={line} paddingLeft={2}>
          <Paragraph color="yellow" width={width - 2} lead="• " text={line} />
        </Box>
      ))}
    </Box>
  );
}

export function ModuleView({ moduleId }: { readonly moduleId: number }) {
  const { services, push, pop, columns } = useConsole();
  const [version, setVersion] = useState(0);
  const module = useMemo(() => services.modules().find((m) => m.id === moduleId), [services, moduleId, version]);
  const state = useMemo(() => services.state(), [services, version]);
  const syncs = useSyncs(version);
  const removal = useRemoval(() => pop());

  useKeys(
    (input) => {
      if (removal.handle(input)) return true;
      if (!module) return false;
      if (input === 'e') push({ id: 'edit', moduleId: module.id });
      else if (input === 'c') push({ id: 'check', moduleIds: [module.id] });
      else if (input === 'd') removal.ask(module);
      else if (input === 'r') setVersion((v) => v + 1);
      else return false;
      return true;
    },
    removal.asking ? 'y remove  any other key keeps it' : 'e edit  c check  d remove',
  );

  if (!module) return <Text>This processing module no longer exists.</Text>;
  const masked = maskedModule(module);
  const check = state.checks[String(module.id)];
  const balance = state.balances[String(module.id)];
  const balanceFailure = state.balanceFailures[String(module.id)];
  const sync = syncs?.get(module.id);
  const labels = new Map(providerModule(module.provider).fields.map((f) => [f.key, f.label]));
  const line = (label: string, value: unknown) => (
    <Text key={label}>
      {'  '}
      {fit(label, 20)} {fit(value === undefined || value === null || value === '' ? '-' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value), columns - 26)}
    </Text>
  );
  return (
    <Box flexDirection="column">
      <Text bold>
        {module.parameters.name} <Text dimColor>({PROVIDERS[module.provider].title}, id {module.id})</Text>
        {module.notVerified ? <Text color="yellow"> not verified</Text> : null}
      </Text>
      <Text dimColor>Integration settings</Text>
      {Object.entries(masked.integration)
        .filter(([key]) => labels.has(key) || key === 'serviceUrl')
        .map(([key, value]) => line(labels.get(key) ?? 'Service URL', value))}
      {/* Which address wins, as the wizard says it: the provider's own setting or the endpoint. */}
      <Box paddingLeft={2}>
        <Paragraph width={columns - 4} text={addressSentence(module.provider, moduleAddress(module.provider, module.integration, module.network), labels.get(ADDRESS_FIELD[module.provider]) ?? 'address')} />
      </Box>
      <Text dimColor>Processing module parameters</Text>
      {line('Department', module.parameters.department)}
      {line('Sort', module.parameters.sort)}
      {line('Minimal balance', module.parameters.minimalBalance === null ? 'none (no low-balance check)' : formatAmount(module.parameters.minimalBalance))}
      {PROVIDERS[module.provider].hasDataCenter ? line('Data center', module.parameters.dataCenter) : null}
      <Text dimColor>Advanced network settings (certops' own; not in BILLmanager)</Text>
      {module.network.endpoint ? line('Endpoint', module.network.endpoint) : null}
      {line('Timeouts', `connect ${module.network.connectTimeoutMs / 1000} s, total ${module.network.totalTimeoutMs / 1000} s`)}
      {module.network.caFile ? line('CA file', module.network.caFile) : null}
      <Text dimColor>Status</Text>
      {line('Last check', check ? (check.ok ? `ok, answered in ${check.roundTripMs ?? 0} ms, ${since(check.at)}` : `failed: ${CAUSE_LABELS[check.cause as FailureCause] ?? check.cause ?? ''} (${since(check.at)})`) : 'never')}
      {line('Last sync', sync ? (sync.failedSync ? `failed: ${CAUSE_LABELS[sync.failedSync.cause as FailureCause] ?? sync.failedSync.cause} (${since(sync.failedSync.at)})${sync.syncedAt ? `; the list of ${since(sync.syncedAt)} is kept` : ''}` : sync.syncedAt ? `ok, ${since(sync.syncedAt)}` : 'never') : '…')}
      {line(
        'Balance',
        [
          balanceFailure && (!balance || balanceFailure.at >= balance.at)
            ? `the last read failed: ${CAUSE_LABELS[balanceFailure.cause as FailureCause] ?? balanceFailure.cause} (${since(balanceFailure.at)})${balance ? `; read before: ${formatBalance(spendable(balance), balance.currency)} (${since(balance.at)})` : ''}`
            : '',
          balance && !(balanceFailure && balanceFailure.at >= balance.at)
            ? `${formatBalance(spendable(balance), balance.currency)}${balance.available != null ? ' can be spent' : ''} (${since(balance.at)})${underMinimal(balance, module.parameters.minimalBalance) ? ` ▼ ${UNDER_MINIMAL} ${formatBalance(module.parameters.minimalBalance ?? 0, balance.currency)}` : ''}`
            : '',
        ].join('') || 'unknown (b on the dashboard queries it)',
      )}
      <Text> </Text>
      <RemovalQuestion removal={removal} width={columns - 1} />
    </Box>
  );
}
