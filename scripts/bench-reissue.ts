/**
 * The reissue lifecycle at the size of a big account (npm run bench:reissue): 1 000 reissues in
 * flight against the sandboxes of Ispmanager (SSL), GlobalSign and eNom (the three that reissue
 * through their API), each at 200 ms of latency per request.
 *
 * Set-up, not timed: the sandboxes (sized so that exactly 1 000 certificates are due under
 * SSLSubscriptionBefore 60 on 2026-11-23), one module each with a deploy hook that installs into a
 * TLS server on loopback (src/core/demo-web.ts) and a probe target pointing at it, a sync, one
 * `certops reissue run` at no latency to submit them, and every validation completed on the
 * sandboxes (the web servers hold the keys of the orders' own CSRs, as real ones would).
 *
 * Timed: the next `certops reissue run` (the built binary, a process of its own) that collects,
 * delivers and probes them all. Printed: wall time, the run's peak RSS, requests per reissue, the
 * stages reached, and where a record's time goes (from the ledger's timestamps). The run is
 * stopped at a deadline (default 180 s) so the bench always ends; it then says how far it got.
 *
 * Environment: CERTOPS_BENCH_REISSUES (default 1000), CERTOPS_BENCH_LATENCY_MS (200),
 * CERTOPS_BENCH_DEADLINE_S (180), CERTOPS_BENCH_BIN (another build's bin/certops.js, to compare),
 * CERTOPS_BENCH_PROFILE=1 (a V8 CPU profile of the timed run; its heaviest functions are printed).
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { appendFileSync, closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployHookCommand, installServerKey, startDemoWebServer, writeDeployHook, type DemoWebServer } from '../src/core/demo-web.js';
import { setModuleDelivery, setPolicy } from '../src/core/policy.js';
import { Ledger, ledgerFile, type LedgerEvent } from '../src/core/reissue/ledger.js';
import { addSandboxModules, startSandboxes, stopSandboxes, type StartedSandbox } from '../src/core/sandboxes.js';
import { syncModules } from '../src/core/sync.js';
import { buildTimeline } from '../src/core/timeline.js';
import { Workspace } from '../src/core/workspace.js';
import type { ProviderId } from '../src/providers/catalog.js';
import { day, formatDay } from '../src/rules/calendar.js';

const TODAY = day('2026-11-23');
const BEFORE_DAYS = 60;
const REISSUES = Number(process.env.CERTOPS_BENCH_REISSUES ?? 1000);
const LATENCY_MS = Number(process.env.CERTOPS_BENCH_LATENCY_MS ?? 200);
const DEADLINE_S = Number(process.env.CERTOPS_BENCH_DEADLINE_S ?? 180);
const PROFILE = process.env.CERTOPS_BENCH_PROFILE === '1';
// npm runs this from the repository's root; the script itself runs from a temporary bundle.
const BIN = process.env.CERTOPS_BENCH_BIN ?? join(process.cwd(), 'bin', 'certops.js');

/**
 * Each provider's book size and seed that give exactly a third of 1 000 due reissues on TODAY
 * under SSLSubscriptionBefore 60 (found once by search: the books are deterministic). Other totals
 * scale the sizes, and the count actually due is printed.
 */
