/**
 * A stand-in for `new Intl.Segmenter(…)` in the UI bundle's dependencies. Ink cuts every line it
 * writes into graphemes (@alcalzone/ansi-tokenize, slice-ansi), and both build their grapheme
 * segmenter when their module loads; the first one makes ICU load its break rules, ~20 ms of the
 * console's first frame. The text certops draws (ASCII, escape sequences and the glyphs of
 * ./narrow-width.ts) holds no character that joins a neighbour into one grapheme, so its graphemes
 * are its characters. Such text is cut here; any other text, or another granularity, goes to a
 * real Intl.Segmenter, made on first need. test/screens/graphemes.test.ts checks every pair of
 * these characters, and random text, against Intl.Segmenter itself.
 */
import { NARROW_GLYPHS, NARROW_RANGES } from './narrow-width.js';

/**
 * Characters that are a grapheme by themselves next to any other of them: all of ASCII but the
 * carriage return (which joins a following line feed), and certops' narrow glyphs. None of them is
 * a combining mark, joiner, prepend or spacing mark, Hangul jamo or regional indicator (UAX #29).
 */
const singles = new RegExp(`^[\\u0000-\\u000C\\u000E-\\u007F${NARROW_GLYPHS}${NARROW_RANGES.join('')}]*$`);

interface SegmentData {
  segment: string;
  index: number;
  input: string;
}

/** Intl's Segments for text whose graphemes are its UTF-16 code units. */
class SingleSegments {
  constructor(private readonly input: string) {}

  containing(codeUnitIndex = 0): SegmentData | undefined {
    const index = Math.trunc(Number(codeUnitIndex)) || 0;
    if (index < 0 || index >= this.input.length) return undefined;
    return { segment: this.input[index]!, index, input: this.input };
  }

  *[Symbol.iterator](): IterableIterator<SegmentData> {
    const { input } = this;
    for (let index = 0; index < input.length; index++) yield { segment: input[index]!, index, input };
  }
}

interface Segmenter {
  segment(input: string): Iterable<SegmentData> & { containing(index?: number): SegmentData | undefined };
  resolvedOptions(): Intl.ResolvedSegmenterOptions;
}

/** What the bundle's `new Intl.Segmenter(locales, options)` calls instead. */
export function graphemeSegmenter(locales?: string | string[], options?: Intl.SegmenterOptions): Segmenter {
  let real: Intl.Segmenter | undefined;
  const intl = (): Intl.Segmenter => (real ??= new Intl.Segmenter(locales, options));
  if ((options?.granularity ?? 'grapheme') !== 'grapheme') return intl();
  return {
    segment(input) {
      const text = String(input);
      return singles.test(text) ? new SingleSegments(text) : intl().segment(text);
    },
    resolvedOptions: () => intl().resolvedOptions(),
  };
}
