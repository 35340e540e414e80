import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/table.js';

describe('plain-text tables', () => {
  it('sizes columns to the widest cell, right-aligning where asked', () => {
    expect(formatTable([{ title: 'Name' }, { title: 'N', align: 'right' }], [['a', '1'], ['longer', '100']])).toBe('Name      N\na         1\nlonger  100\n');
  });

  it('lays out 200 000 rows (a big timeline) without overflowing the stack', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`row${i}`, String(i)]);
    const text = formatTable([{ title: 'Row' }, { title: 'Number' }], rows);
    expect(text.split('\n')).toHaveLength(200_002);
    expect(text.split('\n')[200_000]).toBe('row199999  199999');
  });
});