const BOOKS: readonly { provider: ProviderId; certificates: number; seed: number; due: number }[] = [
  { provider: 'ispmanager', certificates: 1321, seed: 1, due: 333 },
  { provider: 'globalsign', certificates: 1440, seed: 2, due: 333 },
  { provider: 'enom', certificates: 1780, seed: 3, due: 334 },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

interface ChildRun {
  readonly ms: number;
  readonly code: number | null;
  readonly stopped: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly maxRssKiB: number | null;
}

/**
 * The built binary as cron runs it, asynchronously (the sandboxes answer from this process), with
 * a preload that reports its peak RSS at exit and lets SIGTERM end it through process.exit (so a
 * CPU profile is still written when the deadline stops it).
 */
function certops(args: readonly string[], options: { deadlineMs: number; preload: string; nodeFlags?: readonly string[] }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', options.preload, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let stopped = false;
    const timer = options.deadlineMs > 0 ? setTimeout(() => ((stopped = true), child.kill('SIGTERM')), options.deadlineMs) : null;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      const rss = /BENCH_MAXRSS_KIB=(\d+)/.exec(stderr);
      resolve({ ms: performance.now() - started, code, stopped, stdout, stderr, maxRssKiB: rss ? Number(rss[1]) : null });
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'certops-bench-reissue-'));
const preload = join(scratch, 'preload.mjs');
writeFileSync(
  preload,
  "process.on('exit', () => process.stderr.write(`BENCH_MAXRSS_KIB=${process.resourceUsage().maxRSS}\\n`));\nprocess.on('SIGTERM', () => process.exit(143));\n",
);
const workspace = new Workspace(join(scratch, 'config'));
const sandboxes: StartedSandbox[] = [];
const servers: DemoWebServer[] = [];
const common = ['--now', formatDay(TODAY), '--config-dir', workspace.directory, '--json'];

