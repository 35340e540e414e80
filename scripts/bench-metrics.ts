/**
 * Metrics and manual tasks at the size of a big account (npm run bench:metrics): a LeaderTelecom
 * sandbox of 100 000 certificates is synced, its manual tasks (multi-domain certificates) opened in
 * one batch, then the real binary writes the textfile (every certificate, and --within 30d) and
 * lists the tasks, each as a cold process: wall time, size, series and peak memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSandboxModules, startSandboxes, stopSandboxes } from '../src/core/sandboxes.js';
import { syncModules } from '../src/core/sync.js';
import { openTasks, reissueTaskInput } from '../src/core/tasks.js';
import { buildTimeline } from '../src/core/timeline.js';
import { Workspace } from '../src/core/workspace.js';
import { day } from '../src/rules/calendar.js';

const TODAY = day('2026-11-23');
const COUNT = Number(process.env.CERTOPS_BENCH_CERTIFICATES ?? 100_000);
// npm runs this from the repository's root; the script itself runs from a temporary bundle.
const BIN = join(process.cwd(), 'bin', 'certops.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** One cold run of the binary: wall seconds and peak RSS (MiB, when /usr/bin/time is there). */
function run(args: readonly string[]): { seconds: number; rssMiB: number | null; stdout: string } {
  const started = performance.now();
  const command = TIME ? [TIME, '-f', 'RSS_KIB=%M', process.execPath, BIN, ...args] : [process.execPath, BIN, ...args];
  const child = spawnSync(command[0] as string, command.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`certops ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const rss = /RSS_KIB=(\d+)/.exec(child.stderr ?? '');
  return { seconds, rssMiB: rss ? Number(rss[1]) / 1024 : null, stdout: child.stdout };
}

function report(label: string, args: readonly string[], file?: string): void {
  const runs = [run(args), run(args), run(args)];
  const rss = runs.map((r) => r.rssMiB).filter((v): v is number => v !== null);
  let size = '';
  if (file) {
    const text = readFileSync(file, 'utf8');
    const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    size = `, ${series} series, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;
  }
  process.stdout.write(`${label}: ${median(runs.map((r) => r.seconds)).toFixed(2)} s median of 3${size}${rss.length ? `, peak RSS ${Math.max(...rss).toFixed(0)} MiB` : ''}\n`);
}

const directory = join(mkdtempSync(join(tmpdir(), 'certops-bench-metrics-')), 'config');
const workspace = new Workspace(directory);
const sandboxes = await startSandboxes({ providers: ['leadertelecom'], port: 0, tls: false, certificates: COUNT, latencyMs: 0, faults: [], today: TODAY });
try {
  await addSandboxModules(workspace, sandboxes, { name: (title) => `${title} bench`, department: 'SSL desk', dataCenter: 'DC', network: { totalTimeoutMs: 120_000 } });
  let started = performance.now();
  await syncModules(workspace, workspace.store.read().modules, workspace.runtime());
  process.stdout.write(`synced ${COUNT} certificates in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
} finally {
  await stopSandboxes(sandboxes);
}
let started = performance.now();
const manual = buildTimeline(workspace, TODAY).entries.filter((entry) => entry.action === 'manual-task');
const opened = await openTasks(workspace, manual.map(reissueTaskInput));
process.stdout.write(`opened ${opened.length} manual tasks in one batch in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
started = performance.now();
const replay = await openTasks(workspace, manual.map(reissueTaskInput));
process.stdout.write(`replayed the same ${replay.length} keys (nothing new) in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);

const textfile = join(directory, '..', 'certops.prom');
const common = ['--config-dir', directory, '--today', '2026-11-23'];
report('certops metrics --textfile (every certificate)', ['metrics', '--textfile', textfile, ...common], textfile);
report('certops metrics --textfile --within 30d', ['metrics', '--textfile', textfile, '--within', '30d', ...common], textfile);
report('certops tasks --json', ['tasks', '--json', '--config-dir', directory]);
report('certops tasks (table)', ['tasks', '--config-dir', directory]);
report('certops tasks close --dry-run', ['tasks', 'close', 'T-1', '--dry-run', '--config-dir', directory]);
