/**
 * A choice list driven by the App's key handler. Not ink-select-input: its handler reads the index
 * from the last render, so keys that arrive in one chunk (typed ahead over a slow SSH link:
 * ↓ ↓ Enter) move once and choose the first item. Here every key updates from the latest state.
 */
import { Box, Text } from 'ink';
import type { Key } from 'ink';

export interface SelectItem<T> {
  readonly label: string;
  readonly value: T;
  readonly hint?: string;
}

/** Applies one key to a selection; returns the new index, or 'choose' on Enter, or null if unused. */
export function selectKey(index: number, count: number, input: string, key: Key): number | 'choose' | null {
  if (key.upArrow || input === 'k') return Math.max(0, index - 1);
  if (key.downArrow || input === 'j') return Math.min(count - 1, index + 1);
  if (key.home) return 0;
  if (key.end) return count - 1;
  if (key.return) return 'choose';
  return null;
}

export function Select<T>({ items, index }: { readonly items: readonly SelectItem<T>[]; readonly index: number }) {
  return (
    <Box flexDirection="column">
      {items.map((item, i) => (
        <Text key={item.label} {...(i === index ? { color: 'cyan' } : {})}>
          {i === index ? '› ' : '  '}
          {item.label}
          {item.hint ? <Text dimColor>  {item.hint}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
