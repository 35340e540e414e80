// The end-to-end tests run the real bin/certops.js, which loads the esbuild bundle: build it first,
// so `npx vitest` alone also tests what users run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
}
