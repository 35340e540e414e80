#!/usr/bin/env node
// Runs a TypeScript script of the repo: bundles it with esbuild into a temporary file, then runs it
// with the same Node and arguments. Usage: node scripts/run-ts.mjs scripts/bench-list.ts [args]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-ts.mjs <script.ts> [args]\n');
  process.exit(2);
}
const directory = mkdtempSync(join(tmpdir(), 'certops-run-'));
const outfile = join(directory, 'script.mjs');
try {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    logLevel: 'warning',
    jsx: 'automatic',
    // As the real build: production React, Ink not second-guessing CI.
    define: { __CERTOPS_VERSION__: '"bench"', 'process.env.NODE_ENV': '"production"' },
    alias: { 'is-in-ci': './src/screens/not-in-ci.ts', 'react-devtools-core': './scripts/no-devtools.mjs' },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
