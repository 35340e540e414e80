/**
 * A one-line text field on the App's key queue. Not ink-text-input: Ink splits a chunk of input only
 * at escape sequences, so keys typed ahead over SSH ("name⏎", or ⌫⌫⌫ then "5⏎") reach a widget as
 * one string, which ink-text-input inserts literally. Here every character of the string counts:
 * printable ones are inserted, ⌫ deletes, Ctrl+U clears, and ⏎ submits.
 */
import { Text } from 'ink';
import type { Key } from 'ink';

export interface TextState {
  readonly value: string;
  readonly cursor: number;
}

export interface TextEdit extends TextState {
  /** Enter was pressed (the value is what was typed before it). */
  readonly submit: boolean;
}

export function applyTextKey(state: TextState, input: string, key: Key): TextEdit | null {
  let { value, cursor } = state;
  cursor = Math.max(0, Math.min(cursor, value.length));
  if (key.leftArrow) return { value, cursor: Math.max(0, cursor - 1), submit: false };
  if (key.rightArrow) return { value, cursor: Math.min(value.length, cursor + 1), submit: false };
  if (key.home || (key.ctrl && input === 'a')) return { value, cursor: 0, submit: false };
  if (key.end || (key.ctrl && input === 'e')) return { value, cursor: value.length, submit: false };
  if (key.ctrl && input === 'u') return { value: value.slice(cursor), cursor: 0, submit: false };
  if (key.ctrl && input === 'k') return { value: value.slice(0, cursor), cursor, submit: false };
  if (key.ctrl && input === 'w') {
    const start = value.slice(0, cursor).replace(/\S+\s*$/, '').length;
    return { value: value.slice(0, start) + value.slice(cursor), cursor: start, submit: false };
  }
  // Ink 6 reports the Backspace key as `delete` on most terminals: both erase backwards.
  if (key.backspace || key.delete) return cursor > 0 ? { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1, submit: false } : { value, cursor, submit: false };
  if (key.return && input.length <= 1) return { value, cursor, submit: true };
  if (key.ctrl || key.meta || key.tab || key.escape || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return null;
  for (const char of input) {
    if (char === '\r' || char === '\n') return { value, cursor, submit: true };
    if (char === '\x7f' || char === '\b') {
      if (cursor > 0) {
        value = value.slice(0, cursor - 1) + value.slice(cursor);
        cursor -= 1;
      }
      continue;
    }
    if (char < ' ') continue;
    value = value.slice(0, cursor) + char + value.slice(cursor);
    cursor += 1;
  }
  return { value, cursor, submit: false };
}

export function TextField({ state, focused, secret, placeholder, width }: { readonly state: TextState; readonly focused: boolean; readonly secret: boolean; readonly placeholder: string; readonly width: number }) {
  const shown = secret ? '•'.repeat(state.value.length) : state.value;
  if (!focused) {
    const text = shown || placeholder;
    return <Text {...(shown ? {} : { dimColor: true })}>{text.length > width ? `${text.slice(0, width - 1)}…` : text}</Text>;
  }
  if (shown === '' && placeholder) {
    return (
      <Text>
        <Text inverse>{placeholder[0] ?? ' '}</Text>
        <Text dimColor>{placeholder.slice(1, width)}</Text>
      </Text>
    );
  }
  // Keep the cursor in view in a long value.
  const start = Math.max(0, state.cursor - width + 2);
  const visible = shown.slice(start, start + width - 1);
  const at = state.cursor - start;
  return (
    <Text>
      {visible.slice(0, at)}
      <Text inverse>{visible[at] ?? ' '}</Text>
      {visible.slice(at + 1)}
    </Text>
  );
}
