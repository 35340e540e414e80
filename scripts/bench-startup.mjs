#!/usr/bin/env node
// Startup benchmark: cold runs of certops commands next to `node -e 0`, measured in the same run.
// Usage: node scripts/bench-startup.mjs [runs]   (needs a build: npm run build)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 30);
const bin = fileURLToPath(new URL('../bin/certops.js', import.meta.url));
const cases = [
  ['node -e 0', ['-e', '0']],
  ['certops --version', [bin, '--version']],
  ['certops plan (table)', [bin, 'plan', '--ordered', '2026-04-02', '--years', '5']],
  ['certops plan --json', [bin, 'plan', '--ordered', '2026-04-02', '--years', '5', '--json']],
];

function measure(args) {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

// Interleave a warm-up so the first case does not pay for a cold disk cache alone.
measure(['-e', '0']);
const baseline = measure(cases[0][1]);
console.log(`node ${process.version}, ${runs} runs each; median (min) wall time`);
for (const [name, args] of cases) {
  const { median, min } = name === 'node -e 0' ? baseline : measure(args);
  console.log(`${name.padEnd(24)} ${median.toFixed(1).padStart(7)} ms (${min.toFixed(1)})  ×${(median / baseline.median).toFixed(2)} of node -e 0`);
}
