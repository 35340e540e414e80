/** Connection check: all modules (or some) at once, a spinner each, results as they arrive. */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { PROVIDERS } from '../providers/catalog.js';
import { CAUSE_LABELS, type CheckResult } from '../core/check.js';
import { down, up, useConsole, useKeys, useRemembered } from './context.js';
import { Spinner } from './widgets/spinner.js';
import { fit } from './widgets/text.js';
import { Paragraph } from './widgets/paragraph.js';

/** The seeds' heading ("perform the following steps:") as the wizard's check writes it. */
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function CheckScreen({ moduleIds }: { readonly moduleIds?: readonly number[] }) {
  const { services, columns } = useConsole();
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

  useKeys(
    (input, key) => {
      if (input === 'r') run();
      else if (up(input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (down(input, key)) setCursor((c) => Math.min(modules.length - 1, c + 1));
      else return false;
      return true;
    },
    'r run again  ↑ ↓ choose',
  );

  if (modules.length === 0) return <Text>No processing module to check. Add one from the dashboard (a).</Text>;
  const selected = modules[cursor];
  const detail = selected ? results.get(selected.id) : undefined;
  const done = results.size;
  return (
    <Box flexDirection="column">
      <Text dimColor>
        {done < modules.length ? `Checking: ${done} of ${modules.length} answered…` : `Checked ${modules.length} module${modules.length === 1 ? '' : 's'}.`}
      </Text>
      {modules.map((module, index) => {
        const result = results.get(module.id);
        const mark = index === cursor ? '›' : ' ';
        return (
          <Text key={module.id}>
            {mark} {result ? (result.ok ? <Text color="green">✓</Text> : <Text color="red">✗</Text>) : <Spinner />}{' '}
            {fit(module.parameters.name, 24)} {fit(PROVIDERS[module.provider].title, 17)}{' '}
            {result ? (result.ok ? `ok in ${result.roundTripMs} ms` : <Text color="red">{fit(CAUSE_LABELS[result.cause], columns - 50)}</Text>) : 'checking…'}
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
