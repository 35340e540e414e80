/**
 * Loading the Ink screens, started as early as the console is known to be wanted: main() starts it
 * before it loads the console command's own code, so the two loads overlap. Colour is decided
 * before, because chalk (and so Ink) reads FORCE_COLOR once, when it loads.
 */
type Screens = typeof import('../screens/index.js');

let loading: Promise<Screens> | null = null;

/** Maps the operator's no-colour wishes to FORCE_COLOR=0, which chalk (and so Ink) obeys. */
export function applyColourPolicy(noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb' || env.CERTOPS_NO_COLOR) env.FORCE_COLOR = '0';
}

/**
 * Imports the screens with the global fetch hidden: Ink's layout engine (yoga-layout, built with
 * emscripten) otherwise loads its WebAssembly through fetch() of a data: URL, which loads Node's
 * bundled undici and its web streams, ~80 ms of a ~400 ms start; without fetch it decodes the
 * same bytes itself.
 */
async function importScreens(): Promise<Screens> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!descriptor?.configurable) return import('../screens/index.js');
  Reflect.deleteProperty(globalThis, 'fetch');
  try {
    return await import('../screens/index.js');
  } finally {
    Object.defineProperty(globalThis, 'fetch', descriptor);
  }
}

/** The screens, loaded once. */
export function loadScreens(): Promise<Screens> {
  loading ??= importScreens();
  return loading;
}
