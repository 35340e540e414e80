/**
 * Column layout for the console's tables. Each column says how wide its values are (`want`), how
 * far it may be shortened (`min`), whether it may be hidden (`optional`) and how much the operator
 * needs it (`priority`). A narrow terminal takes width from the least needed columns first, so the
 * values an operator acts on (a balance against its minimal balance, the due counts, a domain)
 * stay whole; a wide one gives it back to the shortened columns and then to a `grow` column,
 * instead of leaving the room as padding between columns. Pure: the screens pass the widths their
 * values need, this returns where each goes.
 */
import { columns as columnsOf, fit, fitMiddle, fitRight } from './text.js';

export interface ColumnSpec<K extends string = string> {
  readonly id: K;
  readonly header: string;
  /** The columns its widest value (and its header) takes: at this width nothing is cut. */
  readonly want: number;
  /** The narrowest it may be shortened to; absent: never shortened (hidden instead, if optional). */
  readonly min?: number;
  /** Higher is needed more: the lowest priority is shortened, then hidden, first. */
  readonly priority: number;
  /** May be hidden when the shortened columns still do not fit. */
  readonly optional?: boolean;
  /** Takes the width left over once every column has what it wants (a detail or reason column). */
  readonly grow?: boolean;
  readonly align?: 'left' | 'right';
  /** Where a value too long is cut: at its end, or in its middle (names that share their start). */
  readonly cut?: 'end' | 'middle';
}

export interface LaidColumn<K extends string = string> {
  readonly id: K;
  readonly header: string;
  readonly width: number;
  readonly align: 'left' | 'right';
  readonly cut: 'end' | 'middle';
}

export interface ColumnLayout<K extends string = string> {
  /** The visible columns, in the order given, with their widths. */
  readonly columns: readonly LaidColumn<K>[];
  /** The ids hidden for lack of room. */
  readonly hidden: readonly K[];
  /** The columns the row takes, gaps included. */
  readonly width: number;
  readonly gap: number;
}

/**
 * Lays `specs` out in `width` terminal columns with `gap` spaces between columns. First the least
 * needed columns are shortened to their `min` (a column that cannot be shortened and is optional is
 * hidden at its turn), then optional columns are hidden, least needed first; what the hiding frees
 * goes back to shortened columns, most needed first; what is still left goes to `grow` columns.
 */
export function layoutColumns<K extends string>(specs: readonly ColumnSpec<K>[], width: number, gap = 1): ColumnLayout<K> {
  const widths = specs.map((spec) => Math.max(spec.want, spec.min ?? 0, 0));
  const shown = specs.map(() => true);
  const total = () => widths.reduce((sum, w, i) => sum + (shown[i] ? w : 0), 0) + gap * Math.max(0, shown.filter(Boolean).length - 1);
  // Least needed first; among equals, the rightmost first (the left columns identify the row).
  const ascending = specs.map((_, i) => i).sort((a, b) => (specs[a] as ColumnSpec<K>).priority - (specs[b] as ColumnSpec<K>).priority || b - a);

  for (const i of ascending) {
    const excess = total() - width;
    if (excess <= 0) break;
    const spec = specs[i] as ColumnSpec<K>;
    if (spec.min !== undefined && spec.min < (widths[i] as number)) widths[i] = Math.max(spec.min, (widths[i] as number) - excess);
    else if (spec.min === undefined && spec.optional) shown[i] = false;
  }
  for (const i of ascending) {
    if (total() <= width) break;
    if ((specs[i] as ColumnSpec<K>).optional) shown[i] = false;
  }
  // Give back: shortened columns first (most needed first), then the growing ones.
  for (const i of [...ascending].reverse()) {
    const room = width - total();
    if (room <= 0) break;
    const spec = specs[i] as ColumnSpec<K>;
    if (shown[i] && (widths[i] as number) < spec.want) widths[i] = Math.min(spec.want, (widths[i] as number) + room);
  }
  const growing = specs.map((_, i) => i).filter((i) => shown[i] && (specs[i] as ColumnSpec<K>).grow);
  let room = width - total();
  for (const [n, i] of growing.entries()) {
    if (room <= 0) break;
    const share = Math.ceil(room / (growing.length - n));
    widths[i] = (widths[i] as number) + share;
    room -= share;
  }

  const columns: LaidColumn<K>[] = [];
  const hidden: K[] = [];
  specs.forEach((spec, i) => {
    if (!shown[i]) hidden.push(spec.id);
    else columns.push({ id: spec.id, header: spec.header, width: widths[i] as number, align: spec.align ?? 'left', cut: spec.cut ?? 'end' });
  });
  return { columns, hidden, width: Math.min(width, total()), gap };
}

/** One row of `layout`: each visible column's value in its width ("" for a value not given). */
export function formatRow<K extends string>(layout: ColumnLayout<K>, values: Partial<Readonly<Record<K, string>>>): string {
  return layout.columns
    .map((column) => {
      const value = values[column.id] ?? '';
      if (column.align === 'right') return fitRight(value, column.width);
      return column.cut === 'middle' ? fitMiddle(value, column.width) : fit(value, column.width);
    })
    .join(' '.repeat(layout.gap));
}

/** The header row of `layout`. */
export function headerRow<K extends string>(layout: ColumnLayout<K>): string {
  return formatRow(layout, Object.fromEntries(layout.columns.map((column) => [column.id, column.header])) as Partial<Record<K, string>>);
}

/** The width a column needs for its header and `values` (the widest one). */
export function wantOf(header: string, values: Iterable<string>): number {
  let widest = columnsOf(header);
  for (const value of values) widest = Math.max(widest, columnsOf(value));
  return widest;
}

/** Whether `layout` shows the column `id`. */
export function shows<K extends string>(layout: ColumnLayout<K>, id: K): boolean {
  return layout.columns.some((column) => column.id === id);
}
