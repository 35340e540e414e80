/** Balances: per module amount, currency, minimal balance and status; r refreshes. */
import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { CAUSE_LABELS } from '../core/check.js';
import type { BalanceResult } from '../core/balance.js';
import { useConsole, useKeys } from './context.js';
import { Spinner } from './widgets/spinner.js';
import { fit, fitRight, money, grouped } from './widgets/text.js';
import { Paragraph } from './widgets/paragraph.js';

export function BalancesScreen() {
  const { services, columns } = useConsole();
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

  useKeys(
    (input) => {
      if (input !== 'r') return false;
      setResults(new Map());
      setRound((r) => r + 1);
      return true;
    },
    'r refresh',
  );

  if (modules.length === 0) return <Text>No processing module yet. Add one from the dashboard (a).</Text>;
  // Fixed columns fit 80 terminal columns; the status takes 16, the name what a wider one adds.
  // The frame is columns - 1 wide: a row of exactly `columns` wraps (a failed query's status did).
  const nameWidth = Math.max(10, columns - 1 - 1 - 1 - 17 - 1 - 18 - 1 - 10 - 2 - 16);
  return (
    <Box flexDirection="column">
      <Text bold>{` ${fit('Module', nameWidth)} ${fit('Provider', 17)} ${fitRight('Balance', 18)} ${fitRight('Minimal', 10)}  Status`}</Text>
      {modules.map((module) => {
        const result = results.get(module.id);
        const min = module.parameters.minimalBalance;
        const status = !result ? (
          <Text>
            <Spinner /> querying
          </Text>
        ) : !result.ok ? (
          <Text color="red">{fit(CAUSE_LABELS[result.cause], 16)}</Text>
        ) : result.underMinimum ? (
          <Text color="yellow" bold>
            ▼ UNDER MINIMUM
          </Text>
        ) : (
          <Text color="green">ok</Text>
        );
        return (
          <Text key={module.id}>
            {' '}
            {fit(module.parameters.name, nameWidth)} {fit(PROVIDERS[module.provider].title, 17)} {fitRight(result?.ok ? (result.available != null ? `${money(result.available, result.currency)}*` : money(result.amount, result.currency)) : '-', 18)}{' '}
            {fitRight(min === null ? 'none' : grouped(min), 10)}  {status}
          </Text>
        );
      })}
      <Text> </Text>
      {/* When the last answer came: a refresh (r) shows, even when the providers answer at once. */}
      <Text dimColor>{answeredAt ? `Balances as of ${answeredAt} UTC (r refreshes).` : `Querying ${modules.length - results.size} of ${modules.length}…`}</Text>
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
