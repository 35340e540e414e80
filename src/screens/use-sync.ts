/** Sync on demand with progress, shared by the dashboard and the timeline. */
import { useCallback, useRef, useState } from 'react';
import type { ConsoleServices } from '../core/services.js';
import type { SyncResult } from '../core/sync.js';
import { useWaited, waitedText } from './widgets/clock.js';

export interface SyncState {
  readonly running: boolean;
  readonly line: string;
  readonly results: readonly SyncResult[] | null;
}

export function useSync(services: ConsoleServices, onDone: () => void): [SyncState, () => void] {
  const [state, setState] = useState<SyncState>({ running: false, line: '', results: null });
  const progress = useRef(new Map<string, string>());
  const lastPaint = useRef(0);
  const start = useCallback(() => {
    if (state.running) return;
    const modules = services.modules();
    if (modules.length === 0) {
      setState({ running: false, line: 'No processing module to sync: add one first (a).', results: null });
      return;
    }
    progress.current.clear();
    // Every module is named from the start: one whose provider does not answer stays "waiting".
    for (const module of modules) progress.current.set(module.parameters.name, `${module.parameters.name} waiting`);
    setState({ running: true, line: [...progress.current.values()].join(' · '), results: null });
    void services
      .sync(modules, (p) => {
        progress.current.set(p.module, `${p.module} ${p.listed}${p.total === null ? '' : `/${p.total}`}`);
        // Repaint at most ten times a second, however fast pages arrive.
        const now = Date.now();
        if (now - lastPaint.current < 100) return;
        lastPaint.current = now;
        setState((s) => ({ ...s, line: [...progress.current.values()].join(' · ') }));
      })
      .then((results) => {
        const failed = results.filter((r) => !r.ok);
        const listed = results.reduce((sum, r) => sum + (r.ok ? r.certificates : 0), 0);
        const line = failed.length
          ? `Synced ${listed} certificates; failed: ${failed.map((r) => `${r.module} (${r.ok ? '' : r.detail})`).join(', ')} — previous lists kept`
          : `Synced ${listed} certificates from ${results.length} module${results.length === 1 ? '' : 's'}.`;
        setState({ running: false, line, results });
        onDone();
      });
  }, [services, onDone, state.running]);
  // How long the sync has waited, at the head of the line where a narrow terminal cannot cut it.
  const waited = useWaited(state.running);
  return [state.running ? { ...state, line: `Syncing${waitedText(waited)}: ${state.line}` } : state, start];
}
