/** Bundles a TypeScript entry with esbuild so child processes can run repo code (as scripts/run-ts.mjs does). */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function bundleScript(source: string, name = 'script'): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'certops-bundle-'));
  const outfile = join(directory, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    logLevel: 'error',
    define: { __CERTOPS_VERSION__: '"test"' },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
