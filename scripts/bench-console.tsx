/**
 * Console benchmark (npm run bench:console):
 * - start to the first frame of the dashboard, for the real binary on a pseudo-terminal (util-linux
 *   `script`), with the demo's four modules and with a 100 000-certificate inventory;
 * - for a 100 000-certificate inventory: the timeline's first frame, the time per scroll keystroke,
 *   and the peak memory of the process showing it (measured in a child process of its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { day } from '../src/rules/calendar.js';
import { PROVIDER_IDS, type ProviderId } from '../src/providers/catalog.js';
import { addSandboxModules, startSandboxes, stopSandboxes } from '../src/core/sandboxes.js';
import { ConsoleServices } from '../src/core/services.js';
import { syncModules } from '../src/core/sync.js';
import { Workspace } from '../src/core/workspace.js';

const TODAY = day('2026-11-23');
// npm runs this from the repository's root; the script itself runs from a temporary bundle.
const BIN = join(process.cwd(), 'bin', 'certops.js');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** The benchmark's temporary configurations (they hold sandbox passwords): removed at the end. */
const temporary: string[] = [];

async function workspaceWith(providers: readonly ProviderId[], certificates: number): Promise<{ directory: string; syncSeconds: number }> {
  const parent = mkdtempSync(join(tmpdir(), 'certops-bench-'));
  temporary.push(parent);
  const directory = join(parent, 'config');
  const workspace = new Workspace(directory);
  const sandboxes = await startSandboxes({ providers, port: 0, tls: false, certificates, latencyMs: 0, faults: [], today: TODAY });
  try {
    await addSandboxModules(workspace, sandboxes, { name: (title) => `${title} bench`, department: 'SSL', dataCenter: 'DC', network: { totalTimeoutMs: 120_000 } });
    const started = performance.now();
    await syncModules(workspace, workspace.store.read().modules, workspace.runtime());
    return { directory, syncSeconds: (performance.now() - started) / 1000 };
  } finally {
    await stopSandboxes(sandboxes);
  }
}

/** The console's code cache (src/screens/vendor/load.ts) of this benchmark, not the user's. */
const cacheHome = mkdtempSync(join(tmpdir(), 'certops-bench-cache-'));
temporary.push(cacheHome);

/**
 * Starts a command on a pseudo-terminal (util-linux `script`, which sizes it with stty) and times
 * the first output showing `text`.
 */
