/** Renders the console and resolves when the operator quits. Imported only for the console. */
import { render } from 'ink';
import type { ConsoleServices } from '../core/services.js';
import { App, type ExitHow } from './app.js';
import { loadUndici } from '../providers/http.js';
import { PROVIDER_MODULES } from '../providers/registry.js';

/** How long leaving waits for the aborted work to settle: aborted calls end in milliseconds; a write waits on its lock. */
const SETTLE_MS = 3000;

/** Resolves with how the operator left: q, or Ctrl+C ('interrupted', exit code 130). */
export async function runConsole(services: ConsoleServices): Promise<ExitHow> {
  let how: ExitHow = 'quit';
  const instance = render(<App services={services} onExit={(left) => (how = left)} />, {
    // The App takes Ctrl+C itself: it cancels the provider calls in flight and exits 130.
    exitOnCtrlC: false,
    patchConsole: false,
    // Over SSH every byte counts: at most 30 frames a second.
    maxFps: 30,
  });
  // Loaded now rather than on first use: a certops upgrade while the console runs replaces the
  // bundle's files, and a module loaded later would no longer be found.
  void Promise.all([...Object.values(PROVIDER_MODULES).map((module) => module.preload()), loadUndici()]).catch(() => {});
  await instance.waitUntilExit();
  // The calls in flight were aborted on the way out; their ends (a check's record, a sync that keeps
  // the old list) are waited for, briefly, so that nothing is written after the process or the demo
  // has let go of the configuration (the demo removes its folder next).
  await services.settle(SETTLE_MS);
  return how;
}
