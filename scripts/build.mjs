// Bundles certops with esbuild, in three builds: the UI libraries (React, Ink, yoga) as one CommonJS
// file run through a V8 code cache; the scripted commands as ES modules, a chunk per command, which
// never load the UI; and the console on a terminal as ES modules of its own. Bundles start faster
// than hundreds of tsc-emitted modules. Runs on `npm install` (prepare) so a fresh checkout has a
// runnable `certops`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Built beside dist/ and swapped in by renames: a certops running meanwhile (or a second build)
// never finds dist/ missing or half written.
const fresh = `dist.build-${process.pid}`;
const stale = `dist.old-${process.pid}`;
rmSync(new URL(`../${fresh}`, import.meta.url), { recursive: true, force: true });
mkdirSync(new URL(`../${fresh}`, import.meta.url));
// A failed build leaves nothing behind; dist/ stays as it was.
process.once('exit', (code) => {
  if (code !== 0) rmSync(new URL(`../${fresh}`, import.meta.url), { recursive: true, force: true });
});

/** What every build shares. */
const shared = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Ink loads React DevTools only when DEV=true; certops never ships it.
  external: ['react-devtools-core'],
};
// certops decides itself whether it runs interactively; Ink must not second-guess it from CI=.
const notInCi = { 'is-in-ci': './src/screens/not-in-ci.ts' };
const production = { 'process.env.NODE_ENV': '"production"' };

// React, Ink and yoga-layout as one CommonJS file, which the console runs through a V8 code cache
// (src/screens/vendor/load.ts): Node 20 caches no compiled ES module code.
await build({
  ...shared,
  entryPoints: ['src/screens/vendor/entry.ts'],
  outfile: `${fresh}/vendor-ui.cjs`,
  // Node reads and V8 checks the whole text at every start, cache or not: minified, the bundle is
  // 283 KB instead of 753 KB and loads in ~33 ms instead of ~53 (a standalone load, median of 15).
  minify: true,
  format: 'cjs',
  alias: notInCi,
  plugins: [
    {
      // Ink's `yoga-layout` awaits at its top level; the bundle takes the same object from a shim
      // (src/screens/vendor/yoga.ts), which reaches two of yoga-layout's files by path. The
      // WebAssembly goes to dist/yoga.wasm, which the console compiles while it loads.
      name: 'yoga-without-top-level-await',
      setup(b) {
        b.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: join(root, 'src/screens/vendor/yoga.ts') }));
        b.onResolve({ filter: /^yoga-layout\/dist\// }, async (args) => {
          const load = await b.resolve('yoga-layout/load', { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer });
          if (load.errors.length > 0) return { errors: load.errors };
          // yoga-layout/load is dist/src/load.js.
          return { path: join(dirname(dirname(dirname(load.path))), args.path.slice('yoga-layout/'.length)) };
        });
        b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
          const contents = readFileSync(args.path, 'utf8');
          const inline = [...contents.matchAll(/"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/g)];
          const wasm = inline.length === 1 ? Buffer.from(inline[0][1], 'base64') : Buffer.alloc(0);
          if (!wasm.subarray(0, 4).equals(Buffer.from('\0asm'))) throw new Error(`${args.path} no longer holds one base64 WebAssembly module: review scripts/build.mjs`);
          writeFileSync(join(root, fresh, 'yoga.wasm'), wasm);
          // What remains is an empty data: URL, never read: src/screens/vendor/yoga.ts instantiates.
          return { contents: contents.replace(inline[0][0], '"data:application/octet-stream;base64,"'), loader: 'js' };
        });
      },
    },
    {
      // Every `string-width` of the bundle (Ink's and wrap-ansi's own copy) first tries the fast
      // path for certops' glyphs (src/screens/vendor/narrow-width.ts), then the real one.
      name: 'narrow-width',
      setup(b) {
        b.onResolve({ filter: /^string-width$/ }, async (args) => {
          if (args.pluginData?.real) return undefined;
          const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { real: true } });
          if (real.errors.length > 0) return { errors: real.errors };
          return { path: real.path, namespace: 'narrow-width' };
        });
        b.onLoad({ filter: /.*/, namespace: 'narrow-width' }, (args) => ({
          // require(), not import: esbuild then runs the real module (whose top level builds an
          // Intl.Segmenter and Unicode-set regular expressions, ~15 ms) only when first needed.
          contents: [
            `import { narrowWidth } from ${JSON.stringify(join(root, 'src/screens/vendor/narrow-width.ts'))};`,
            'let stringWidth;',
            `export default (text, options) => narrowWidth(text, options) ?? (stringWidth ??= require(${JSON.stringify(args.path)}).default)(text, options);`,
          ].join('\n'),
          resolveDir: root,
          loader: 'js',
        }));
      },
    },
    {
      // Every `new Intl.Segmenter(…)` of the bundle's dependencies gets a segmenter that cuts
      // certops' own text without ICU and makes the real one only for other text
      // (src/screens/vendor/graphemes.ts). Checked on the output below.
      name: 'lazy-grapheme-segmenter',
      setup(b) {
        b.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, (args) => {
          const contents = readFileSync(args.path, 'utf8');
          if (!contents.includes('new Intl.Segmenter(')) return undefined;
          if (!/^\s*(import|export)\s/m.test(contents)) throw new Error(`${args.path} makes an Intl.Segmenter but is not an ES module: review scripts/build.mjs`);
          return {
            contents: `import { graphemeSegmenter as __certopsGraphemeSegmenter } from ${JSON.stringify(join(root, 'src/screens/vendor/graphemes.ts'))};\n${contents.replaceAll('new Intl.Segmenter(', '__certopsGraphemeSegmenter(')}`,
            loader: 'js',
          };
        });
      },
    },
    {
      // ansi-tokenize's styledCharsToString, which Ink runs on every line it writes, takes its
      // diffAnsiCodes through src/screens/vendor/ansi-diff.ts's fast path for equal styles.
      name: 'same-styles-fast-path',
      setup(b) {
        b.onResolve({ filter: /^\.\/diff\.js$/ }, (args) => {
          if (!/[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/.test(args.importer)) return undefined;
          return { path: join(args.resolveDir, 'diff.js'), namespace: 'same-styles-fast-path' };
        });
        b.onLoad({ filter: /.*/, namespace: 'same-styles-fast-path' }, (args) => ({
          contents: [
            `import { diffAnsiCodes as diff } from ${JSON.stringify(args.path)};`,
            `import { withSameStylesFastPath } from ${JSON.stringify(join(root, 'src/screens/vendor/ansi-diff.ts'))};`,
            'export const diffAnsiCodes = withSameStylesFastPath(diff);',
          ].join('\n'),
          resolveDir: root,
          loader: 'js',
        }));
      },
    },
    {
      // Ink's reconciler awaits at its top level only when DEV=true, to load React DevTools, which
      // certops never ships; CommonJS cannot hold those awaits, so they are taken out. A new Ink
      // whose text differs fails the build here rather than at run time.
      name: 'ink-without-devtools',
      setup(b) {
        b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
          const replacements = [
            ["await import('./devtools.js');", 'void 0;'],
            ['await loadPackageJson()', '{ name: undefined, version: undefined }'],
          ];
          let contents = readFileSync(args.path, 'utf8');
          for (const [from, to] of replacements) {
            if (!contents.includes(from)) throw new Error(`ink/build/reconciler.js no longer contains ${from}: review scripts/build.mjs`);
            contents = contents.replace(from, to);
          }
          return { contents, loader: 'js' };
        });
      },
    },
  ],
  define: production,
});

