import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { NARROW_GLYPHS, narrowWidth } from '../../src/screens/vendor/narrow-width.js';
// wrap-ansi (Ink's text wrapping) has its own, older string-width (reached by path): the fast path
// stands in for both.
import wrapAnsiStringWidth from '../../node_modules/wrap-ansi/node_modules/string-width/index.js';

const widths: ReadonlyArray<[string, (text: string) => number]> = [
  ['string-width', stringWidth],
  ["wrap-ansi's string-width", wrapAnsiStringWidth as (text: string) => number],
];

const codePoints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const narrow = [...NARROW_GLYPHS, ...codePoints(0x2500, 0x257f), ...codePoints(0x2800, 0x28ff), ...codePoints(0x20, 0x7e)];

describe('narrowWidth, the fast path in front of string-width', () => {
  it.each(widths)('agrees with %s on every character it claims one column wide', (_, width) => {
    const disagree = narrow.filter((c) => narrowWidth(c) !== 1 || width(c) !== 1);
    expect(disagree).toEqual([]);
  });

  it.each(widths)('gives what %s gives, or leaves the string to it, on any mix of text, styles and escapes', (_, width) => {
    const pieces = fc.constantFrom(
      'a', ' ', '~', '·', '▼', '─', '⠋', '…',
      '\u001B[1m', '\u001B[22m', '\u001B[38;5;196m', '\u001B[0m', // styles: no columns
      '\u001B]8;;https://example.com\u0007', '\u001B[2K', '\u009B31m', // links and other escapes
      '漢', '👍', 'é', 'e\u0301', '\u200B', '\t', '\n', '\u00A0', '🇫🇷',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const fast = narrowWidth(text);
        return fast === undefined || fast === width(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes styled text of narrow characters, and leaves everything else to string-width', () => {
    expect(narrowWidth('\u001B[2m certops · Dashboard\u001B[22m')).toBe(20);
    expect(narrowWidth('')).toBe(0);
    expect(narrowWidth('日本')).toBeUndefined();
    expect(narrowWidth('ok ✓ 👍')).toBeUndefined();
    expect(narrowWidth('\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007')).toBeUndefined();
    expect(narrowWidth('tab\there')).toBeUndefined();
    // Options (ambiguous characters as wide, escapes counted) are string-width's own business.
    expect(narrowWidth('·', { ambiguousIsNarrow: false })).toBeUndefined();
  });

  it("covers every non-ASCII character the screens draw, so the console's frames stay on it", () => {
    const files = readdirSync('src/screens', { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    const drawn = new Set<string>();
    for (const file of files) {
      // Comments may say anything; only code and its strings are drawn.
      const code = readFileSync(join('src/screens', file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:])\/\/.*$/gm, '$1');
      for (const c of code) if (c > '\u007E') drawn.add(c);
    }
    expect([...drawn].filter((c) => narrowWidth(c) !== 1)).toEqual([]);
  });
});
