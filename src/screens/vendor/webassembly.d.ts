// Node 20 has WebAssembly, but @types/node 20 types none of it (lib.dom does, which certops does not
// load): the part ./yoga-wasm.ts and ./yoga.ts use.
declare global {
  namespace WebAssembly {
    interface Module {}
    interface Instance {
      readonly exports: Record<string, unknown>;
    }
    var Instance: new (module: Module, imports?: Imports) => Instance;
    type Imports = Record<string, Record<string, unknown>>;
    function compile(bytes: Uint8Array): Promise<Module>;
    function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  }
}
export {};
