/**
 * `certops reissue run`, the built binary against the sandboxes: each policy, each provider's
 * reissue and its manual-task fallback, dry-run, the lock, and runs killed with SIGKILL at many
 * points and run again. The sandboxes' certificate books are the ground truth: every due
 * certificate is reissued exactly once, and no other.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalFile } from '../../src/core/reissue/run.js';
import type { StartedSandbox } from '../../src/core/sandboxes.js';
import { syncModules } from '../../src/core/sync.js';
import { buildTimeline } from '../../src/core/timeline.js';
import type { Workspace } from '../../src/core/workspace.js';
import type { ProviderId } from '../../src/providers/catalog.js';
import { BIN, runBin } from '../helpers/cli.js';
import { smtpHarness } from '../helpers/smtp.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';
import { setClientFallback, setSmtp } from '../../src/core/messages/settings.js';

const harness = workspaceHarness();
const smtp = smtpHarness();
const NOW = '2026-11-23';

async function setUp(providers: readonly ProviderId[], policy: 'auto' | 'manual' | 'none', beforeDays = 60, certificates = 40) {
  const { workspace, modules, sandboxes } = await harness.withModules(providers, certificates);
  await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy, beforeDays } }, result: undefined }));
  const synced = await syncModules(workspace, modules, workspace.runtime());
  expect(synced.every((result) => result.ok)).toBe(true);
  return { workspace, modules, sandboxes, env: { CERTOPS_CONFIG_DIR: workspace.directory } };
}

/** The timeline's due entries of the day, per action. */
function due(workspace: Workspace) {
  return buildTimeline(workspace, TODAY).entries.filter((entry) => entry.actionDate !== null && entry.actionDate <= NOW && ['reissue', 'notify-client', 'manual-task'].includes(entry.action));
}

/** Reissues per certificate of a sandbox's book, by index. */
function reissueCounts(sandbox: StartedSandbox): number[] {
  const counts: number[] = [];
  for (let index = 0; index < sandbox.sandbox.book.size; index += 1) counts.push(sandbox.sandbox.book.get(index).reissues);
  return counts;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface RunJson {
  readonly actions: readonly { readonly outcome: string; readonly action: string; readonly certificateId: string; readonly detail: string; readonly keyFile?: string; readonly taskId?: string }[];
  readonly synced: readonly string[];
}

async function reissueRun(env: Record<string, string>, ...extra: string[]) {
  const result = await runBin(['reissue', 'run', '--now', NOW, '--json', ...extra], env);
  return { ...result, json: result.stdout ? (JSON.parse(result.stdout) as RunJson) : null };
}

/** Starts a run and kills it with SIGKILL when `when` says so (polled), or after `afterMs`. */
function killedRun(env: Record<string, string>, when: () => boolean, afterMs = 20_000): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'reissue', 'run', '--now', NOW, '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
    const started = Date.now();
    let killed = false;
    const timer = setInterval(() => {
      if (when() || Date.now() - started >= afterMs) {
        clearInterval(timer);
        killed = child.kill('SIGKILL');
      }
    }, 2);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ killed: killed && code === null, code });
    });
  });
}

const journalLines = (workspace: Workspace) => (existsSync(journalFile(workspace)) ? readFileSync(journalFile(workspace), 'utf8').trimEnd().split('\n').filter(Boolean) : []);

