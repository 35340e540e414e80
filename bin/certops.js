#!/usr/bin/env node
// Launcher: checks the Node version, then hands over to the esbuild bundle in dist/.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`certops needs Node.js 20.19 or newer; this is ${process.version}.\n`);
  process.exit(3);
}
const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('certops is not built yet: run `npm install` (or `npm run build`) in its folder.\n');
  process.exit(3);
}
await import(bundle.href);
