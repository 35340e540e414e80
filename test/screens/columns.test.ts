import { describe, expect, it } from 'vitest';
import { formatRow, headerRow, layoutColumns, wantOf, type ColumnSpec } from '../../src/screens/widgets/columns.js';

type Id = 'name' | 'provider' | 'sort' | 'balance' | 'due' | 'detail';
const DASHBOARD: readonly ColumnSpec<Id>[] = [
  { id: 'name', header: 'Name', want: 24, min: 10, priority: 5, cut: 'middle' },
  { id: 'provider', header: 'Provider', want: 16, min: 8, priority: 2, optional: true },
  { id: 'sort', header: 'Sort', want: 4, priority: 1, optional: true, align: 'right' },
  { id: 'balance', header: 'Balance/minimal', want: 18, priority: 9 },
  { id: 'due', header: '7/30/90', want: 9, priority: 8, align: 'right' },
];
const widthOf = (layout: ReturnType<typeof layoutColumns<Id>>) => Object.fromEntries(layout.columns.map((c) => [c.id, c.width]));

describe('layoutColumns', () => {
  it('gives every column what it wants when there is room, and the rest to a growing column', () => {
    const layout = layoutColumns<Id>([...DASHBOARD, { id: 'detail', header: 'Detail', want: 6, priority: 0, optional: true, grow: true }], 120);
    expect(widthOf(layout)).toEqual({ name: 24, provider: 16, sort: 4, balance: 18, due: 9, detail: 120 - 24 - 16 - 4 - 18 - 9 - 5 });
    expect(layout.width).toBe(120);
  });

  it('hides the column that cannot be shortened, then shortens the least needed, and never cuts the values acted on', () => {
    const layout = layoutColumns(DASHBOARD, 60);
    expect(layout.hidden).toEqual(['sort']);
    const widths = widthOf(layout);
    expect(widths.balance).toBe(18);
    expect(widths.due).toBe(9);
    expect(widths.provider).toBe(8);
    expect(layout.width).toBeLessThanOrEqual(60);
    // What hiding freed went back to the name, the most needed shortened column.
    expect(widths.name).toBe(60 - 8 - 18 - 9 - 3);
  });

  it('hides optional columns, least needed first, once shortening is not enough, and gives the room back', () => {
    const layout = layoutColumns(DASHBOARD, 45);
    expect(layout.hidden).toEqual(['provider', 'sort']);
    expect(widthOf(layout)).toEqual({ name: 45 - 18 - 9 - 2, balance: 18, due: 9 });
  });

  it('keeps every row within the width it was given', () => {
    for (let width = 20; width <= 200; width += 1) {
      const layout = layoutColumns(DASHBOARD, width);
      const row = formatRow(layout, { name: 'Ispmanager (SSL) sandbox', provider: 'Ispmanager (SSL)', sort: '20', balance: '▼15,000 RUB/20,000', due: '16/44/116' });
      if (width >= 10 + 18 + 9 + 2) expect(row.length, `at ${width}`).toBeLessThanOrEqual(width);
      expect(headerRow(layout).length).toBe(row.length);
    }
  });

  it('cuts in the middle or the end, and aligns right where asked', () => {
    const layout = layoutColumns(DASHBOARD, 50);
    const row = formatRow(layout, { name: 'LeaderTelecom main shop', provider: 'LeaderTelecom', balance: '1,523 EUR/100', due: '1/2/3' });
    expect(row).toContain('…');
    expect(row).toMatch(/^Leader[^…]*… shop /);
    expect(row.endsWith('    1/2/3')).toBe(true);
  });

  it('measures what a column wants in terminal columns', () => {
    expect(wantOf('Name', ['ab', '証明書'])).toBe(6);
    expect(wantOf('Balance/minimal', ['1 EUR'])).toBe(15);
  });
});
