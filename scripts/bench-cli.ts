/**
 * Benchmark of the scripted commands: cold runs of the built binary next to `node -e 0`, measured in
 * the same run. The four providers' sandboxes run in this process with 300 ms of latency per
 * request; the workspace is set up with the core's addSandboxModules, not through the CLI.
 * Run: npm run build && npm run bench:cli [-- --runs N --check-runs N]
 *
 * Targets: --version within 1.5x of node -e 0; module list within 2.5x; check --all within 1.2x of
 * the slowest single check. Also checks that no scripted command's chunks load React or Ink.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dayOfInstant } from '../src/rules/calendar.js';
import { PROVIDER_IDS } from '../src/providers/catalog.js';
import { addSandboxModules, startSandboxes, stopSandboxes } from '../src/core/sandboxes.js';
import { Workspace } from '../src/core/workspace.js';

const LATENCY_MS = 300;
// run-ts.mjs bundles this script into a temporary folder, so the repo is found from the working
// directory (npm runs scripts from the package root).
const root = process.cwd();
const bin = join(root, 'bin', 'certops.js');
const dist = join(root, 'dist');

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of runs`);
  return value;
}
const runs = flag('runs', 20);
const checkRuns = flag('check-runs', 10);

interface Run {
  readonly ms: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One cold process, timed from spawn to exit. Asynchronous: the sandboxes answer from this process. */
