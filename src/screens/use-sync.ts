/**
 * Sync on demand with progress, shared by the dashboard and the timeline. A module whose new list
 * would lose most of its certificates at once keeps the old one (core/sync.ts); the console then
 * asks, one module at a time, whether to take the shorter list, as `certops sync --accept-shrink`.
 */
import { useCallback, useRef, useState } from 'react';
import type { Key } from 'ink';
import type { ConsoleServices } from '../core/services.js';
import { SHRINK_REFUSED, type SyncProgress, type SyncResult } from '../core/sync.js';
import { useWaited, waitedText } from './widgets/clock.js';
import { grouped } from './widgets/text.js';

export interface SyncState {
  readonly running: boolean;
  readonly line: string;
  readonly results: readonly SyncResult[] | null;
  /** A refused shrink waiting for y/n: the refusal and the question, for the status line. */
  readonly question: string | null;
  /** The footer's keys while a question waits. */
  readonly hints: string | null;
}

/** The screen's key handler asks this first: true when the key answered the sync's question. */
export type SyncAnswer = (input: string, key: Key) => boolean;

type Refused = Extract<SyncResult, { ok: false }> & { readonly shrink: { readonly before: number; readonly after: number } };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the whole sync came to, but for the refused shrinks (asked about one by one). */
function summary(results: readonly SyncResult[]): string {
  if (results.length === 0) return '';
  const failed = results.filter((r) => !r.ok);
  const listed = results.reduce((sum, r) => sum + (r.ok ? r.certificates : 0), 0);
  return failed.length
    ? `Synced ${grouped(listed)} certificates; failed: ${failed.map((r) => `${r.module} (${r.ok ? '' : r.detail})`).join(', ')} — previous lists kept`
    : `Synced ${grouped(listed)} certificates from ${plural(results.length, 'module')}.`;
}

function question(refused: Refused): string {
  const { before, after } = refused.shrink;
  return `${refused.module}: the provider listed ${plural(after, 'certificate')} where ${before} were; kept the ${before}. Accept the shorter list? y/n`;
}

export function useSync(services: ConsoleServices, onDone: () => void): [SyncState, () => void, SyncAnswer] {
  const [state, setState] = useState<SyncState>({ running: false, line: '', results: null, question: null, hints: null });
  const progress = useRef(new Map<string, string>());
  const lastPaint = useRef(0);
  // The refused shrinks not yet answered, what the answers came to, and the rest of the sync.
  const asking = useRef<Refused[]>([]);
  const answered = useRef<string[]>([]);
  const rest = useRef('');

  const onProgress = useCallback((p: SyncProgress) => {
    progress.current.set(p.module, `${p.module} ${p.listed}${p.total === null ? '' : `/${p.total}`}`);
    // Repaint at most ten times a second, however fast pages arrive.
    const now = Date.now();
    if (now - lastPaint.current < 100) return;
    lastPaint.current = now;
    setState((s) => ({ ...s, line: [...progress.current.values()].join(' · ') }));
  }, []);

  /** The next question, or the whole outcome once every refused shrink is answered. */
  const askNext = useCallback(
    (results: readonly SyncResult[] | null) => {
      const next = asking.current[0];
      if (next) {
        setState({ running: false, line: [...answered.current, rest.current].filter(Boolean).join(' '), results, question: question(next), hints: `y take the shorter list  n or Esc keep the ${next.shrink.before}` });
      } else {
        setState({ running: false, line: [...answered.current, rest.current].filter(Boolean).join(' '), results, question: null, hints: null });
      }
      onDone();
    },
    [onDone],
  );

  const start = useCallback(() => {
    if (state.running || state.question) return;
    const modules = services.modules();
    if (modules.length === 0) {
      setState({ running: false, line: 'No processing module to sync: add one first (a).', results: null, question: null, hints: null });
      return;
    }
    progress.current.clear();
    // Every module is named from the start: one whose provider does not answer stays "waiting".
    for (const module of modules) progress.current.set(module.parameters.name, `${module.parameters.name} waiting`);
    setState({ running: true, line: [...progress.current.values()].join(' · '), results: null, question: null, hints: null });
    void services.sync(modules, onProgress).then((results) => {
      if (services.aborted) return;
      const refused = results.filter((r): r is Refused => !r.ok && r.cause === SHRINK_REFUSED && r.shrink !== undefined);
      asking.current = refused;
      answered.current = [];
      rest.current = summary(results.filter((r) => !refused.includes(r as Refused)));
      askNext(results);
    });
  }, [services, onProgress, askNext, state.running, state.question]);

  const answer = useCallback(
    (input: string, key: Key): boolean => {
      const refused = asking.current[0];
      if (!refused || state.running) return false;
      // q and ? keep their meaning (leave, help) while the question waits.
      if (input === 'q' || input === '?') return false;
      const yes = input === 'y' || input === 'Y';
      if (!yes && !(input === 'n' || input === 'N' || key.escape)) return true;
      asking.current = asking.current.slice(1);
      const module = services.modules().find((m) => m.id === refused.moduleId);
      if (!yes || !module) {
        answered.current.push(module ? `${refused.module}: kept the ${plural(refused.shrink.before, 'certificate')}.` : `${refused.module}: removed meanwhile, nothing synced.`);
        askNext(state.results);
        return true;
      }
      progress.current.clear();
      progress.current.set(module.parameters.name, `${module.parameters.name} waiting`);
      setState((s) => ({ ...s, running: true, line: `${module.parameters.name} waiting`, question: null, hints: null }));
      void services.sync([module], onProgress, { acceptShrink: true }).then(([result]) => {
        if (services.aborted || !result) return;
        answered.current.push(result.ok ? `${result.module}: took the shorter list, ${plural(result.certificates, 'certificate')}.` : `${result.module}: synced again and failed (${result.detail}); the ${plural(result.kept, 'certificate')} kept.`);
        askNext(state.results);
      });
      return true;
    },
    [services, onProgress, askNext, state.running, state.results],
  );

  // How long the sync has waited, at the head of the line where a narrow terminal cannot cut it.
  const waited = useWaited(state.running);
  return [state.running ? { ...state, line: `Syncing${waitedText(waited)}: ${state.line}` } : state, start, answer];
}
