/**
 * yoga-layout as the CommonJS UI bundle sees it (scripts/build.mjs points Ink's `yoga-layout` here).
 * The package's own entry awaits its WebAssembly at the top level, which CommonJS cannot do, and
 * decodes it from base64 in JavaScript. Here the console hands over the module it has been
 * compiling in the background (./yoga-wasm.ts) and this object gets the same contents as the
 * package's entry once `startYoga` settles; ./load.ts awaits that before any screen renders (Ink
 * creates layout nodes only when it renders).
 */
import * as enums from 'yoga-layout/load';
// yoga-layout's own files, which its package exports do not name; scripts/build.mjs finds them.
import loadYogaWasm from 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from 'yoga-layout/dist/src/wrapAssembly.js';

const Yoga: Record<string, unknown> = { ...enums };
export default Yoga;
export * from 'yoga-layout/load';

/** Instantiates the compiled yoga module and fills the `yoga-layout` object Ink imports. */
export function startYoga(compiled: Promise<WebAssembly.Module>): Promise<void> {
  return new Promise((resolve, reject) => {
    loadYogaWasm({
      // Emscripten's hook for a module instantiated by its host; {} says "asynchronously".
      instantiateWasm(imports, receiveInstance) {
        compiled.then((module) => receiveInstance(new WebAssembly.Instance(module, imports))).catch(reject);
        return {};
      },
    }).then((wasm) => {
      Object.assign(Yoga, wrapAssembly(wasm));
      resolve();
    }, reject);
  });
}
