/** Processing modules: the list, one module's settings (secrets as ••••), edit, check and remove. */
import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';
import { maskedModule } from '../core/modules.js';
import type { StoredModule } from '../core/store.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { fit, fitRight, since, grouped } from './widgets/text.js';
import { WindowList } from './widgets/window-list.js';

/** Asks "Remove NAME? y/n" in place; only 'y' removes. */
function useRemoval(onRemoved: () => void) {
  const { services } = useConsole();
  const [asking, setAsking] = useState<StoredModule | null>(null);
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
  return { asking, message, ask: setAsking, handle };
}

export function ModulesScreen() {
  const { services, push, columns, bodyRows } = useConsole();
  const [version, setVersion] = useState(0);
  const [cursor, setCursor] = useRemembered('cursor', 0);
  const modules = useMemo(() => services.modules(), [services, version]);
  const state = useMemo(() => services.state(), [services, version]);
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

  const nameWidth = Math.max(12, columns - 56);
  return (
    <Box flexDirection="column">
      <Text bold>{fit(` ${fit('Name', nameWidth)} ${fit('Provider', 17)} ${fitRight('Sort', 4)} ${fit('Department', 14)} ${fit('Check', 14)}`, columns - 1)}</Text>
      <WindowList
        count={modules.length}
        cursor={Math.min(cursor, Math.max(0, modules.length - 1))}
        height={Math.max(3, bodyRows - 4)}
        empty=" No processing module yet. Press a to add one."
        row={(index) => {
          const m = modules[index] as StoredModule;
          const check = state.checks[String(m.id)];
          const checkText = check ? (check.ok ? `ok ${since(check.at)}` : `FAILED ${since(check.at)}`) : m.notVerified ? 'not verified' : '-';
          return {
            text: ` ${fit(m.parameters.name, nameWidth)} ${fit(PROVIDERS[m.provider].title, 17)} ${fitRight(String(m.parameters.sort), 4)} ${fit(m.parameters.department, 14)} ${fit(checkText, 14)}`,
            ...(check && !check.ok ? { color: 'red' } : {}),
          };
        }}
      />
      <Text> </Text>
      {removal.asking ? (
        <Text color="yellow" bold>
          Remove the processing module "{removal.asking.parameters.name}" ({PROVIDERS[removal.asking.provider].title})? Press y to remove, any other key to keep it.
        </Text>
      ) : (
        <Text>{removal.message}</Text>
      )}
    </Box>
  );
}

export function ModuleView({ moduleId }: { readonly moduleId: number }) {
  const { services, push, pop, columns } = useConsole();
  const [version, setVersion] = useState(0);
  const module = useMemo(() => services.modules().find((m) => m.id === moduleId), [services, moduleId, version]);
  const state = useMemo(() => services.state(), [services, version]);
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
      <Text dimColor>Processing module parameters</Text>
      {line('Department', module.parameters.department)}
      {line('Sort', module.parameters.sort)}
      {line('Minimal balance', module.parameters.minimalBalance === null ? null : grouped(module.parameters.minimalBalance))}
      {PROVIDERS[module.provider].hasDataCenter ? line('Data center', module.parameters.dataCenter) : null}
      {line('Timeouts', `connect ${module.network.connectTimeoutMs / 1000} s, total ${module.network.totalTimeoutMs / 1000} s`)}
      {module.network.endpoint ? line('Endpoint', module.network.endpoint) : null}
      {module.network.caFile ? line('CA file', module.network.caFile) : null}
      <Text dimColor>Status</Text>
      {line('Last check', check ? (check.ok ? `ok, ${check.roundTripMs ?? 0} ms, ${since(check.at)}` : `failed: ${check.cause ?? ''} (${since(check.at)})`) : 'never')}
      {line(
        'Balance',
        balance
          ? `${balance.amount} ${balance.currency} (${since(balance.at)})${module.parameters.minimalBalance !== null && balance.amount < module.parameters.minimalBalance ? ` ▼ under the minimal balance ${module.parameters.minimalBalance}` : ''}`
          : 'unknown (b on the dashboard queries it)',
      )}
      <Text> </Text>
      {removal.asking ? (
        <Text color="yellow" bold>
          Remove the processing module "{module.parameters.name}"? Press y to remove, any other key to keep it.
        </Text>
      ) : (
        <Text>{removal.message}</Text>
      )}
    </Box>
  );
}
