/**
 * What every screen gets: the core's services, navigation, the layout, and a way to receive keys.
 * The App owns the only useInput and hands each key to the screen on top (Ink 6.8 can hang when a
 * component with useInput is swapped for another in one render, as a wizard does).
 */
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { Key } from 'ink';
import type { ConsoleServices } from '../core/services.js';
import type { ProjectedAction } from '../rules/projection.js';
import type { Clock } from './widgets/clock.js';

export type ScreenSpec =
  | { readonly id: 'dashboard' }
  | { readonly id: 'wizard' }
  | { readonly id: 'modules' }
  | { readonly id: 'module'; readonly moduleId: number }
  | { readonly id: 'edit'; readonly moduleId: number }
  | { readonly id: 'check'; readonly moduleIds?: readonly number[] }
  | { readonly id: 'balances' }
  | { readonly id: 'timeline' }
  | {
      readonly id: 'reissue';
      /** What the timeline showed when r was pressed: the run is limited to it (all when absent). */
      readonly scope?: ReissueScope;
    }
  | {
      readonly id: 'tasks';
      /** Where the list was when a task was opened from it: the view comes back to it. */
      readonly at?: { readonly taskId: string; readonly index: number; readonly department: string; readonly status: 'open' | 'closed' | 'all' };
    }
  | { readonly id: 'task'; readonly taskId: string }
  | { readonly id: 'policy' }
  | { readonly id: 'logs' }
  | { readonly id: 'reissues' }
  | { readonly id: 'reissue-record'; readonly recordId: string };

/** A reissue run limited to one module and one kind of action, as the timeline's filters show. */
export interface ReissueScope {
  readonly module?: { readonly id: number; readonly name: string };
  readonly action?: ProjectedAction;
}

/** Returns true when the key was used; unused keys fall through to Esc/q/? handling. */
export type KeyHandler = (input: string, key: Key) => boolean | void;

export interface ConsoleContext {
  readonly services: ConsoleServices;
  push(screen: ScreenSpec): void;
  pop(): void;
  /** Replaces the screen on top (the wizard becomes the module it saved). */
  replace(screen: ScreenSpec): void;
  /** Leaves the console at once: the provider calls in flight are cancelled. */
  quit(): void;
  /** The console's one timer (spinners, how long a screen has waited). */
  readonly clock: Clock;
  readonly columns: number;
  /** Rows the screen body may use: the frame stays shorter than the terminal. */
  readonly bodyRows: number;
  /** The key handler of the screen on top. */
  readonly keyHandler: { current: KeyHandler | null };
  /** A key was handled and the screen has not rendered since: its handler may not see that key yet. */
  readonly keyPending: { current: boolean };
  /** While a text field has the focus, q and ? are letters, not commands. */
  readonly textMode: { current: boolean };
  /** The footer's key hints for the screen on top. */
  setHints(hints: string, textMode?: boolean): void;
  /**
   * What the screen on top keeps of its own state (cursor, filters) while a screen it opened is on
   * top: it is mounted afresh on the way back, to show fresh data, and takes these values again.
   */
  readonly memory: Map<string, unknown>;
  /** The screen on top takes keys now: the keys held for it while it was reading go on to it. */
  resume(): void;
  /**
   * A word on what was just done ("Saved."), in the title line until the next key: it outlives
   * the screen that said it (an edit goes back to the module it came from).
   */
  notify(text: string): void;
}

export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const context = useContext(Console);
  if (!context) throw new Error('useConsole outside the console');
  return context;
}

/** Registers the screen's key handler and footer hints (the latest render's handler wins). */
export function useKeys(handler: KeyHandler, hints: string, textMode = false): void {
  const context = useConsole();
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => {
    context.keyHandler.current = (input, key) => latest.current(input, key);
    // Rendered: the handler now sees the state of every key handled so far.
    context.keyPending.current = false;
    context.textMode.current = textMode;
    context.setHints(hints, textMode);
    context.resume();
  });
}

export const up = (input: string, key: Key) => key.upArrow || input === 'k';
export const down = (input: string, key: Key) => key.downArrow || input === 'j';

/**
 * useState that outlives a trip to another screen and back (see ConsoleContext.memory): the
 * timeline keeps its filters after a reissue run, a list its cursor after an edit.
 */
export function useRemembered<T>(name: string, initial: T): [T, Dispatch<SetStateAction<T>>] {
  const { memory } = useConsole();
  const [value, setValue] = useState<T>(() => (memory.has(name) ? (memory.get(name) as T) : initial));
  useEffect(() => {
    memory.set(name, value);
  }, [memory, name, value]);
  return [value, setValue];
}
