/**
 * A one-line text field on the App's key queue. Not ink-text-input: Ink splits a chunk of input only
 * at escape sequences, so keys typed ahead over SSH ("name⏎", or ⌫⌫⌫ then "5⏎") reach a widget as
 * one string, which ink-text-input inserts literally. Here every character of the string counts:
 * printable ones are inserted, ⌫ deletes, Ctrl+U clears, and ⏎ submits.
 */
import { Text } from 'ink';
import type { Key } from 'ink';
import { columns, cut, graphemes } from './text.js';

export interface TextState {
  readonly value: string;
  readonly cursor: number;
}

export interface TextEdit extends TextState {
  /** Enter was pressed (the value is what was typed before it). */
  readonly submit: boolean;
}

/** Where each of these graphemes starts (UTF-16 offsets), and the end: the cursor's only stops. */
function stopsOf(parts: readonly string[]): number[] {
  const at = [0];
  for (const grapheme of parts) at.push((at.at(-1) as number) + grapheme.length);
  return at;
}
const stops = (value: string) => stopsOf(graphemes(value));

/** The cursor on a grapheme boundary: an emoji or an accented letter is one step, never split. */
export function applyTextKey(state: TextState, input: string, key: Key): TextEdit | null {
  let { value, cursor } = state;
  let boundaries = stops(value);
  cursor = boundaries.findLast((stop) => stop <= Math.max(0, cursor)) ?? 0;
  const before = (at: number) => boundaries.findLast((stop) => stop < at) ?? 0;
  const after = (at: number) => boundaries.find((stop) => stop > at) ?? value.length;
  if (key.leftArrow) return { value, cursor: before(cursor), submit: false };
  if (key.rightArrow) return { value, cursor: after(cursor), submit: false };
  if (key.home || (key.ctrl && input === 'a')) return { value, cursor: 0, submit: false };
  if (key.end || (key.ctrl && input === 'e')) return { value, cursor: value.length, submit: false };
  if (key.ctrl && input === 'u') return { value: value.slice(cursor), cursor: 0, submit: false };
  if (key.ctrl && input === 'k') return { value: value.slice(0, cursor), cursor, submit: false };
  if (key.ctrl && input === 'w') {
    const start = before(value.slice(0, cursor).replace(/\S+\s*$/, '').length + 1);
    return { value: value.slice(0, start) + value.slice(cursor), cursor: start, submit: false };
  }
  const erase = () => {
    const start = before(cursor);
    value = value.slice(0, start) + value.slice(cursor);
    cursor = start;
    boundaries = stops(value);
  };
  // Ink 6 reports the Backspace key as `delete` on most terminals: both erase backwards.
  if (key.backspace || key.delete) {
    if (cursor > 0) erase();
    return { value, cursor, submit: false };
  }
  if (key.return && input.length <= 1) return { value, cursor, submit: true };
  if (key.ctrl || key.meta || key.tab || key.escape || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return null;
  for (const char of input) {
    if (char === '\r' || char === '\n') return { value, cursor, submit: true };
    if (char === '\x7f' || char === '\b') {
      if (cursor > 0) erase();
      continue;
    }
    if (char < ' ') continue;
    // A code point at a time (an emoji is two UTF-16 units): the cursor goes after it.
    value = value.slice(0, cursor) + char + value.slice(cursor);
    cursor += char.length;
    boundaries = stops(value);
    // A combining accent joins the letter before it: the cursor stays after the whole.
    cursor = boundaries.find((stop) => stop >= cursor) ?? value.length;
  }
  return { value, cursor, submit: false };
}

export function TextField({ state, focused, secret, placeholder, width }: { readonly state: TextState; readonly focused: boolean; readonly secret: boolean; readonly placeholder: string; readonly width: number }) {
  const parts = graphemes(state.value);
  const shown = secret ? parts.map(() => '•') : parts;
  const noColour = process.env.FORCE_COLOR === '0';
  if (!focused) {
    const text = shown.join('') || placeholder;
    return <Text {...(shown.length > 0 ? {} : { dimColor: true })}>{cut(text, width)}</Text>;
  }
  if (shown.length === 0 && placeholder) {
    // Without colour, inverse is gone too: the cursor is then a visible bar.
    return noColour ? (
      <Text>▏{cut(placeholder, width - 1)}</Text>
    ) : (
      <Text>
        <Text inverse>{placeholder[0] ?? ' '}</Text>
        <Text dimColor>{cut(placeholder.slice(1), width - 1)}</Text>
      </Text>
    );
  }
  // The grapheme under the cursor, and as many before it as fit: the cursor stays in view.
  const at = stopsOf(parts).findIndex((stop) => stop >= state.cursor);
  const index = at < 0 ? shown.length : at;
  let start = index;
  let used = columns(shown[index] ?? ' ');
  while (start > 0 && used + columns(shown[start - 1] as string) <= width - 1) used += columns(shown[--start] as string);
  let end = index + 1;
  while (end < shown.length && used + columns(shown[end] as string) <= width - 1) used += columns(shown[end++] as string);
  const head = shown.slice(start, index).join('');
  const tail = shown.slice(index + 1, end).join('');
  return noColour ? (
    <Text>
      {head}▏{shown[index] ?? ''}{tail}
    </Text>
  ) : (
    <Text>
      {head}
      <Text inverse>{shown[index] ?? ' '}</Text>
      {tail}
    </Text>
  );
}