const vendorUi = readFileSync(new URL(`../${fresh}/vendor-ui.cjs`, import.meta.url), 'utf8');
// One Intl.Segmenter is made in the whole bundle: graphemes.ts's, on first need.
if (vendorUi.split('new Intl.Segmenter(').length !== 2) throw new Error('vendor-ui.cjs makes an Intl.Segmenter outside src/screens/vendor/graphemes.ts: review scripts/build.mjs');
const uiHash = createHash('sha256').update(vendorUi).digest('hex');

/** What the two ES module builds share: certops' own code, taking React and Ink from the UI bundle. */
const esm = {
  ...shared,
  outdir: fresh,
  splitting: true,
  format: 'esm',
  jsx: 'automatic',
  alias: {
    ...notInCi,
    // The screens take React and Ink from the code-cached bundle built above.
    ink: './src/screens/vendor/ink.ts',
    react: './src/screens/vendor/react.ts',
    'react/jsx-runtime': './src/screens/vendor/jsx-runtime.ts',
  },
  define: {
    __CERTOPS_VERSION__: JSON.stringify(pkg.version),
    __CERTOPS_UI_HASH__: JSON.stringify(uiHash),
    ...production,
  },
  plugins: [
    {
      // The screens take string-width from the UI bundle too; any other importer keeps its own.
      name: 'screens-string-width',
      setup(b) {
        b.onResolve({ filter: /^string-width$/ }, (args) =>
          args.importer.startsWith(join(root, 'src/screens/')) ? { path: join(root, 'src/screens/vendor/string-width.ts') } : undefined,
        );
      },
    },
  ],
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __certopsCreateRequire } from 'node:module'; const require = __certopsCreateRequire(import.meta.url);" },
};

// The scripted commands (and the demo): each command, and what it alone uses, in its own chunk.
await build({
  ...esm,
  entryPoints: { cli: 'src/cli/run.ts' },
  define: { ...esm.define, __CERTOPS_CONSOLE_MAIN__: JSON.stringify('./console-main.js') },
});
// The console on a terminal, which cli.js hands over to: fewer files on the first frame's path
// than in the build above (27 against 36), and as many however many commands come (see
// src/cli/console-main.ts).
await build({
  ...esm,
  entryPoints: { 'console-main': 'src/cli/console-main.ts' },
  chunkNames: 'console-main-[name]-[hash]',
});

try {
  renameSync(new URL('../dist', import.meta.url), new URL(`../${stale}`, import.meta.url));
} catch {
  // No previous build.
}
renameSync(new URL(`../${fresh}`, import.meta.url), new URL('../dist', import.meta.url));
rmSync(new URL(`../${stale}`, import.meta.url), { recursive: true, force: true });
