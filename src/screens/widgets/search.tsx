/**
 * Search in a list, as in less and vim: / opens a query line, Enter jumps to the first match from
 * the cursor on, n and N go to the next and previous match (round the end), Esc cancels. The list
 * stays windowed: a match only moves the cursor.
 */
import type { Key } from 'ink';
import { useState } from 'react';
import { applyTextKey, type TextState } from './text-field.js';

export interface ListSearch {
  /** Handles a key; true when it was the search's (/, n, N, or any key while typing a query). */
  handle(input: string, key: Key): boolean;
  /** A query is being typed: letters are text (q and ? too). */
  readonly typing: boolean;
  /** What to show on the screen's status line: the query being typed, or where the last search went; '' for nothing. */
  readonly line: string;
  /** Key hints while typing. */
  readonly hints: string;
}

export interface ListSearchOptions {
  readonly count: number;
  readonly position: number;
  /** Whether row `index` matches `query` (lower case). */
  readonly matches: (index: number, query: string) => boolean;
  readonly moveTo: (index: number) => void;
  /** What a match is, for messages ("domain"). */
  readonly what: string;
}

/** The first row from `from` on (or back, for -1) that matches, round the end; null when none does. */
export function findRow(count: number, from: number, step: 1 | -1, matches: (index: number) => boolean): { readonly index: number; readonly wrapped: boolean } | null {
  for (let offset = 0; offset < count; offset += 1) {
    const raw = from + step * offset;
    const index = ((raw % count) + count) % count;
    if (matches(index)) return { index, wrapped: step === 1 ? raw >= count : raw < 0 };
  }
  return null;
}

export function useListSearch({ count, position, matches, moveTo, what }: ListSearchOptions): ListSearch {
  const [query, setQuery] = useState<TextState | null>(null);
  const [last, setLast] = useState('');
  const [line, setLine] = useState('');

  const go = (text: string, from: number, step: 1 | -1) => {
    const wanted = text.toLowerCase();
    const found = count > 0 ? findRow(count, from, step, (index) => matches(index, wanted)) : null;
    if (!found) {
      setLine(`No ${what} matches "${text}"`);
      return;
    }
    moveTo(found.index);
    let total = 0;
    let rank = 0;
    for (let index = 0; index < count; index += 1) {
      if (!matches(index, wanted)) continue;
      total += 1;
      if (index <= found.index) rank = total;
    }
    const wrap = found.wrapped ? (step === 1 ? ' · from the top again' : ' · from the bottom again') : '';
    setLine(`/${text}: match ${rank} of ${total}${wrap} · n next  N previous`);
  };

  const handle = (input: string, key: Key): boolean => {
    if (query) {
      if (key.escape) {
        setQuery(null);
        setLine('');
        return true;
      }
      const edit = applyTextKey(query, input, key);
      if (!edit) return true;
      if (edit.submit) {
        // An empty query searches for the last one again, as in less and vim.
        const text = edit.value || last;
        setQuery(null);
        if (!text) {
          setLine('');
          return true;
        }
        setLast(text);
        go(text, position, 1);
        return true;
      }
      setQuery({ value: edit.value, cursor: edit.cursor });
      return true;
    }
    if (input === '/') {
      setQuery({ value: '', cursor: 0 });
      setLine('');
      return true;
    }
    if ((input === 'n' || input === 'N') && last) {
      go(last, position + (input === 'n' ? 1 : -1), input === 'n' ? 1 : -1);
      return true;
    }
    // Any other key: the message of the last search has been read.
    if (line) setLine('');
    return false;
  };

  return {
    handle,
    typing: query !== null,
    line: query ? `/${query.value.slice(0, query.cursor)}_${query.value.slice(query.cursor)}` : line,
    hints: 'type a domain  Enter find  Esc cancel',
  };
}
