/**
 * Loading the Ink screens, started as early as the console is known to be wanted: main() starts it
 * before it loads the console command's own code, so the two loads overlap. Colour is decided
 * before, because chalk (and so Ink) reads FORCE_COLOR once, when it loads.
 */
import { compileYoga } from '../screens/vendor/yoga-wasm.js';

type Screens = typeof import('../screens/index.js');

let loading: Promise<Screens> | null = null;

/** Maps the operator's no-colour wishes to FORCE_COLOR=0, which chalk (and so Ink) obeys. */
export function applyColourPolicy(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb' || env.CERTOPS_NO_COLOR) env.FORCE_COLOR = '0';
}

/** The screens, loaded once. */
export function loadScreens(): Promise<Screens> {
  if (loading === null) {
    // Yoga's WebAssembly compiles on V8's threads meanwhile.
    void compileYoga();
    loading = import('../screens/index.js');
  }
  return loading;
}
