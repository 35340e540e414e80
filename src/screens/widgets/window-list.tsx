/**
 * A list that renders only the rows that fit: 100 000 rows cost the same as 20. The window follows
 * the cursor and keeps it in view; rows are plain strings built outside React.
 */
import { Box, Text, type Key } from 'ink';
import { memo, useRef, type ReactElement } from 'react';

export interface WindowListProps {
  readonly count: number;
  readonly cursor: number;
  readonly height: number;
  readonly row: (index: number) => { readonly text: string; readonly color?: string; readonly dim?: boolean; readonly heading?: boolean };
  readonly empty?: string;
}

/**
 * Where a list's cursor goes for a movement key (↑ ↓ j k PgUp PgDn Home End), or null for any other
 * key; `last` is the last index, `page` the rows a page moves.
 */
export function listMove(input: string, key: Key, position: number, last: number, page: number): number | null {
  if (key.upArrow || input === 'k') return Math.max(0, position - 1);
  if (key.downArrow || input === 'j') return Math.min(last, position + 1);
  if (key.pageUp) return Math.max(0, position - page);
  if (key.pageDown) return Math.min(last, position + page);
  if (key.home) return 0;
  if (key.end) return last;
  return null;
}

/**
 * The row the cursor may rest on nearest `target`, looking first in the direction it moved
 * (`direction` 1 down, -1 up), then back: headings (a timeline's "week of …") are not rows to
 * select. `target` itself when it may be selected; null when no row may be.
 */
export function selectableRow(target: number, direction: 1 | -1, count: number, selectable: (index: number) => boolean): number | null {
  for (const step of [direction, -direction as 1 | -1]) {
    for (let index = target; index >= 0 && index < count; index += step) if (selectable(index)) return index;
  }
  return null;
}

/** The first visible index for a cursor, moving the window no more than needed. */
export function windowStart(previous: number, cursor: number, height: number, count: number): number {
  if (count <= height) return 0;
  let start = previous;
  // A step past the edge scrolls by one row; a jump (today, PgDn) puts the cursor near the top.
  const jump = cursor < start - 1 || cursor > start + height;
  if (jump) start = cursor - Math.floor(height / 4);
  else if (cursor < start) start = cursor;
  else if (cursor >= start + height) start = cursor - height + 1;
  return Math.max(0, Math.min(start, count - height));
}

export const WindowList = memo(function WindowList({ count, cursor, height, row, empty }: WindowListProps) {
  const start = useRef(0);
  start.current = windowStart(start.current, cursor, Math.max(1, height), count);
  if (count === 0) return <Text dimColor>{empty ?? 'Nothing to show.'}</Text>;
  const visible: ReactElement[] = [];
  for (let index = start.current; index < Math.min(count, start.current + height); index += 1) {
    const { text, color, dim, heading } = row(index);
    const selected = index === cursor;
    // The first column marks the selected row with ›, so it shows without colour too (NO_COLOR).
    const marked = selected && text.startsWith(' ') ? `›${text.slice(1)}` : text;
    visible.push(
      <Text key={index} {...(color ? { color } : {})} dimColor={Boolean(dim) && !selected} inverse={selected} bold={Boolean(heading)}>
        {marked}
      </Text>,
    );
  }
  return <Box flexDirection="column">{visible}</Box>;
});
