/** Balances: per module amount, currency, minimal balance and status; Enter shows one whole, r refreshes. */
import { Box, Text } from 'ink';
import { formatInstant } from '../rules/calendar.js';
import { useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { CAUSE_LABELS } from '../core/check.js';
import type { BalanceResult } from '../core/balance.js';
import { formatAmount, formatBalance, spendable, UNDER_MINIMAL } from '../core/balance.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { formatRow, headerRow, layoutColumns, wantOf } from './widgets/columns.js';
import { DetailPanel, type DetailField } from './widgets/detail.js';
import { useWaited, waitedText } from './widgets/clock.js';
import { fit } from './widgets/text.js';
import { Paragraph } from './widgets/paragraph.js';

export function BalancesScreen() {
  const { services, columns, bodyRows } = useConsole();
  const modules = useMemo(() => services.modules(), [services]);
  const [results, setResults] = useState<ReadonlyMap<number, BalanceResult>>(new Map());
  const [round, setRound] = useState(0);
  const answeredAt = results.size === modules.length && modules.length > 0 ? new Date(Math.max(...[...results.values()].map((r) => Date.parse(r.checkedAt)))).toISOString().slice(11, 19) : null;
  useEffect(() => {
    let live = true;
    for (const module of modules) {
      void services.balance(module).then((result) => {
        if (live) setResults((current) => new Map(current).set(module.id, result));
      });
    }
    return () => {
      live = false;
    };
  }, [services, modules, round]);

  const [cursor, setCursor] = useRemembered('cursor', 0);
  const [detailOpen, setDetailOpen] = useState(false);
  const selected = modules[Math.min(cursor, modules.length - 1)];
  useKeys(
    (input, key) => {
      if (detailOpen && (key.escape || key.return)) setDetailOpen(false);
      else if (up(input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (down(input, key)) setCursor((c) => Math.min(modules.length - 1, c + 1));
      else if (key.return && selected) setDetailOpen(true);
      else if (input === 'r') {
        setResults(new Map());
        setRound((r) => r + 1);
      } else return false;
      return true;
    },
    detailOpen ? 'Enter close  ↑ ↓ the next module  r refresh' : 'Enter detail  ↑ ↓ choose  r refresh',
  );

  // What the screen waits for, and how long: a provider that hangs is named, not only spun at.
  const waitingFor = modules.filter((module) => !results.has(module.id)).map((module) => `${module.parameters.name} (${PROVIDERS[module.provider].title})`);
  const waited = useWaited(waitingFor.length > 0);
  if (modules.length === 0) return <Text>No processing module yet. Add one from the dashboard (a).</Text>;
  const cells = modules.map((module) => {
    const result = results.get(module.id);
    const min = module.parameters.minimalBalance;
    return {
      name: module.parameters.name,
      provider: PROVIDERS[module.provider].title,
      // What can be spent is what the minimal balance guards (eNom's AvailableBalance): marked *.
      balance: result?.ok ? `${formatBalance(spendable(result), result.currency)}${result.available != null ? '*' : ''}` : '-',
      minimal: min === null ? 'none' : formatAmount(min),
      status: !result ? '… querying' : !result.ok ? `✗ ${CAUSE_LABELS[result.cause]}` : result.underMinimum ? `▼ ${UNDER_MINIMAL}` : 'ok',
    };
  });
  const want = (id: keyof (typeof cells)[number], header: string) => wantOf(header, cells.map((c) => c[id]));
  const layout = layoutColumns(
    [
      { id: 'name', header: 'Module', want: want('name', 'Module'), min: 12, priority: 7, cut: 'middle' },
      // Hidden rather than cut: the module's name says the provider already.
      { id: 'provider', header: 'Provider', want: want('provider', 'Provider'), priority: 3, optional: true },
      { id: 'balance', header: 'Balance', want: want('balance', 'Balance'), priority: 9, align: 'right' },
      { id: 'minimal', header: 'Minimal', want: want('minimal', 'Minimal'), priority: 8, align: 'right' },
      // Never cut: "▼ under the minimal balance" is what the screen is for.
      { id: 'status', header: 'Status', want: Math.max(16, want('status', 'Status')), priority: 8.5 },
    ],
    columns - 2,
  );
  const detailOf = (module: (typeof modules)[number]): DetailField[] => {
    const result = results.get(module.id);
    const min = module.parameters.minimalBalance;
    const fields: DetailField[] = [
      { label: 'Module', value: `${module.parameters.name} (${PROVIDERS[module.provider].title}, id ${module.id})` },
      { label: 'Minimal balance', value: min === null ? 'none: no low-balance check' : formatAmount(min) },
    ];
    if (!result) fields.push({ label: 'Balance', value: 'querying the provider…' });
    else if (!result.ok) {
      fields.push({ label: 'Balance', value: `not read: ${result.message}`, color: 'red' });
      fields.push({ label: 'Cause', value: `${CAUSE_LABELS[result.cause]}: ${result.detail}` });
      if (result.steps.length) fields.push({ label: 'What to check', value: result.steps.join(' · ') });
    } else {
      fields.push({ label: 'Balance', value: formatBalance(result.amount, result.currency) });
      if (result.available != null) fields.push({ label: 'Can be spent', value: `${formatBalance(result.available, result.currency)} (the provider's available balance: the minimal balance is compared with it)` });
      fields.push({ label: 'Status', value: result.underMinimum ? UNDER_MINIMAL : 'ok', ...(result.underMinimum ? { color: 'yellow' } : {}) });
      fields.push({ label: 'Read at', value: formatInstant(result.checkedAt) });
    }
    return fields;
  };
  if (detailOpen && selected) return <DetailPanel title={selected.parameters.name} fields={detailOf(selected)} width={columns - 1} height={bodyRows} />;
  return (
    <Box flexDirection="column">
      <Text bold>{` ${headerRow(layout)}`}</Text>
      {modules.map((module, index) => {
        const result = results.get(module.id);
        const color = !result ? undefined : !result.ok ? 'red' : result.underMinimum ? 'yellow' : undefined;
        // › marks the selected row without colour too (NO_COLOR).
        return (
          <Text key={module.id} inverse={index === cursor} {...(color ? { color } : {})} bold={Boolean(result?.ok && result.underMinimum)}>
            {index === cursor ? '›' : ' '}
            {formatRow(layout, cells[index] ?? {})}
          </Text>
        );
      })}
      <Text> </Text>
      {/* When the last answer came: a refresh (r) shows, even when the providers answer at once. */}
      <Text dimColor>{answeredAt ? `Balances as of ${answeredAt} UTC (r refreshes).` : fit(`Querying ${modules.length - results.size} of ${modules.length}${waitedText(waited)} · waiting for ${waitingFor.join(', ')}`, columns - 1)}</Text>
      <Paragraph
        dimColor
        width={columns - 2}
        text={`The minimal balance is in each provider's currency; "none" means no low-balance check, as an empty field in BILLmanager.${
          [...results.values()].some((result) => result.ok && result.available != null)
            ? ' * marks what can be spent where the provider tells it apart from the balance (eNom\'s AvailableBalance): the minimal balance is compared with it.'
            : ''
        }`}
      />
    </Box>
  );
}
