/**
 * A fast path in front of string-width for the text certops draws. Ink measures every string and
 * every character it writes with string-width, which sends anything outside printable ASCII through
 * Unicode segmentation and four Unicode-property regular expressions; compiling those on the first
 * `·` cost ~15 ms of the console's first frame. The glyphs below are one column wide in every
 * string-width the UI bundle holds (test/screens/narrow-width.test.ts checks each against them),
 * so a string made of them and printable ASCII is as wide as it is long. Anything else, and any
 * call with options, goes to string-width itself.
 */

/** The non-ASCII glyphs of certops' screens, plus the box drawing and braille blocks. */
export const NARROW_GLYPHS = '·—•…›←↑→↓⌫⏎▲▼✓✗▏';
/** Whole blocks of one-column glyphs, as regular-expression ranges. */
export const NARROW_RANGES = ['\u2500-\u257F', '\u2800-\u28FF'];

const narrowText = new RegExp(`^[\\u0020-\\u007E${NARROW_GLYPHS}${NARROW_RANGES.join('')}]*$`);
// Colours and styles (SGR sequences) take no columns; any other escape goes to string-width.
const styles = /\u001B\[[0-9;]*m/g;

/** The width of `text` when it is made of narrow characters and styles only; otherwise undefined. */
export function narrowWidth(text: unknown, options?: object): number | undefined {
  if (typeof text !== 'string' || options !== undefined) return undefined;
  const visible = text.includes('\u001B') ? text.replace(styles, '') : text;
  return narrowText.test(visible) ? visible.length : undefined;
}
