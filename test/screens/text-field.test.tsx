import { render } from 'ink-testing-library';
import type { Key } from 'ink';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { applyTextKey, TextField, type TextState } from '../../src/screens/widgets/text-field.js';

const NONE: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
} as Key;
/** Typed text, or a key (with the letter held with Ctrl, as Ink reports it). */
type Step = string | (Partial<Key> & { readonly input?: string });
const type = (state: TextState, ...steps: Step[]): TextState =>
  steps.reduce<TextState>((s, step) => {
    const edit = typeof step === 'string' ? applyTextKey(s, step, NONE) : applyTextKey(s, step.input ?? '', { ...NONE, ...step });
    return edit ? { value: edit.value, cursor: edit.cursor } : s;
  }, state);
const empty: TextState = { value: '', cursor: 0 };

describe('the text field: an emoji or an accented letter is one character', () => {
  it('types after an emoji without splitting it', () => {
    expect(type(empty, '👍', ' LT')).toEqual({ value: '👍 LT', cursor: 5 });
    expect(type(empty, '👍', 'L', 'T')).toEqual({ value: '👍LT', cursor: 4 });
  });

  it('erases, and moves over, an emoji, a family emoji, a flag and a combining accent as one', () => {
    for (const grapheme of ['👍', '👨‍👩‍👧', '🇫🇷', 'e\u0301', '漢']) {
      const typed = type(empty, `a${grapheme}b`);
      expect(type(typed, { leftArrow: true }, { leftArrow: true })).toEqual({ value: `a${grapheme}b`, cursor: 1 });
      expect(type(typed, { leftArrow: true }, { backspace: true })).toEqual({ value: 'ab', cursor: 1 });
      expect(type(typed, { leftArrow: true }, { leftArrow: true }, { rightArrow: true })).toEqual({ value: `a${grapheme}b`, cursor: 1 + grapheme.length });
    }
    // A combining accent typed after a letter joins it: one Backspace takes both.
    expect(type(empty, 'e', '\u0301', { backspace: true })).toEqual({ value: '', cursor: 0 });
  });

  it('never leaves half a character behind, whatever is typed, erased or moved over', () => {
    const step = fc.oneof(
      fc.constantFrom('a', ' ', '👍', '👍🏽', '🇫🇷', 'e\u0301', '\u0301', '漢', '\u007f'),
      fc.constantFrom<Step>({ leftArrow: true }, { rightArrow: true }, { backspace: true }, { home: true }, { end: true }, { ctrl: true, input: 'w' }, { ctrl: true, input: 'u' }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const result = type(empty, ...steps);
        expect(result.value).not.toMatch(/[\uD800-\uDFFF]/u);
        // The cursor sits between graphemes.
        const starts = [0];
        for (const { segment } of new Intl.Segmenter().segment(result.value)) starts.push((starts.at(-1) as number) + segment.length);
        expect(starts).toContain(result.cursor);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the text field on screen', () => {
  const colour = process.env.FORCE_COLOR;
  afterEach(() => {
    if (colour === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = colour;
  });

  it('shows the whole emoji and keeps the cursor in view in a long wide value', () => {
    const value = '証明書 サーバー 👍 main and more text';
    const ui = render(<TextField state={{ value, cursor: value.length }} focused secret={false} placeholder="" width={20} />);
    const frame = ui.lastFrame() ?? '';
    expect(frame).not.toMatch(/[\uD800-\uDFFF]/u);
    expect(frame).toContain('more text');
    ui.unmount();
    const start = render(<TextField state={{ value, cursor: 0 }} focused={false} secret={false} placeholder="" width={12} />);
    expect(start.lastFrame()).toBe('証明書 サー…');
    start.unmount();
  });

  it('masks a password by characters, not UTF-16 units', () => {
    const ui = render(<TextField state={{ value: 'p👍ss', cursor: 0 }} focused={false} secret placeholder="" width={20} />);
    expect(ui.lastFrame()).toBe('••••');
    ui.unmount();
  });

  it('shows the cursor as a bar when colours (and so inverse) are off', () => {
    process.env.FORCE_COLOR = '0';
    const ui = render(<TextField state={{ value: 'abc', cursor: 1 }} focused secret={false} placeholder="" width={20} />);
    expect(ui.lastFrame()).toBe('a▏bc');
    ui.unmount();
  });
});