function firstFrame(directory: string, text: string, extra?: string, command = `node ${BIN} --config-dir ${directory} --today 2026-11-23`): Promise<{ first: number; extra: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
    });
    let output = '';
    let first: number | null = null;
    let finished = false;
    proc.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no frame within 20 s:\n${output.slice(-500)}`));
    }, 20_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      if (finished) return;
      output += chunk.toString('utf8');
      if (first === null && output.includes(text)) first = performance.now() - started;
      const done = extra === undefined ? first !== null : first !== null && output.includes(extra);
      if (done) {
        finished = true;
        clearTimeout(timer);
        const extraTime = extra === undefined ? null : performance.now() - started;
        proc.stdin.write('q');
        proc.on('exit', () => resolve({ first: first as number, extra: extraTime }));
      }
    });
  });
}

async function timelineChild(directory: string): Promise<void> {
  const { render } = await import('ink-testing-library');
  const { App } = await import('../src/screens/app.js');
  const services = new ConsoleServices(new Workspace(directory), { today: TODAY });
  const started = performance.now();
  const ui = render(<App services={services} initial={{ id: 'timeline' }} size={{ columns: 120, rows: 40 }} />);
  const waitChange = async (before: string | undefined, limitMs = 10_000) => {
    const t0 = performance.now();
    while ((ui.lastFrame() ?? '') === (before ?? '') || !(ui.lastFrame() ?? '').includes('certificates ·')) {
      if (performance.now() - t0 > limitMs) throw new Error('no frame');
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  while (!(ui.lastFrame() ?? '').includes('certops · Reissue timeline')) await new Promise((resolve) => setImmediate(resolve));
  const firstFrameMs = performance.now() - started;
  await waitChange(undefined);
  const rowsMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const keys: number[] = [];
  for (const key of [...Array(40).fill('\u001B[B'), ...Array(10).fill('\u001B[6~'), ...Array(10).fill('\u001B[A')]) {
    const before = ui.lastFrame();
    const t0 = performance.now();
    ui.stdin.write(key as string);
    await waitChange(before);
    keys.push(performance.now() - t0);
  }
  const filterStart = performance.now();
  const before = ui.lastFrame();
  ui.stdin.write('f');
  await waitChange(before);
  const filterMs = performance.now() - filterStart;
  ui.unmount();
  process.stdout.write(
    JSON.stringify({ firstFrameMs, rowsMs, keyMedianMs: median(keys), keyMaxMs: Math.max(...keys), filterMs, peakRssMiB: process.resourceUsage().maxRSS / 1024 }),
  );
}

async function main(): Promise<void> {
  const baseline = median(Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t0;
  }));
  // The same pseudo-terminal's own cost: node printing one line through it.
  const terminalRuns: number[] = [];
  for (let i = 0; i < 5; i += 1) terminalRuns.push((await firstFrame('', 'node-on-a-pty', undefined, `node -e "console.log('node-on-a-pty')"`)).first);
  process.stdout.write(`node ${process.version}; node -e 0: ${baseline.toFixed(0)} ms; node printing a line on the pseudo-terminal: ${median(terminalRuns).toFixed(0)} ms\n`);

  const demo = await workspaceWith(PROVIDER_IDS, 300);
  // The first start after an install or a Node upgrade has no code cache yet, and writes it.
  const cold = await firstFrame(demo.directory, 'certops · Dashboard', 'in 7 days');
  const demoRuns: { first: number; extra: number | null }[] = [];
  for (let i = 0; i < 11; i += 1) demoRuns.push(await firstFrame(demo.directory, 'certops · Dashboard', 'in 7 days'));
  process.stdout.write(
    `dashboard, 4 modules / 1 200 certificates: first frame ${median(demoRuns.map((r) => r.first)).toFixed(0)} ms (target < 300; median of 11, min ${Math.min(...demoRuns.map((r) => r.first)).toFixed(0)}), ` +
      `without the code cache ${cold.first.toFixed(0)} ms; due counts shown ${median(demoRuns.map((r) => r.extra ?? 0)).toFixed(0)} ms\n`,
  );

  const large = await workspaceWith(['leadertelecom'], 100_000);
  process.stdout.write(`100 000-certificate inventory synced in ${large.syncSeconds.toFixed(1)} s\n`);
  const largeRuns: { first: number; extra: number | null }[] = [];
  for (let i = 0; i < 3; i += 1) largeRuns.push(await firstFrame(large.directory, 'certops · Dashboard', 'in 7 days'));
  process.stdout.write(
    `dashboard, 100 000 certificates: first frame ${median(largeRuns.map((r) => r.first)).toFixed(0)} ms, due counts shown ${median(largeRuns.map((r) => r.extra ?? 0)).toFixed(0)} ms\n`,
  );

  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, CERTOPS_BENCH_TIMELINE: large.directory }, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`timeline child failed: ${child.stderr}`);
  const t = JSON.parse(child.stdout) as { firstFrameMs: number; rowsMs: number; keyMedianMs: number; keyMaxMs: number; filterMs: number; peakRssMiB: number };
  process.stdout.write(
    `timeline, 100 000 certificates: first frame ${t.firstFrameMs.toFixed(0)} ms (target < 1000), rows shown ${t.rowsMs.toFixed(0)} ms, scroll key median ${t.keyMedianMs.toFixed(1)} ms / max ${t.keyMaxMs.toFixed(1)} ms (target < 50), ` +
      `action filter ${t.filterMs.toFixed(0)} ms, peak RSS ${t.peakRssMiB.toFixed(0)} MiB (target < 250)\n`,
  );
}

if (process.env.CERTOPS_BENCH_TIMELINE) await timelineChild(process.env.CERTOPS_BENCH_TIMELINE);
else {
  try {
    await main();
  } finally {
    for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
  }
}
