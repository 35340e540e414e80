// Bundles the CLI with esbuild: one ESM file per entry (plus shared chunks) starts faster than
// hundreds of tsc-emitted modules, and lets the Ink console live in a chunk that scripted commands
// never load. Runs on `npm install` (prepare) so a fresh checkout has a runnable `certops`.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Built beside dist/ and swapped in by renames: a certops running meanwhile (or a second build)
// never finds dist/ missing or half written.
const fresh = `dist.build-${process.pid}`;
const stale = `dist.old-${process.pid}`;
rmSync(new URL(`../${fresh}`, import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/run.ts' },
  outdir: fresh,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  legalComments: 'none',
  jsx: 'automatic',
  // Ink loads React DevTools only when DEV=true; certops never ships it.
  external: ['react-devtools-core'],
  // certops decides itself whether it runs interactively; Ink must not second-guess it from CI=.
  alias: { 'is-in-ci': './src/screens/not-in-ci.ts' },
  logLevel: 'warning',
  define: {
    __CERTOPS_VERSION__: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
  },
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __certopsCreateRequire } from 'node:module'; const require = __certopsCreateRequire(import.meta.url);" },
});

try {
  renameSync(new URL('../dist', import.meta.url), new URL(`../${stale}`, import.meta.url));
} catch {
  // No previous build.
}
renameSync(new URL(`../${fresh}`, import.meta.url), new URL('../dist', import.meta.url));
rmSync(new URL(`../${stale}`, import.meta.url), { recursive: true, force: true });
