import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { wrapWords } from '../../src/screens/widgets/paragraph.js';
import { columns, fit, fitMiddle, fitRight, grouped, wrapColumns } from '../../src/screens/widgets/text.js';

describe('grouped', () => {
  it("writes whole numbers as en-US toLocaleString does, without loading ICU's number formatting", () => {
    fc.assert(fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (n) => grouped(n) === (Math.round(n) || 0).toLocaleString('en-US')));
    // A balance of -0.3 rounds to -0: shown as 0, not as toLocaleString's -0.
    expect(grouped(-0.3)).toBe('0');
    expect(grouped(20000)).toBe('20,000');
  });
});

const graphemes = (text: string) => Array.from(new Intl.Segmenter().segment(text), ({ segment }) => segment);
/** Names as operators write them: Latin, Cyrillic, accents (some combining), CJK, emoji, flags. */
const piece = fc.constantFrom('a', 'Z', ' ', '-', '·', 'é', 'e\u0301', 'Щ', '漢', '字', '한', '👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', 'ｱ', '\u200B');
const names = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(''));

describe('fit, fitRight and fitMiddle: terminal columns, not string length', () => {
  it.each([
    ['fit', fit],
    ['fitRight', fitRight],
    ['fitMiddle', fitMiddle],
  ] as const)('%s gives exactly the columns asked, cutting only between graphemes', (_, fitter) => {
    fc.assert(
      fc.property(names, fc.integer({ min: 0, max: 20 }), (text, width) => {
        const out = fitter(text, width);
        expect(stringWidth(out)).toBe(width);
        // No lone surrogate: nothing was cut inside a character.
        expect(out).not.toMatch(/[\uD800-\uDFFF]/u);
        const kept = out.replace(/…/, '').trim();
        for (const grapheme of graphemes(kept)) if (grapheme.trim() !== '') expect(text).toContain(grapheme);
        if (width === 0) expect(out).toBe('');
        else if (stringWidth(text) <= width) expect(out.trim()).toBe(text.trim());
        else expect(out).toContain('…');
      }),
      { numRuns: 2000 },
    );
  });

  it('pads and cuts wide text by its columns', () => {
    expect(columns('漢字 ok')).toBe(7);
    expect(fit('漢字 ok', 9)).toBe('漢字 ok  ');
    // "字" does not fit beside the ellipsis in 4 columns: a space keeps the row's width.
    expect(fit('漢字 ok', 4)).toBe('漢… ');
    expect(fitRight('👍', 4)).toBe('  👍');
    expect(fit('e\u0301cole', 5)).toBe('e\u0301cole');
    expect(fitMiddle('LeaderTelecom 漢字 shop', 14)).toBe('LeaderT… shop ');
    expect(fit('plain ASCII', 8)).toBe('plain A…');
  });
});

describe('wrapColumns: a long line in rows of the terminal width', () => {
  it('keeps every character, in order, in rows no wider than asked, cut between graphemes', () => {
    fc.assert(
      fc.property(names, fc.integer({ min: 2, max: 12 }), (text, width) => {
        const rows = wrapColumns(text, width);
        expect(rows.join('')).toBe(text);
        for (const row of rows) {
          expect(stringWidth(row)).toBeLessThanOrEqual(width);
          expect(row).not.toMatch(/[\uD800-\uDFFF]/u);
        }
      }),
      { numRuns: 2000 },
    );
    expect(wrapColumns('abcdef', 4)).toEqual(['abcd', 'ef']);
    expect(wrapColumns('漢字漢字', 5)).toEqual(['漢字', '漢字']);
  });
});

describe('wrapWords: running text at word boundaries', () => {
  it('gives lines within the width, with no space at either end, and every word in order', () => {
    const words = fc.array(fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('').replace(/ /g, '')), { maxLength: 20 });
    fc.assert(
      fc.property(words, fc.integer({ min: 4, max: 30 }), (list, width) => {
        const text = list.filter(Boolean).join(' ');
        const lines = wrapWords(text, width);
        for (const line of lines) {
          expect(stringWidth(line)).toBeLessThanOrEqual(width);
          expect(line).toBe(line.trim());
        }
        expect(lines.join(' ').split(/ +/).filter(Boolean).join('')).toBe(text.split(' ').join(''));
      }),
      { numRuns: 1000 },
    );
    expect(wrapWords('the minimal balance is in each currency', 16)).toEqual(['the minimal', 'balance is in', 'each currency']);
  });
});
