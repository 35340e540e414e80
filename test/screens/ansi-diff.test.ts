import { diffAnsiCodes, styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameStyles, withSameStylesFastPath } from '../../src/screens/vendor/ansi-diff.js';

const fastDiff = withSameStylesFastPath(diffAnsiCodes);
const pieces = fc.constantFrom(
  'a', 'b', ' ', '·', '▼',
  '\u001B[1m', '\u001B[2m', '\u001B[22m', '\u001B[3m', '\u001B[23m', '\u001B[4m', '\u001B[24m', '\u001B[7m', '\u001B[27m',
  '\u001B[31m', '\u001B[32m', '\u001B[39m', '\u001B[44m', '\u001B[49m', '\u001B[38;5;196m', '\u001B[48;2;1;2;3m', '\u001B[0m',
  '\u001B]8;;https://example.com\u0007', '\u001B]8;;\u0007',
);
/** Each character's styles, as ansi-tokenize gives them to styledCharsToString. */
const stylesOf = (text: string) => styledCharsFromTokens(tokenize(text)).map((char) => char.styles);

describe('the fast path in front of diffAnsiCodes', () => {
  it('gives what diffAnsiCodes gives between any two characters of any styled text', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 24 }), fc.array(pieces, { maxLength: 24 }), (left, right) => {
        const styles = [...stylesOf(left.join('')), ...stylesOf(right.join('')), []];
        for (const from of styles) for (const to of styles) expect(fastDiff(from, to)).toEqual(diffAnsiCodes(from, to));
      }),
      { numRuns: 500 },
    );
  });

  it('answers at once only for equal styles, which diffAnsiCodes also finds need no codes', () => {
    const [bold, red] = [stylesOf('\u001B[1mx')[0]!, stylesOf('\u001B[31mx')[0]!];
    expect(sameStyles(bold, [...bold])).toBe(true);
    expect(sameStyles([], [])).toBe(true);
    expect(sameStyles(bold, red)).toBe(false);
    expect(sameStyles(bold, [])).toBe(false);
    expect(diffAnsiCodes(bold, [...bold])).toEqual([]);
    expect(fastDiff(bold, red)).toEqual(diffAnsiCodes(bold, red));
  });
});
