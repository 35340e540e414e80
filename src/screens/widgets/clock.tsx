/**
 * The console's one timer. Spinners and "how long it has waited" counters tick with it, so a screen
 * never starts a clock of its own, and it runs only while something on screen waits (over SSH every
 * frame is bytes on the wire).
 */
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../context.js';

export interface Clock {
  now(): number;
  /** Calls `listener` at every tick until the returned function is called. */
  subscribe(listener: () => void): () => void;
}

export const TICK_MS = 120;

export function createClock(now: () => number = Date.now, tickMs = TICK_MS): Clock {
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    now,
    subscribe(listener) {
      listeners.add(listener);
      timer ??= setInterval(() => {
        for (const each of [...listeners]) each();
      }, tickMs);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = null;
        }
      };
    },
  };
}

/** The clock's time, re-rendering the caller whenever it enters a new `step` of ms while `active`. */
export function useClock(active = true, step = TICK_MS): number {
  const { clock } = useConsole();
  const [, setStep] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    let last = Math.floor(clock.now() / step);
    return clock.subscribe(() => {
      const current = Math.floor(clock.now() / step);
      if (current !== last) {
        last = current;
        setStep(current);
      }
    });
  }, [clock, active, step]);
  return clock.now();
}

/**
 * Whole seconds since `active` last became true (0 while inactive): how long a screen has waited
 * on a provider, re-rendered once a second.
 */
export function useWaited(active: boolean): number {
  const { clock } = useConsole();
  const since = useRef<number | null>(null);
  if (!active) since.current = null;
  else since.current ??= clock.now();
  const elapsed = () => (since.current === null ? 0 : Math.max(0, Math.floor((clock.now() - since.current) / 1000)));
  const [, setShown] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    let shown = elapsed();
    return clock.subscribe(() => {
      const current = elapsed();
      if (current !== shown) {
        shown = current;
        setShown(current);
      }
    });
  }, [clock, active]);
  return elapsed();
}

/** " (12 s)": how long a screen has waited, shown from the first second on. */
export function waitedText(seconds: number): string {
  return seconds >= 1 ? ` (${seconds} s)` : '';
}
