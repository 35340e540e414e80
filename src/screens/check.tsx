/** Connection check: all modules (or some) at once, a spinner each, results as they arrive. */
import { Box, Text } from 'ink';
import { formatInstant } from '../rules/calendar.js';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { CAUSE_LABELS, type CheckResult } from '../core/check.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { Spinner } from './widgets/spinner.js';
import { useWaited, waitedText } from './widgets/clock.js';
import { columns as textColumns, fit, fitMiddle } from './widgets/text.js';
import { DetailPanel, type DetailField } from './widgets/detail.js';
import { Paragraph } from './widgets/paragraph.js';

/** BILLmanager's heading ("perform the following steps:") as the wizard's check writes it. */
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function CheckScreen({ moduleIds }: { readonly moduleIds?: readonly number[] }) {
  const { services, columns, bodyRows } = useConsole();
  const modules = useMemo(() => services.modules().filter((m) => !moduleIds || moduleIds.includes(m.id)), [services, moduleIds]);
  const [results, setResults] = useState<ReadonlyMap<number, CheckResult>>(new Map());
  const [round, setRound] = useState(0);
  const [cursor, setCursor] = useRemembered('cursor', 0);

  const run = useCallback(() => {
    setResults(new Map());
    setRound((r) => r + 1);
  }, []);
  useEffect(() => {
    let live = true;
    for (const module of modules) {
      void services.check(module).then((result) => {
        if (live) setResults((current) => new Map(current).set(module.id, result));
      });
    }
    return () => {
      live = false;
    };
  }, [services, modules, round]);

  // Enter: the selected module's check whole (the list shortens names and causes to fit).
  const [detailOpen, setDetailOpen] = useState(false);
  useKeys(
    (input, key) => {
      if (detailOpen && (key.escape || key.return)) setDetailOpen(false);
      else if (input === 'r') run();
      else if (up(input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (down(input, key)) setCursor((c) => Math.min(modules.length - 1, c + 1));
      else if (key.return) setDetailOpen(true);
      else return false;
      return true;
    },
    detailOpen ? 'Enter close  ↑ ↓ the next module  r run again' : 'Enter detail  r run again  ↑ ↓ choose',
  );

  // What the screen waits for, and how long: a provider that hangs is named, not only spun at.
  const waitingFor = modules.filter((module) => !results.has(module.id)).map((module) => `${module.parameters.name} (${PROVIDERS[module.provider].title})`);
  const waited = useWaited(waitingFor.length > 0);
  if (modules.length === 0) return <Text>No processing module to check. Add one from the dashboard (a).</Text>;
  const selected = modules[cursor];
  const detail = selected ? results.get(selected.id) : undefined;
  const done = results.size;
  if (detailOpen && selected) {
    const fields: DetailField[] = [
      { label: 'Module', value: `${selected.parameters.name} (${PROVIDERS[selected.provider].title}, id ${selected.id})` },
      !detail ? { label: 'Check', value: 'waiting for the provider…' } : detail.ok ? { label: 'Check', value: `ok: the provider answered in ${detail.roundTripMs} ms`, color: 'green' } : { label: 'Check', value: detail.message, color: 'red' },
      ...(detail && !detail.ok
        ? [
            { label: 'Cause', value: `${CAUSE_LABELS[detail.cause]}: ${detail.detail}` },
            // BILLmanager's troubleshooting steps, its heading before them ("Perform the following steps:").
            { label: 'What to do', value: `${capitalized(PROVIDERS[selected.provider].troubleshooting.heading)} ${detail.steps.join('; ')}` },
          ]
        : []),
      ...(detail ? [{ label: 'Checked at', value: formatInstant(detail.checkedAt) }] : []),
    ];
    return <DetailPanel title={selected.parameters.name} fields={fields} width={columns - 1} height={bodyRows} />;
  }
  // Names as wide as the longest; the cause takes the rest of the line.
  const nameWidth = Math.min(Math.max(...modules.map((m) => textColumns(m.parameters.name)), 6), Math.max(12, columns - 50));
  return (
    <Box flexDirection="column">
      <Text dimColor>
        {done < modules.length
          ? fit(`Checking: ${done} of ${modules.length} answered${waitedText(waited)} · waiting for ${waitingFor.join(', ')}`, columns - 1)
          : checkedLine(modules.length, [...results.values()].filter((r) => !r.ok).length)}
      </Text>
      {modules.map((module, index) => {
        const result = results.get(module.id);
        const mark = index === cursor ? '›' : ' ';
        return (
          <Text key={module.id}>
            {mark} {result ? (result.ok ? <Text color="green">✓</Text> : <Text color="red">✗</Text>) : <Spinner />}{' '}
            {fitMiddle(module.parameters.name, nameWidth)} {fit(PROVIDERS[module.provider].title, 16)}{' '}
            {result ? (result.ok ? `ok in ${result.roundTripMs} ms` : <Text color="red">{fit(CAUSE_LABELS[result.cause], Math.max(10, columns - nameWidth - 26))}</Text>) : 'checking…'}
          </Text>
        );
      })}
      {detail && !detail.ok ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color="red" bold>
            {selected?.parameters.name}: {detail.message}
          </Text>
          <Box paddingLeft={2}>
            <Paragraph width={columns - 4} text={detail.detail} />
          </Box>
          {selected ? <Text>{capitalized(PROVIDERS[selected.provider].troubleshooting.heading)}</Text> : null}
          {detail.steps.map((s) => (
            <Box key={s}>
              <Box flexShrink={0}>
                <Text>{'  • '}</Text>
              </Box>
              <Text wrap="wrap">{s}</Text>
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

/** "Checked 4 modules." when all answered, else how many did not: a failure is not left to the marks. */
export function checkedLine(count: number, failed: number): string {
  const checked = `Checked ${count} module${count === 1 ? '' : 's'}`;
  return failed === 0 ? `${checked}.` : `${checked}: ${count - failed} ok, ${failed} failed.`;
}