try {
  const scale = REISSUES / 1000;
  for (const book of BOOKS) {
    sandboxes.push(...(await startSandboxes({ providers: [book.provider], port: 0, tls: false, certificates: Math.round(book.certificates * scale), latencyMs: 0, faults: [], today: TODAY, seed: book.seed })));
  }
  const modules = await addSandboxModules(workspace, sandboxes, { name: (title) => `${title} bench`, department: 'SSL desk', dataCenter: 'DC1', network: { totalTimeoutMs: 120_000 } });
  await setPolicy(workspace, { policy: 'auto', beforeDays: BEFORE_DAYS });
  const hook = writeDeployHook(join(scratch, 'deploy-hook.sh'));
  const serverOf = new Map<ProviderId, DemoWebServer>();
  for (const module of modules) {
    // One web server per module: the books of two sandboxes hold some of the same names.
    const server = await startDemoWebServer(join(scratch, 'web', String(module.id)));
    servers.push(server);
    serverOf.set(module.provider, server);
    // ECDSA where certops makes the key: 333 RSA keys would add minutes to the (untimed) submission.
    await setModuleDelivery(workspace, module.id, { deployHook: deployHookCommand(hook, server), probeResolve: [`*:${server.port}:127.0.0.1`], keyType: 'ecdsa-p256' });
  }

  let started = performance.now();
  const synced = await syncModules(workspace, modules, workspace.runtime());
  if (!synced.every((result) => result.ok)) throw new Error(`the first sync failed: ${JSON.stringify(synced)}`);
  const due = buildTimeline(workspace, TODAY).entries.filter((entry) => entry.action === 'reissue' && entry.actionDate !== null && entry.actionDate <= formatDay(TODAY)).length;
  say(`set-up: ${synced.map((r) => (r.ok ? r.certificates : 0)).reduce((a, b) => a + b, 0)} certificates in 3 modules synced in ${seconds(performance.now() - started)}; ${due} reissues due on ${formatDay(TODAY)} (SSLSubscriptionBefore ${BEFORE_DAYS})`);

  // Submission at no latency: the run sends reissues one after another, so at 200 ms it would take
  // minutes (the count of its requests says how many).
  const before0 = sandboxes.map(({ sandbox }) => sandbox.requests());
  const submit = await certops(['reissue', 'run', ...common], { deadlineMs: 0, preload });
  const submitted = submit.stdout ? ((JSON.parse(submit.stdout) as { actions: { outcome: string }[] }).actions.filter((action) => action.outcome === 'reissued').length) : 0;
  const submitRequests = sandboxes.reduce((sum, { sandbox }, i) => sum + sandbox.requests() - (before0[i] ?? 0), 0);
  say(`submission run (no latency): ${submitted} reissues submitted in ${seconds(submit.ms)} (exit ${submit.code}), ${submitRequests} requests (${(submitRequests / Math.max(1, submitted)).toFixed(2)} a reissue)`);
  if (submitted === 0) throw new Error(`nothing was submitted: ${submit.stderr.slice(-2000)}`);

  started = performance.now();
  let validated = 0;
  for (const { provider, sandbox } of sandboxes) {
    const server = serverOf.get(provider) as DemoWebServer;
    for (let index = 0; index < sandbox.book.size; index += 1) {
      if (sandbox.book.get(index).pending?.state !== 'validating') continue;
      const done = await sandbox.validate(index);
      if ('refused' in done) throw new Error(`validation of ${index} on ${provider} refused: ${done.refused}`);
      validated += 1;
      // Where certops sent the order's own CSR it holds no key: the web server has the one it made that CSR with.
      const key = sandbox.book.privateKeyOf(index);
      if (key && done.certificatePem) {
        const names = (new X509Certificate(done.certificatePem).subjectAltName ?? '').split(/,\s*/).filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4).toLowerCase());
        installServerKey(server, names, key);
      }
    }
  }
  say(`validated ${validated} reissues on the sandboxes in ${seconds(performance.now() - started)}`);

  // What one durable append costs on this disk: the ledger fsyncs every event.
  const probeFile = join(scratch, 'fsync-probe');
  const fsyncStarted = performance.now();
  for (let i = 0; i < 100; i += 1) {
    appendFileSync(probeFile, '{"type":"probe"}\n');
    const fd = openSync(probeFile, 'a');
    fsyncSync(fd);
    closeSync(fd);
  }
  const fsyncMs = (performance.now() - fsyncStarted) / 100;

  for (const { sandbox } of sandboxes) sandbox.latencyMs = LATENCY_MS;
  const ledger = new Ledger(ledgerFile(workspace));
  const eventsBefore = ledger.read().length;
  const requestsBefore = sandboxes.map(({ sandbox }) => sandbox.requests());
  const profileDirectory = join(scratch, 'profile');
  say(`timed run: certops reissue run, ${LATENCY_MS} ms a request, stopped after ${DEADLINE_S} s if not done…`);
  const timed = await certops(['reissue', 'run', ...common], { deadlineMs: DEADLINE_S * 1000, preload, nodeFlags: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [] });
  const requestsByModule = sandboxes.map(({ provider, sandbox }, i) => ({ provider, requests: sandbox.requests() - (requestsBefore[i] ?? 0) }));
  const requests = requestsByModule.reduce((sum, { requests: n }) => sum + n, 0);

  const events = ledger.read().slice(eventsBefore);
  const records = ledger.records();
  const stages: Record<string, number> = {};
  for (const record of records) stages[record.stage] = (stages[record.stage] ?? 0) + 1;
  const served = records.filter((record) => record.stage === 'served').length;

  say('');
  say(`wall time: ${seconds(timed.ms)}${timed.stopped ? ` (STOPPED at the deadline; exit ${timed.code})` : ` (exit ${timed.code})`}`);
  say(`peak RSS of the run: ${timed.maxRssKiB === null ? 'unknown' : `${(timed.maxRssKiB / 1024).toFixed(0)} MiB`}`);
  say(`stages: ${Object.entries(stages).map(([stage, n]) => `${n} ${stage}`).join(', ')} (of ${records.length})`);
  say(`requests: ${requests} (${requestsByModule.map((m) => `${m.provider} ${m.requests}`).join(', ')}); ${(requests / Math.max(1, records.length)).toFixed(2)} a reissue`);
  // The run ends with a sync of the modules it moved on: count what one sync asks for, at no latency.
  for (const { sandbox } of sandboxes) sandbox.latencyMs = 0;
  const beforeSync = sandboxes.map(({ sandbox }) => sandbox.requests());
  await syncModules(workspace, modules, workspace.runtime());
  const syncRequests = sandboxes.reduce((sum, { sandbox }, i) => sum + sandbox.requests() - (beforeSync[i] ?? 0), 0);
  say(`  of which the end-of-run sync of the three modules: ~${syncRequests} (at ${LATENCY_MS} ms, ~${seconds(syncRequests * LATENCY_MS)} if sequential)`);
  if (served > 0) say(`throughput: ${(served / (timed.ms / 1000)).toFixed(1)} reissues served a second${timed.stopped ? `; all ${records.length} would take ~${seconds((timed.ms * records.length) / served)}` : ''}`);

  // Where a record's time goes: the gaps between its events in this run, on the run's clock.
  const DAY_MS = 86_400_000;
  const gap = (a: LedgerEvent, b: LedgerEvent) => (((Date.parse(b.at) - Date.parse(a.at)) % DAY_MS) + DAY_MS) % DAY_MS;
  const name = (event: LedgerEvent) => (event.type === 'stage' ? event.stage : event.type);
  const byRecord = new Map<string, LedgerEvent[]>();
  for (const event of events) byRecord.set(event.id, [...(byRecord.get(event.id) ?? []), event]);
  const steps = new Map<string, number[]>();
  for (const list of byRecord.values()) {
    for (let i = 1; i < list.length; i += 1) {
      const key = `${name(list[i - 1] as LedgerEvent)} -> ${name(list[i] as LedgerEvent)}`;
      steps.set(key, [...(steps.get(key) ?? []), gap(list[i - 1] as LedgerEvent, list[i] as LedgerEvent)]);
    }
  }
  say('');
  say(`a record's steps in this run (ms between its ledger events; ${events.length} events appended, one fsync each, ~${fsyncMs.toFixed(1)} ms per fsync on this disk):`);
  say(`  ${'step'.padEnd(34)} ${'n'.padStart(5)} ${'mean'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`);
  for (const [key, values] of steps) {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    say(`  ${key.padEnd(34)} ${String(values.length).padStart(5)} ${mean.toFixed(0).padStart(7)} ${percentile(values, 0.5).toFixed(0).padStart(7)} ${percentile(values, 0.95).toFixed(0).padStart(7)} ${Math.max(...values).toFixed(0).padStart(7)}`);
  }
  const perModule = new Map<number, { first: LedgerEvent; last: LedgerEvent }>();
  const moduleOf = new Map(records.map((record) => [record.id, record.moduleId]));
  for (const event of events) {
    const id = moduleOf.get(event.id) as number;
    const span = perModule.get(id);
    perModule.set(id, span ? { first: span.first, last: event } : { first: event, last: event });
  }
  say(`modules one after another: ${[...perModule.entries()].map(([id, span]) => `${modules.find((m) => m.id === id)?.provider ?? id} ${seconds(gap(span.first, span.last))}`).join(', ')}`);

  if (PROFILE) {
    const file = readdirSync(profileDirectory).find((f) => f.endsWith('.cpuprofile'));
    if (file) printProfile(JSON.parse(readFileSync(join(profileDirectory, file), 'utf8')) as CpuProfile);
  }
} finally {
  await Promise.all([stopSandboxes(sandboxes), ...servers.map((server) => server.stop())]);
  rmSync(scratch, { recursive: true, force: true });
}

interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The heaviest functions by self time, each with the certops functions (the bundle's) it was called from. */
function printProfile(profile: CpuProfile): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (id: number) => {
    const frame = nodes.get(id)?.callFrame;
    return frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}` : '?';
  };
  /** The nearest named caller from certops' own bundle (dist/), not the function itself. */
  const ownCaller = (id: number) => {
    const self = label(id);
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame && frame.url.includes('/dist/') && frame.functionName && label(at) !== self) return label(at);
    }
    return '(no certops caller)';
  };
  const self = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const key = label(id);
    self.set(key, (self.get(key) ?? 0) + us);
    if (key.startsWith('(idle)') || key.startsWith('(program)') || key.startsWith('(garbage')) return;
    const by = callers.get(key) ?? new Map<string, number>();
    const caller = ownCaller(id);
    by.set(caller, (by.get(caller) ?? 0) + us);
    callers.set(key, by);
  });
  say('');
  say('CPU profile of the timed run, self time (and the certops functions it was spent under):');
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    const via = [...(callers.get(key) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 3);
    say(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}${via.length > 0 ? `  <- ${via.map(([caller, t]) => `${caller} ${(t / 1000).toFixed(0)} ms`).join('; ')}` : ''}`);
  }
}