function once(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    execFile(process.execPath, [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ ms, code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

interface Measure {
  readonly median: number;
  readonly min: number;
}

async function measure(label: string, args: readonly string[], env: NodeJS.ProcessEnv, count: number, expectCode = 0): Promise<Measure> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const run = await once(args, env);
    if (run.code !== expectCode) throw new Error(`${label}: exited ${run.code}, expected ${expectCode}: ${run.stderr.trim()}`);
    times.push(run.ms);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, min: times[0] as number };
}

/**
 * Follows the imports of a command's chunk through dist/ (static ones, and dynamic ones too, so
 * anything the command could load is counted) and returns the files that carry React (every React
 * build registers Symbol.for("react.…") element types) or Ink. null when the command's chunk is not
 * found in dist/cli.js.
 */
function reactInChunksOf(command: string): string[] | null {
  const cli = readFileSync(join(dist, 'cli.js'), 'utf8');
  const entry = new RegExp(`\\b${command}: \\{[^}]*?load: \\(\\) => import\\("\\./([^"]+)"\\)`).exec(cli)?.[1];
  if (!entry) return null;
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(dist, file), 'utf8');
    if (/Symbol\.for\("react\./.test(text) || /node_modules\/ink\//.test(text)) offenders.push(file);
    for (const match of text.matchAll(/(?:(?:^|[;\n])\s*import\s*(?:[^'"()]*?from\s*)?|\bimport\(\s*)"\.\/([^"]+\.js)"/g)) visit(match[1] as string);
  };
  visit(entry);
  // The entry's own static imports load for every command.
  for (const match of cli.matchAll(/(?:^|[;\n])\s*import\s*(?:[^'"()]*?from\s*)?"\.\/([^"]+\.js)"/g)) visit(match[1] as string);
  return offenders;
}

const pad = (text: string, width: number) => text.padEnd(width);
const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`;

async function main(): Promise<void> {
  if (!existsSync(bin)) throw new Error(`no ${bin}: run this from the certops folder (npm run bench:cli)`);
  if (!existsSync(join(dist, 'cli.js'))) throw new Error('certops is not built: run npm run build first');
  const home = mkdtempSync(join(tmpdir(), 'certops-bench-'));
  const configDir = join(home, 'config');
  const env = { PATH: process.env.PATH ?? '', HOME: home, CERTOPS_CONFIG_DIR: configDir };
  const sandboxes = await startSandboxes({ providers: PROVIDER_IDS, port: 0, tls: false, certificates: 40, latencyMs: LATENCY_MS, faults: [], today: dayOfInstant(new Date()) });
  try {
    const workspace = new Workspace(configDir);
    await addSandboxModules(workspace, sandboxes, { name: (title) => `${title} main`, department: 'SSL desk', dataCenter: 'DC1' });
    const names = workspace.store.read().modules.map((module) => module.parameters.name);

    // `module list` belongs to another command's work; fall back to `policy show --json` without it.
    const list = await once([bin, 'module', 'list', '--json'], env);
    let listLabel = 'certops module list --json';
    let listArgs = [bin, 'module', 'list', '--json'];
    let listNote = '';
    let listed: unknown = null;
    try {
      listed = list.code === 0 ? JSON.parse(list.stdout) : null;
    } catch {
      listed = null;
    }
    if (!Array.isArray(listed) && !(listed && typeof listed === 'object')) {
      listLabel = 'certops policy show --json';
      listArgs = [bin, 'policy', 'show', '--json'];
      listNote = `  (module list is not available yet: exit ${list.code}; measured policy show --json instead)`;
    }

    process.stdout.write(
      `node ${process.version}; ${runs} cold runs each (${checkRuns} for checks); 4 sandboxes with ${LATENCY_MS} ms latency per request; median (min)\n\n`,
    );
    await measure('warm-up', ['-e', '0'], env, 3);
    const baseline = await measure('node -e 0', ['-e', '0'], env, runs);
    const version = await measure('--version', [bin, '--version'], env, runs);
    const moduleList = await measure(listLabel, listArgs, env, runs);

    // One single check per module, to find the slowest; then that one measured like check --all.
    const singles: { name: string; measure: Measure }[] = [];
    for (const name of names) singles.push({ name, measure: await measure(`check ${name}`, [bin, 'check', name, '--json'], env, 3) });
    singles.sort((a, b) => b.measure.median - a.measure.median);
    const slowestName = singles[0]?.name as string;
    const slowest = await measure(`check ${slowestName}`, [bin, 'check', slowestName, '--json'], env, checkRuns);
    const all = await measure('check --all', [bin, 'check', '--all', '--json'], env, checkRuns);

    const width = 40;
    const line = (label: string, m: Measure, ratio: string) => process.stdout.write(`${pad(label, width)}${ms(m.median)} (${m.min.toFixed(1)})${ratio}\n`);
    const verdict = (ratio: number, target: number) => `  x${ratio.toFixed(2)} (target <= ${target}x: ${ratio <= target ? 'met' : 'MISSED'})`;
    line('node -e 0', baseline, '');
    line('certops --version', version, `${verdict(version.median / baseline.median, 1.5)} of node -e 0`);
    line(listLabel, moduleList, `${verdict(moduleList.median / baseline.median, 2.5)} of node -e 0${listNote}`);
    process.stdout.write(`\nsingle checks (3 runs each, median): ${singles.map((s) => `${s.name} ${s.measure.median.toFixed(0)} ms`).join(', ')}\n`);
    line(`certops check "${slowestName}" (slowest)`, slowest, '');
    line('certops check --all --json', all, `${verdict(all.median / slowest.median, 1.2)} of the slowest single check`);

    const scripted = ['check', 'balance', 'sync', 'timeline', 'policy', 'config', 'debug', 'module', 'plan', 'reissue', 'tasks', 'metrics', 'messages'] as const;
    const found = scripted.map((command) => [command, reactInChunksOf(command)] as const).filter(([, files]) => files === null || files.length > 0);
    // The console is the control: its chunks must be found to hold React, or the check proves nothing.
    const control = reactInChunksOf('console');
    process.stdout.write(
      found.length === 0
        ? `\nReact/Ink: in none of the chunks the scripted commands can load (${scripted.join(', ')})`
        : `\nReact/Ink: LOADED by ${found.map(([command, files]) => `${command} (${files === null ? 'entry not found in dist/cli.js' : files.join(', ')})`).join('; ')}`,
    );
    process.stdout.write(control === null ? '; control: no console chunk in dist/cli.js\n' : `; control: the console's chunks hold it (${control.join(', ') || 'NOT FOUND: the check is broken'})\n`);
  } finally {
    await stopSandboxes(sandboxes);
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
