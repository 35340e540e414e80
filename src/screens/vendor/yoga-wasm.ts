/**
 * Yoga's WebAssembly (dist/yoga.wasm, taken out of yoga-layout by scripts/build.mjs), compiled in
 * the background from the moment the console is known to be wanted. V8 compiles WebAssembly on
 * its own threads, so the ~15 ms it takes overlaps the loading of the console's code instead of
 * following it; the UI bundle (./yoga.ts) then only instantiates the compiled module.
 */
import { readFileSync } from 'node:fs';

let compiling: Promise<WebAssembly.Module> | undefined;

/** Starts the compilation once; every call gets the same module. */
export function compileYoga(): Promise<WebAssembly.Module> {
  if (compiling === undefined) {
    // Read at once (~90 KB): compiling starts now, not when the event loop next gets to a read.
    compiling = new Promise((resolve) => resolve(WebAssembly.compile(readFileSync(new URL('./yoga.wasm', import.meta.url)))));
    // Whoever awaits the module sees a failure; one started early and never awaited is no error.
    compiling.catch(() => {});
  }
  return compiling;
}
