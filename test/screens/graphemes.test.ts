import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphemeSegmenter } from '../../src/screens/vendor/graphemes.js';
import { NARROW_GLYPHS } from '../../src/screens/vendor/narrow-width.js';

const intl = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ours = graphemeSegmenter(undefined, { granularity: 'grapheme' });
const codePoints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
/** What the fast path cuts itself: ASCII but CR, certops' glyphs, box drawing, braille. */
const singles = [...codePoints(0x00, 0x0c), ...codePoints(0x0e, 0x7f), ...NARROW_GLYPHS, ...codePoints(0x2500, 0x257f), ...codePoints(0x2800, 0x28ff)];
const segments = (segmenter: { segment(input: string): Iterable<unknown> }, text: string) => [...segmenter.segment(text)];

describe('graphemeSegmenter, the stand-in for Intl.Segmenter in the UI bundle', () => {
  it('finds, as ICU does, that every character it cuts alone stays alone beside every other', () => {
    // For each character c, one text holds c before and after every character of the set.
    for (const c of singles) {
      const text = c + singles.join(c) + c;
      const cut = segments(intl, text).length;
      if (cut !== text.length) expect.fail(`ICU joins ${JSON.stringify(c)} with a neighbour in ${JSON.stringify(text.slice(0, 40))}…`);
    }
  });

  it('gives the same segments, indexes and input as Intl.Segmenter, and the same containing()', () => {
    const text = '\u001B[1mcertops · Dashboard\u001B[22m ▼ ⠋ ─┼─ ✓ ✗ › … ← ↑ → ↓ ⌫ ⏎\t\n';
    expect(segments(ours, text)).toEqual(segments(intl, text));
    const [mine, theirs] = [ours.segment(text), intl.segment(text)];
    for (const index of [-1, 0, 1, 1.7, 5, text.length - 1, text.length, text.length + 3, Number.NaN, undefined]) {
      expect(mine.containing(index)).toEqual(theirs.containing(index));
    }
    // Iterable more than once, as Intl's segments are.
    expect([...mine]).toEqual([...mine]);
  });

  it('leaves any other text to Intl.Segmenter: emoji, combining marks, CRLF, CJK, Hangul, flags', () => {
    for (const text of ['👍🏽 ok', 'e\u0301', 'a\r\nb', '漢字', '\u1100\u1161\u11A8', '🇫🇷🇩🇪', 'x\u200Dy', '👨‍👩‍👧']) {
      expect(segments(ours, text)).toEqual(segments(intl, text));
      expect(ours.segment(text).containing(1)).toEqual(intl.segment(text).containing(1));
    }
  });

  it('agrees with Intl.Segmenter on any mix of its characters and others', () => {
    const pieces = fc.oneof(
      fc.constantFrom(...singles),
      fc.constantFrom('\r', '\r\n', 'é', 'e\u0301', '\u0301', '\u200D', '👍', '🏽', '🇫', '漢', '\u1100', '\u1161', '\uFE0F', '\u0600', '\u0903'),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 16 }), fc.nat(40), (parts, at) => {
        const text = parts.join('');
        expect(segments(ours, text)).toEqual(segments(intl, text));
        expect(ours.segment(text).containing(at)).toEqual(intl.segment(text).containing(at));
      }),
      { numRuns: 3000 },
    );
  });

  it('makes a real Intl.Segmenter for any other granularity, and reports the real options', () => {
    expect(graphemeSegmenter('en', { granularity: 'word' })).toBeInstanceOf(Intl.Segmenter);
    expect(ours.resolvedOptions().granularity).toBe('grapheme');
  });
});
