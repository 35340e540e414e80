// yoga-layout's emscripten loader and its JavaScript wrapper, which ./yoga.ts imports by path.
declare module 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js' {
  interface EmscriptenOptions {
    instantiateWasm(imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance) => void): object;
  }
  export default function loadYogaWasm(options: EmscriptenOptions): Promise<unknown>;
}
declare module 'yoga-layout/dist/src/wrapAssembly.js' {
  export default function wrapAssembly(wasm: unknown): Record<string, unknown>;
}
