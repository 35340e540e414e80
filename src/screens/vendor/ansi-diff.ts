/**
 * A fast path in front of @alcalzone/ansi-tokenize's diffAnsiCodes, which Ink calls between every
 * two neighbouring characters of every line it writes (styledCharsToString) to find the escape
 * codes that lead from one character's styles to the next. Each call builds three Sets and four
 * arrays; for a 120×40 first frame that is ~5 000 calls, ~20 ms before V8 optimises them. Most
 * neighbours share their styles, and then the answer is no codes at all: every style of `from` is
 * in `to` (so none is undone) and every style of `to` is in `from` (so none is added). Only when
 * the styles differ does the real diff run. test/screens/ansi-diff.test.ts compares the two.
 */

/** One style as ansi-tokenize holds it: the code that starts it and the code that ends it. */
export interface AnsiCode {
  code: string;
  endCode: string;
}

/** True when both lists hold the same styles, in the same order. */
export function sameStyles(from: readonly AnsiCode[], to: readonly AnsiCode[]): boolean {
  if (from === to) return true;
  if (from.length !== to.length) return false;
  for (let index = 0; index < from.length; index++) {
    if (from[index]!.code !== to[index]!.code || from[index]!.endCode !== to[index]!.endCode) return false;
  }
  return true;
}

/** `diff`, answering [] at once for neighbours that share their styles. */
export function withSameStylesFastPath<Code extends AnsiCode>(
  diff: (from: Code[], to: Code[]) => Code[],
): (from: Code[], to: Code[]) => Code[] {
  return (from, to) => (sameStyles(from, to) ? [] : diff(from, to));
}
