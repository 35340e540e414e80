/**
 * Runs the UI bundle (./entry.ts, built to dist/vendor-ui.cjs) through a V8 code cache kept in the
 * user's cache folder. Node 20 compiles ES modules afresh on every start; React, Ink and the
 * layout engine are most of the code the console's first frame runs, and compiling them is the
 * part of the start a cache removes (~15 ms of the first frame, npm run bench:console). The cache
 * is written when there is none or V8 rejects it (another Node, other flags): a second after start,
 * when the first frame has compiled its functions, or at exit if that comes first. It replaces the
 * caches of earlier builds. Any failure to read or write it only costs the time it would have saved.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { writeFileSync } from 'atomically';
import { xdgFolder } from '../../core/xdg.js';
import { compileYoga } from './yoga-wasm.js';

type Ui = typeof import('./entry.js');

const bundle = fileURLToPath(new URL('./vendor-ui.cjs', import.meta.url));

/** The bundle's SHA-256, computed by scripts/build.mjs when it wrote the bundle. */
declare const __CERTOPS_UI_HASH__: string;

function loadUi(): { ui: Ui; save: () => void } {
  const source = readFileSync(bundle, 'utf8');
  // V8 checks a cache against the source's length only: the file name carries a hash of the text
  // (made at build time, which saves hashing ~1 MB at every start), Node's version and the arch.
  const cacheFile = join(xdgFolder('cache', process.env), `ui-${__CERTOPS_UI_HASH__.slice(0, 16)}-node${process.versions.node}-${process.arch}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as Ui };
  const run = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  run(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return {
    ui: module.exports,
    save: () => {
      if (!fresh) return;
      try {
        // One level at a time: a recursive mkdir can spin forever under a path like /proc/x.
        for (const folder of [dirname(dirname(cacheFile)), dirname(cacheFile)]) {
          try {
            mkdirSync(folder, { mode: 0o700 });
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          }
        }
        writeFileSync(cacheFile, script.createCachedData(), { mode: 0o600 });
        for (const name of readdirSync(dirname(cacheFile))) {
          if (/^ui-[0-9a-f]{16}(-node[0-9.]+-\w+)?\.v8cache$/.test(name) && name !== basename(cacheFile)) rmSync(join(dirname(cacheFile), name), { force: true });
        }
      } catch {
        // No cache: the next start compiles again.
      }
    },
  };
}

const loaded = loadUi();
await loaded.ui.startYoga(compileYoga());
let saved = false;
const saveOnce = (): void => {
  if (saved) return;
  saved = true;
  loaded.save();
};
setTimeout(saveOnce, 1000).unref();
process.once('exit', saveOnce);

export const ui = loaded.ui;