describe('certops reissue run', { timeout: 180_000 }, () => {
  it('auto: reissues each due certificate once through each provider, makes manual tasks where the API cannot, and a second run changes nothing', async () => {
    const { workspace, sandboxes, env } = await setUp(['ispmanager', 'globalsign', 'enom', 'leadertelecom'], 'auto');
    const dueEntries = due(workspace);
    const reissues = dueEntries.filter((entry) => entry.action === 'reissue');
    const tasks = dueEntries.filter((entry) => entry.action === 'manual-task');
    expect(reissues.length).toBeGreaterThan(3);
    expect(tasks.length).toBeGreaterThan(0);

    const first = await reissueRun(env);
    expect(first.code, JSON.stringify(first.json?.actions.filter((a) => a.outcome !== 'reissued' && a.outcome !== 'task'))).toBe(0);
    const outcomes = first.json?.actions.map((action) => action.outcome) ?? [];
    expect(outcomes.filter((o) => o === 'reissued').length + outcomes.filter((o) => o === 'task').length).toBe(dueEntries.length);
    for (const sandbox of sandboxes) {
      const counts = reissueCounts(sandbox);
      expect(Math.max(...counts), sandbox.provider).toBeLessThanOrEqual(1);
      const reissuedHere = first.json?.actions.filter((action) => action.outcome === 'reissued' && dueEntries.some((e) => e.certificateId === action.certificateId && e.provider === sandbox.provider)).length ?? 0;
      expect(sum(counts), sandbox.provider).toBe(reissuedHere);
    }
    // Where the provider cannot reissue, a manual task: LeaderSSL (call unconfirmed) and eNom's
    // products without an API reissue among them.
    const taskIds = new Set(first.json?.actions.filter((action) => action.outcome === 'task').map((action) => action.certificateId));
    expect(tasks.filter((entry) => !taskIds.has(entry.certificateId))).toEqual([]);
    expect(new Set(tasks.map((entry) => entry.provider))).toEqual(new Set(['leadertelecom', 'enom']));
    expect(tasks.filter((entry) => entry.provider === 'enom').every((entry) => /ENOM's API reissues only/.test(entry.reason ?? ''))).toBe(true);
    // LeaderSSL's reissue call is unconfirmed: its due certificates become tasks, never API calls.
    expect(sum(reissueCounts(sandboxes.find((s) => s.provider === 'leadertelecom') as StartedSandbox))).toBe(0);
    // GlobalSign and eNom return the order's CSR; Ispmanager (SSL) keeps none, so certops makes a key.
    const reissuedBy = (provider: ProviderId) =>
      first.json?.actions.filter((action) => action.outcome === 'reissued' && reissues.some((e) => e.certificateId === action.certificateId && e.provider === provider)) ?? [];
    for (const provider of ['globalsign', 'enom'] as const) {
      expect(reissuedBy(provider).length, provider).toBeGreaterThan(0);
      expect(reissuedBy(provider).every((action) => action.detail.endsWith("CSR: the order's original") && action.keyFile === undefined), provider).toBe(true);
    }
    expect(reissuedBy('ispmanager').every((action) => action.keyFile !== undefined)).toBe(true);
    // A new key was made owner-only where the provider keeps no CSR; its CSR sits beside it.
    const keyFiles = first.json?.actions.flatMap((action) => (action.keyFile ? [action.keyFile] : [])) ?? [];
    for (const file of keyFiles) {
      expect(readFileSync(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
      expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600);
      expect(existsSync(file.replace(/\.key$/, '.csr'))).toBe(true);
    }
    expect(first.json?.synced.length).toBeGreaterThan(0);

    const before = sandboxes.map(reissueCounts);
    const second = await reissueRun(env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json?.actions.filter((action) => action.outcome === 'reissued')).toEqual([]);
    expect(sandboxes.map(reissueCounts)).toEqual(before);
    const tasksList = await runBin(['tasks', 'list', '--json'], env);
    expect(JSON.parse(tasksList.stdout).tasks.length).toBe(first.json?.actions.filter((action) => action.outcome === 'task').length);
  });

  it('--dry-run prints what would happen and changes nothing', async () => {
    const { workspace, sandboxes, env } = await setUp(['ispmanager', 'leadertelecom'], 'auto');
    const dry = await reissueRun(env, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json?.actions.length).toBe(due(workspace).length);
    expect(new Set(dry.json?.actions.map((action) => action.outcome))).toEqual(new Set(['would-reissue', 'would-open-task']));
    expect(sandboxes.map((s) => sum(reissueCounts(s)))).toEqual([0, 0]);
    expect(existsSync(journalFile(workspace))).toBe(false);
    expect(existsSync(join(workspace.directory, 'tasks.json'))).toBe(false);
    expect(existsSync(join(workspace.directory, 'keys'))).toBe(false);
  });

  it('manual: notifies each client once, into the outbox when no SMTP server is set; none: does nothing', async () => {
    const { workspace, sandboxes, env } = await setUp(['enom'], 'manual');
    const count = due(workspace).length;
    expect(count).toBeGreaterThan(0);
    // No client address known: written to the outbox addressed to nobody, said as it is, exit 1 (needs attention).
    const first = await reissueRun(env);
    expect(first.code, JSON.stringify(first.json?.actions.filter((a) => a.outcome !== 'no-recipient'))).toBe(1);
    expect(first.json?.actions.every((action) => action.outcome === 'no-recipient')).toBe(true);
    for (const action of first.json?.actions ?? []) {
      expect(action.detail).toMatch(/written to the outbox, no recipient: .*forward .*\.eml to the client.*certops messages client-fallback set ADDR/);
    }
    const outbox = join(workspace.directory, 'outbox');
    expect(readdirSync(outbox).filter((name) => name.endsWith('.eml'))).toHaveLength(count);
    const again = await reissueRun(env);
    expect(again.json?.actions.every((action) => action.outcome === 'already-done')).toBe(true);
    expect(readdirSync(outbox).filter((name) => name.endsWith('.eml'))).toHaveLength(count);
    expect(sum(reissueCounts(sandboxes[0] as StartedSandbox))).toBe(0);

    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'none', beforeDays: 60 } }, result: undefined }));
    const none = await reissueRun(env);
    expect(none.code).toBe(0);
    expect(none.json?.actions).toEqual([]);
  });

  it('manual: the table says "no recipient", never "client notified", when no client address is known; with one, the outbox copy is addressed and the run exits 0', async () => {
    const { workspace, env } = await setUp(['enom'], 'manual');
    const text = await runBin(['reissue', 'run', '--now', NOW], env);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toContain('written to the outbox, no recipient');
    expect(text.stdout).not.toContain('client notified');
    expect(text.stdout).toContain('certops messages client-fallback set ADDR');

    const other = await setUp(['globalsign'], 'manual');
    await setClientFallback(other.workspace, 'clients@example.com');
    const addressed = await reissueRun(other.env);
    expect(addressed.code, addressed.stderr).toBe(0);
    expect(new Set(addressed.json?.actions.map((action) => action.outcome))).toEqual(new Set(['notified']));
    expect(addressed.json?.actions[0]?.detail).toMatch(/written to the outbox for clients@example\.com \(no SMTP server is set/);
    expect(workspace.directory).not.toBe(other.workspace.directory);
  });

  it('manual with an SMTP server: each client notice arrives once, with the template filled in; a server that refuses leaves it for the next run', async () => {
    const { workspace, env } = await setUp(['globalsign'], 'manual');
    const dueEntries = due(workspace);
    const server = await smtp.start({ refuse: ['clients@example.net'] });
    await setSmtp(workspace, { host: '127.0.0.1', port: server.port, security: 'none', from: 'Billing <billing@example.com>' });
    await setClientFallback(workspace, 'clients@example.net');
    const refused = await reissueRun(env);
    // The SMTP server answered and refused the recipient: a problem found (1), not an unreachable one (4).
    expect(refused.code).toBe(1);
    expect(new Set(refused.json?.actions.map((action) => action.outcome))).toEqual(new Set(['retry-later']));
    expect(server.received).toHaveLength(0);

    await setClientFallback(workspace, 'clients@example.com');
    const sent = await reissueRun(env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(server.received).toHaveLength(dueEntries.length);
    const first = dueEntries[0] as (typeof dueEntries)[number];
    const mail = server.received.find((received) => received.parsed.text?.includes(first.domain));
    expect(mail?.envelope.to).toEqual(['clients@example.com']);
    expect(mail?.parsed.text).toContain(first.expires as string);
    const again = await reissueRun(env);
    expect(again.json?.actions.every((action) => action.outcome === 'already-done')).toBe(true);
    expect(server.received).toHaveLength(dueEntries.length);
  });

  it('a run killed after the provider reissued but before the answer came: the rerun finds it on the provider and does not reissue again', async () => {
    for (const provider of ['ispmanager', 'globalsign'] as const) {
      const { workspace, sandboxes, env } = await setUp([provider], 'auto');
      const sandbox = sandboxes[0] as StartedSandbox;
      const dueCount = due(workspace).filter((entry) => entry.action === 'reissue').length;
      expect(dueCount).toBeGreaterThan(1);
      sandbox.sandbox.answerDelayMs = 1500;
      const killed = await killedRun(env, () => sum(reissueCounts(sandbox)) === 1);
      expect(killed.killed).toBe(true);
      expect(sum(reissueCounts(sandbox))).toBe(1);
      sandbox.sandbox.answerDelayMs = 0;
      const rerun = await reissueRun(env);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.json?.actions.filter((action) => action.detail.startsWith('found reissued on the provider'))).toHaveLength(1);
      expect(reissueCounts(sandbox).filter((n) => n > 1)).toEqual([]);
      expect(sum(reissueCounts(sandbox)), provider).toBe(dueCount);
    }
  });

  it('a reissue that hangs is in doubt (exit 4); the next run looks it up, finds it not applied, and reissues it once', async () => {
    const { workspace, sandboxes, env } = await setUp(['ispmanager'], 'auto');
    const sandbox = sandboxes[0] as StartedSandbox;
    await workspace.store.update((data) => ({
      data: { ...data, modules: data.modules.map((module) => ({ ...module, network: { ...module.network, totalTimeoutMs: 500 } })) },
      result: undefined,
    }));
    const dueCount = due(workspace).filter((entry) => entry.action === 'reissue').length;
    sandbox.sandbox.faults.add('hang');
    const stuck = await reissueRun(env);
    expect(stuck.code).toBe(4);
    expect(new Set(stuck.json?.actions.map((action) => action.outcome))).toEqual(new Set(['in-doubt']));
    expect(sum(reissueCounts(sandbox))).toBe(0);
    sandbox.sandbox.faults.delete('hang');
    const rerun = await reissueRun(env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.json?.actions.filter((action) => action.outcome === 'reissued')).toHaveLength(dueCount);
    expect(reissueCounts(sandbox).filter((n) => n > 1)).toEqual([]);
    expect(sum(reissueCounts(sandbox))).toBe(dueCount);
    expect(journalLines(workspace).some((line) => line.includes('"not-applied"'))).toBe(true);
  });

  it('killed with SIGKILL at many points and run again: every due certificate is reissued exactly once', async () => {
    const { workspace, sandboxes, env } = await setUp(['ispmanager'], 'auto', 90, 60);
    const sandbox = sandboxes[0] as StartedSandbox;
    const dueIds = new Set(due(workspace).filter((entry) => entry.action === 'reissue').map((entry) => entry.certificateId));
    expect(dueIds.size).toBeGreaterThan(5);
    sandbox.sandbox.latencyMs = 40;
    sandbox.sandbox.answerDelayMs = 40;
    // Kill points spread over the run: while keys are made, between journal records, during calls.
    const points = [150, 260, 330, 420, 510, 640, 800, 1000, 1300];
    let kills = 0;
    for (const afterMs of points) {
      const before = journalLines(workspace).length;
      const run = await killedRun(env, () => false, afterMs);
      if (run.killed) kills += 1;
      expect(reissueCounts(sandbox).filter((n) => n > 1)).toEqual([]);
      if (journalLines(workspace).length === before && run.code === 0) break;
    }
    expect(kills).toBeGreaterThan(3);
    sandbox.sandbox.latencyMs = 0;
    sandbox.sandbox.answerDelayMs = 0;
    const last = await reissueRun(env);
    expect(last.code, last.stderr).toBe(0);
    const counts = reissueCounts(sandbox);
    expect(counts.filter((n) => n > 1)).toEqual([]);
    expect(sum(counts)).toBe(dueIds.size);
    // And nothing is left to do.
    const after = await reissueRun(env);
    expect(after.json?.actions.filter((action) => action.outcome !== 'already-done')).toEqual([]);
  });

  it('one run at a time: a second run exits with a clear message, or waits with --wait', async () => {
    const { workspace, sandboxes, env } = await setUp(['ispmanager'], 'auto');
    const sandbox = sandboxes[0] as StartedSandbox;
    sandbox.sandbox.latencyMs = 400;
    const first = runBin(['reissue', 'run', '--now', NOW, '--json'], env);
    // The first run holds the lock once its owner file is written beside the lock directory.
    const owner = join(workspace.directory, 'reissue-run.owner.json');
    for (let waited = 0; !existsSync(owner) && waited < 15_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await runBin(['reissue', 'run', '--now', NOW], env);
    // 5: another certops process holds the lock (README, "Exit codes").
    expect(second.code).toBe(5);
    expect(second.stderr).toMatch(/another reissue run holds the lock \S*reissue-run\.lock \(pid \d+.*; waited 0 s; wait for it to finish, or use --wait SECONDS/);
    const waiting = runBin(['reissue', 'run', '--now', NOW, '--wait', '60', '--json'], env);
    expect((await first).code).toBe(0);
    const waited = await waiting;
    expect(waited.code, waited.stderr).toBe(0);
    expect(reissueCounts(sandbox).filter((n) => n > 1)).toEqual([]);
  });

  it('refuses bad flags with exit 2 and changes nothing', async () => {
    const { workspace, env } = await setUp(['ispmanager'], 'auto');
    for (const args of [['--now', '2026-13-01'], ['--wait', 'soon'], ['--module', 'nope'], ['extra'], ['--bogus']]) {
      const run = await runBin(['reissue', 'run', ...args], env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/certops reissue run: /);
    }
    expect(existsSync(journalFile(workspace))).toBe(false);
  });
});
