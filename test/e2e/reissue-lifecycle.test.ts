/**
 * The reissue lifecycle, the built binary against the sandboxes: `reissue run` submits the due
 * reissues, follows them through validation (completed on the sandbox), collects each certificate
 * (paired with its key), delivers it with a real deploy hook script into a TLS server on loopback,
 * and probes that server until every name serves the new certificate. Validation left undone
 * until its deadline makes exactly one task; SIGKILL at random points and a final run leave every
 * reissue in the same end state, each effect done once.
 */
import { spawn } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, ledgerFile } from '../../src/core/reissue/ledger.js';
import type { StartedSandbox } from '../../src/core/sandboxes.js';
import { syncModules } from '../../src/core/sync.js';
import type { ProviderId } from '../../src/providers/catalog.js';
import { BIN, runBin } from '../helpers/cli.js';
import { deployHookScript, startTlsServer, type TestTlsServer } from '../helpers/tls-server.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const NOW = '2026-11-23';
const servers: TestTlsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

interface StatusJson {
  readonly today: string;
  readonly reissues: readonly {
    readonly module: string;
    readonly moduleId: number;
    readonly domain: string;
    readonly certificateId: string;
    readonly newCertificateId: string | null;
    readonly stage: string;
    readonly stuckIn?: string;
    readonly since: string;
    readonly deadline: string;
    readonly validation: { method: string } | null;
    readonly files: { cert: string; chain: string; fullchain: string; key: string | null } | null;
    readonly detail: string;
  }[];
}

async function setUp(providers: readonly ProviderId[], certificates = 40) {
  const { workspace, modules, sandboxes } = await harness.withModules(providers, certificates);
  await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
  const synced = await syncModules(workspace, modules, workspace.runtime());
  expect(synced.every((result) => result.ok)).toBe(true);
  const hookLog = join(mkdtempSync(join(tmpdir(), 'certops-hooklog-')), 'hook.log');
  const env = { CERTOPS_CONFIG_DIR: workspace.directory };
  // One web server per module (the books of two sandboxes share some names), each with its own hook.
  const serverOf = new Map<ProviderId, TestTlsServer>();
  for (const module of modules) {
    const server = await startTlsServer();
    servers.push(server);
    serverOf.set(module.provider, server);
    const hook = deployHookScript(server, hookLog);
    const edit = await runBin(['module', 'edit', module.parameters.name, '--deploy-hook', hook, '--probe-resolve', `*:${server.port}:127.0.0.1`], env);
    expect(edit.code, edit.stderr).toBe(0);
  }
  const server = serverOf.get(providers[0] as ProviderId) as TestTlsServer;
  return { workspace, modules, sandboxes, env, server, serverOf, hookLog };
}

const run = async (env: Record<string, string>, ...extra: string[]) => {
  const result = await runBin(['reissue', 'run', '--now', NOW, '--json', ...extra], env);
  return { ...result, json: result.stdout ? JSON.parse(result.stdout) : null };
};
const status = async (env: Record<string, string>, ...extra: string[]) => {
  const result = await runBin(['reissue', 'status', '--now', NOW, '--json', ...extra], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatusJson;
};

/** Completes every validation waiting on the sandboxes, as the domain owners would. */
async function validateAll(sandboxes: readonly StartedSandbox[]): Promise<number> {
  let count = 0;
  for (const { sandbox } of sandboxes) {
    for (let index = 0; index < sandbox.book.size; index += 1) {
      if (sandbox.book.get(index).pending?.state !== 'validating') continue;
      const result = await sandbox.validate(index);
      expect('refused' in result ? result.refused : null).toBeNull();
      count += 1;
    }
  }
  return count;
}

const hookLines = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
const outboxFiles = (directory: string) => (existsSync(join(directory, 'outbox')) ? readdirSync(join(directory, 'outbox')).filter((name) => name.endsWith('.eml')) : []);

describe('the reissue lifecycle', { timeout: 240_000 }, () => {
  it('Ispmanager (SSL): submitted, validating, then collected with its key, delivered by the hook and served, each once', async () => {
    const { workspace, sandboxes, env, server, hookLog } = await setUp(['ispmanager']);
    const first = await run(env);
    expect(first.code, first.stderr).toBe(0);
    const submitted = first.json.actions.filter((action: { outcome: string }) => action.outcome === 'reissued');
    expect(submitted.length).toBeGreaterThan(2);

    // Waiting for validation is not an error: exit 0, every record validating with what it needs.
    let current = await status(env);
    expect(current.reissues).toHaveLength(submitted.length);
    for (const entry of current.reissues) {
      expect(entry.stage).toBe('validating');
      expect(['dns', 'http', 'email']).toContain(entry.validation?.method);
      expect(entry.files).toBeNull();
      expect(entry.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // A run without news from the provider changes nothing and writes nothing new to the ledger.
    const ledgerBefore = readFileSync(ledgerFile(workspace), 'utf8');
    expect((await run(env)).code).toBe(0);
    expect(readFileSync(ledgerFile(workspace), 'utf8')).toBe(ledgerBefore);

    expect(await validateAll(sandboxes)).toBe(submitted.length);
    const second = await run(env);
    expect(second.code, second.stderr + JSON.stringify(second.json.reissues)).toBe(0);
    current = await status(env);
    expect(current.reissues.map((entry) => entry.stage), JSON.stringify(second.json.reissues[0])).toEqual(current.reissues.map(() => "served"));
    for (const entry of current.reissues) {
      const files = entry.files as NonNullable<typeof entry.files>;
      const leaf = new X509Certificate(readFileSync(files.cert));
      // Ispmanager (SSL) keeps no CSR, so certops made the key: it pairs with the certificate.
      expect(files.key).not.toBeNull();
      const spki = (pem: string) => createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
      expect(spki(readFileSync(files.key as string, 'utf8')).equals(leaf.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
      expect(readFileSync(files.fullchain, 'utf8')).toBe(readFileSync(files.cert, 'utf8') + readFileSync(files.chain, 'utf8'));
      const chain = new X509Certificate(readFileSync(files.chain));
      expect(leaf.checkIssued(chain)).toBe(true);
      expect(chain.checkIssued(chain)).toBe(false);
      expect(statSync(files.key as string).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(files.cert)).mode & 0o777).toBe(0o700);
    }
    // The hook ran once per reissue with certbot's environment.
    const lines = hookLines(hookLog);
    expect(lines).toHaveLength(submitted.length);
    for (const entry of current.reissues) {
      const line = lines.find((l) => l.split('|')[3] === dirname((entry.files as { cert: string }).cert));
      expect(line, entry.domain).toBeDefined();
      const [module, certificateId, domains] = (line as string).split('|');
      expect(module).toBe(entry.module);
      expect(certificateId).toBe(entry.newCertificateId);
      expect(domains?.split(' ')).toContain(entry.domain);
    }
    // One "certificate reissued" message per reissue, in the outbox (no SMTP server set).
    expect(outboxFiles(workspace.directory).filter((name) => readFileSync(join(workspace.directory, 'outbox', name), 'utf8').includes('Certificate reissued'))).toHaveLength(submitted.length);

    // Done is done: another run does nothing more.
    const third = await run(env);
    expect(third.code).toBe(0);
    expect(third.json.reissues).toEqual([]);
    expect(hookLines(hookLog)).toHaveLength(submitted.length);
  });

  it('every provider: API reissues and a LeaderTelecom reissue begun in its panel are followed to served; GlobalSign keeps one record per subscription', async () => {
    const { workspace, sandboxes, env, serverOf, hookLog } = await setUp(['ispmanager', 'globalsign', 'enom', 'leadertelecom']);
    const first = await run(env);
    expect(first.code, first.stderr).toBe(0);
    const reissued = first.json.actions.filter((action: { outcome: string }) => action.outcome === 'reissued');
    const leader = sandboxes.find((s) => s.provider === 'leadertelecom') as StartedSandbox;
    const leaderTasks = first.json.actions.filter((action: { outcome: string; module: string }) => action.outcome === 'task' && action.module === 'leadertelecom sandbox');
    expect(leaderTasks.length).toBeGreaterThan(0);
    // The department does the task in LeaderSSL's panel; the next sync finds the reissue under way.
    const byPanel = leaderTasks.slice(0, 2).map((task: { certificateId: string }) => leader.sandbox.indexOf(task.certificateId) as number);
    for (const index of byPanel) expect('refused' in (await leader.sandbox.panelReissue(index))).toBe(false);
    expect((await runBin(['sync'], env)).code).toBe(0);
    const second = await run(env);
    expect(second.code, second.stderr).toBe(0);
    let current = await status(env);
    expect(current.reissues).toHaveLength(reissued.length + byPanel.length);
    expect(current.reissues.every((entry) => entry.stage === 'validating')).toBe(true);
    const gsEntries = current.reissues.filter((entry) => entry.module === 'globalsign sandbox');
    expect(gsEntries.length).toBeGreaterThan(0);
    // GlobalSign's reissue is a new order.
    expect(gsEntries.every((entry) => entry.newCertificateId !== entry.certificateId)).toBe(true);

    await validateAll(sandboxes);
    // Where certops holds no key (the order's own CSR, or a CSR made in the panel), the web server holds it.
    for (const { sandbox, provider } of sandboxes) {
      const server = serverOf.get(provider) as TestTlsServer;
      for (let index = 0; index < sandbox.book.size; index += 1) {
        const cert = sandbox.book.get(index);
        const key = sandbox.book.privateKeyOf(index);
        if (cert.reissues === 0 || !key || !cert.certificatePem) continue;
        for (const name of (new X509Certificate(cert.certificatePem).subjectAltName ?? '').split(', ').map((n) => n.replace(/^DNS:/, ''))) {
          const { mkdirSync, writeFileSync } = await import('node:fs');
          mkdirSync(join(server.folder, name), { recursive: true });
          writeFileSync(join(server.folder, name, 'privkey.pem'), key);
        }
      }
    }
    const third = await run(env);
    expect(third.code, third.stderr + JSON.stringify(third.json?.reissues?.filter((r: { stage: string }) => r.stage !== 'served'))).toBe(0);
    current = await status(env);
    expect(current.reissues.filter((entry) => entry.stage !== 'served')).toEqual([]);
    for (const entry of current.reissues) {
      const files = entry.files as NonNullable<typeof entry.files>;
      // certops holds a key only where it made one (Ispmanager keeps no CSR); else privkey.pem is absent.
      expect(files.key === null, entry.module).toBe(entry.module !== 'ispmanager sandbox');
      expect(existsSync(join(dirname(files.cert), 'privkey.pem'))).toBe(files.key !== null);
    }
    expect(hookLines(hookLog)).toHaveLength(current.reissues.length);
    // GlobalSign adds the www twin: RENEWED_DOMAINS are the issued certificate's names.
    const gsLine = hookLines(hookLog).find((line) => line.startsWith('globalsign sandbox|'));
    const domains = (gsLine as string).split('|')[2]?.split(' ') ?? [];
    expect(domains.some((name) => name.startsWith('www.')) && domains.some((name) => !name.startsWith('www.'))).toBe(true);
    // After the run's sync, the inventory holds one GlobalSign record per subscription, under the new order.
    const inventory = workspace.inventory.read();
    const gsModule = (await import('../../src/core/modules.js')).listModules(workspace).find((m) => m.provider === 'globalsign');
    const records = inventory.modules[String(gsModule?.id)]?.certificates ?? [];
    for (const entry of gsEntries) {
      expect(records.filter((record) => record.mainDomain === entry.domain)).toHaveLength(1);
      expect(records.find((record) => record.mainDomain === entry.domain)?.id).toBe(entry.newCertificateId);
    }
    // LeaderTelecom's reissues from the panel joined and were served.
    expect(current.reissues.filter((entry) => entry.module === 'leadertelecom sandbox' && entry.stage === 'served')).toHaveLength(byPanel.length);
  });

  it('a validation left undone until its deadline becomes stuck with exactly one task, and is still followed', async () => {
    const { sandboxes, env } = await setUp(['ispmanager']);
    const first = await run(env);
    expect(first.code).toBe(0);
    const ids = first.json.actions.filter((action: { outcome: string }) => action.outcome === 'reissued');
    // Validate all but one.
    const book = sandboxes[0]?.sandbox.book;
    const waiting: number[] = [];
    for (let index = 0; index < (book?.size ?? 0); index += 1) if (book?.get(index).pending?.state === 'validating') waiting.push(index);
    for (const index of waiting.slice(1)) await sandboxes[0]?.sandbox.validate(index);
    await run(env);
    const entries = (await status(env)).reissues;
    const late = entries.find((entry) => entry.stage === 'validating');
    expect(late).toBeDefined();
    // Past the validation's deadline (three days before the old certificate expires).
    const after = new Date(Date.parse(`${late?.deadline}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 2; i += 1) {
      const stuckRun = await runBin(['reissue', 'run', '--now', after, '--json'], env);
      expect(stuckRun.code, 'a stuck reissue is a problem').toBe(1);
    }
    const stuck = (await runBin(['reissue', 'status', '--now', after, '--json'], env)).stdout;
    const record = (JSON.parse(stuck) as StatusJson).reissues.find((entry) => entry.domain === late?.domain);
    expect(record?.stage).toBe('stuck');
    expect(record?.stuckIn).toBe('validating');
    const tasks = JSON.parse((await runBin(['tasks', 'list', '--json'], env)).stdout).tasks.filter((task: { why: string }) => /stuck in "validating"/.test(task.why));
    expect(tasks).toHaveLength(1);
    expect(tasks[0].domain).toBe(late?.domain);
    // The metrics count it, and the age of the oldest reissue in flight.
    const metrics = await runBin(['metrics', '--today', after], env);
    expect(metrics.stdout).toMatch(/^certops_reissues\{module="ispmanager sandbox",[^}]*stage="stuck"\} 1$/m);
    expect(metrics.stdout).toMatch(new RegExp(`^certops_reissues\\{module="ispmanager sandbox",[^}]*stage="served"\\} ${ids.length - 1}$`, 'm'));
    expect(Number(/^certops_reissue_oldest_in_flight_seconds\{module="ispmanager sandbox"[^}]*\} (\d+)$/m.exec(metrics.stdout)?.[1])).toBeGreaterThan(0);
    expect(ids.length).toBeGreaterThan(1);
    // Validated late: it moves on from stuck to served.
    await sandboxes[0]?.sandbox.validate(waiting[0] as number);
    expect((await runBin(['reissue', 'run', '--now', after, '--json'], env)).code).toBe(0);
    const final = JSON.parse((await runBin(['reissue', 'status', '--now', after, '--json'], env)).stdout) as StatusJson;
    expect(final.reissues.find((entry) => entry.domain === late?.domain)?.stage).toBe('served');
  });

  it('a failing deploy hook is retried each run and escalated once; without a hook, one task to install and the probe still confirms', async () => {
    const { workspace, sandboxes, env, server, hookLog, modules } = await setUp(['ispmanager']);
    const failing = deployHookScript(server, hookLog, { failFirst: 2 });
    expect((await runBin(['module', 'edit', (modules[0] as (typeof modules)[number]).parameters.name, '--deploy-hook', failing], env)).code).toBe(0);
    const first = await run(env);
    const submitted = first.json.actions.filter((action: { outcome: string }) => action.outcome === 'reissued').length;
    await validateAll(sandboxes);
    // Collected; the hook fails (attempt 1 for the first record): exit 1, retried next run.
    const second = await run(env);
    expect(second.code).toBe(1);
    const failedHook = second.json.reissues.find((entry: { waiting: string }) => entry.waiting === 'hook');
    expect(failedHook.detail).toMatch(/the deploy hook exited with 3; the next run tries again/);
    // More runs until every hook has succeeded: the script fails its first two runs for each certificate.
    for (let i = 0; i < 3; i += 1) await run(env);
    const final = await status(env);
    expect(final.reissues.every((entry) => entry.stage === 'served')).toBe(true);
    // Each hook failed twice: one task per reissue for the department, with the hook's output.
    const tasks = JSON.parse((await runBin(['tasks', 'list', '--json'], env)).stdout).tasks.filter((task: { what: string }) => /fix the deploy hook/.test(task.what));
    expect(tasks).toHaveLength(submitted);
    expect(tasks[0].why).toMatch(/exited with 3 2 times; its output ends: reload failed: nginx: \[emerg\] test failure 2/);
    expect(hookLines(hookLog)).toHaveLength(submitted);

    // No hook at all: one install task per reissue, and the probe moves it to served once it is installed by hand.
    const bare = await setUp(['ispmanager']);
    expect((await runBin(['policy', 'set', '--deploy-hook', 'none'], bare.env)).code).toBe(0);
    expect((await runBin(['module', 'edit', (bare.modules[0] as (typeof modules)[number]).parameters.name, '--deploy-hook', 'none'], bare.env)).code).toBe(0);
    await run(bare.env);
    await validateAll(bare.sandboxes);
    expect((await run(bare.env)).code).toBe(0);
    let entries = (await status(bare.env)).reissues;
    expect(entries.every((entry) => entry.stage === 'collected')).toBe(true);
    await run(bare.env);
    const installTasks = JSON.parse((await runBin(['tasks', 'list', '--json'], bare.env)).stdout).tasks.filter((task: { what: string }) => /^install the new certificate/.test(task.what));
    expect(installTasks).toHaveLength(entries.length);
    expect(installTasks[0].why).toMatch(/live\/1\//);
    // The sysadmin installs one by hand: the next run sees it served.
    const one = entries[0] as (typeof entries)[number];
    const { mkdirSync, copyFileSync } = await import('node:fs');
    for (const name of [one.domain]) {
      mkdirSync(join(bare.server.folder, name), { recursive: true });
      copyFileSync(one.files?.fullchain as string, join(bare.server.folder, name, 'fullchain.pem'));
      copyFileSync(one.files?.key as string, join(bare.server.folder, name, 'privkey.pem'));
    }
    expect((await run(bare.env)).code).toBe(0);
    entries = (await status(bare.env)).reissues;
    expect(entries.find((entry) => entry.domain === one.domain)?.stage).toBe('served');
  });

  it('a hook that succeeds without installing: delivered, and a day later still the old certificate makes one task', async () => {
    const { sandboxes, env, modules } = await setUp(['ispmanager']);
    expect((await runBin(['module', 'edit', (modules[0] as (typeof modules)[number]).parameters.name, '--deploy-hook', 'true'], env)).code).toBe(0);
    await run(env);
    await validateAll(sandboxes);
    const delivered = await run(env);
    expect(delivered.code).toBe(0);
    expect(delivered.json.reissues.every((entry: { stage: string; waiting: string }) => entry.stage === 'delivered' && entry.waiting === 'server')).toBe(true);
    const nextDay = '2026-11-24';
    for (let i = 0; i < 2; i += 1) expect((await runBin(['reissue', 'run', '--now', nextDay, '--json'], env)).code).toBe(0);
    const tasks = JSON.parse((await runBin(['tasks', 'list', '--json'], env)).stdout).tasks.filter((task: { what: string }) => /^reload the servers of/.test(task.what));
    expect(tasks).toHaveLength(delivered.json.reissues.length);
    expect(tasks[0].why).toMatch(/a day after the deploy hook installed the new certificate, .* still serves? another one/);
  });

  it('key policy: reuse keeps the key certops holds for the next reissue; new makes a key even where the order\'s CSR could be reused', async () => {
    const { sandboxes, env, modules } = await setUp(['ispmanager', 'globalsign']);
    const gsModule = modules.find((m) => m.provider === 'globalsign') as (typeof modules)[number];
    expect((await runBin(['module', 'edit', gsModule.parameters.name, '--key-policy', 'new', '--key-type', 'ecdsa-p256'], env)).code).toBe(0);
    const first = await run(env);
    const byModule = (name: string) => first.json.actions.filter((a: { outcome: string; module: string }) => a.outcome === 'reissued' && a.module === name);
    // GlobalSign would give the order's CSR; under "new" certops makes a P-256 key anyway.
    const gsActions = byModule(gsModule.parameters.name);
    expect(gsActions.length).toBeGreaterThan(0);
    for (const action of gsActions) {
      expect(action.keyFile).toBeDefined();
      expect(createPrivateKey(readFileSync(action.keyFile, 'utf8')).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    }
    await validateAll(sandboxes);
    expect((await run(env)).code).toBe(0);
    const served = (await status(env)).reissues.find((entry) => entry.module === 'ispmanager sandbox' && entry.stage === 'served');
    expect(served?.files?.key).toBeTruthy();
    // The next reissue of that certificate, at its next action date: "reuse" sends a CSR for the key in live/.
    expect((await runBin(['sync'], env)).code).toBe(0);
    const timeline = JSON.parse((await runBin(['timeline', '--json', '--today', NOW], env)).stdout) as { entries: { domain: string; module: string; actionDate: string | null }[] };
    const next = timeline.entries.find((entry) => entry.domain === served?.domain && entry.module === 'ispmanager sandbox');
    expect(next?.actionDate).toBeTruthy();
    const later = await runBin(['reissue', 'run', '--now', next?.actionDate as string, '--module', 'ispmanager sandbox', '--json'], env);
    const again = (JSON.parse(later.stdout) as { actions: { domain: string; outcome: string }[] }).actions.find((a) => a.domain === served?.domain);
    expect(again?.outcome).toBe('reissued');
    const isp = sandboxes.find((s) => s.provider === 'ispmanager') as StartedSandbox;
    const index = isp.sandbox.indexOf(served?.certificateId as string) as number;
    const sent = isp.sandbox.book.get(index).pending?.csr as string;
    const x509 = await import('@peculiar/x509');
    const csrKey = Buffer.from(new x509.Pkcs10CertificateRequest(sent).publicKey.rawData);
    const lineageKey = createPublicKey(createPrivateKey(readFileSync(served?.files?.key as string, 'utf8'))).export({ type: 'spki', format: 'der' });
    expect(csrKey.equals(lineageKey)).toBe(true);
  });

  it('SIGKILL at random points across every stage, then a final run: each reissue served once, no double hook, message or task', async () => {
    const { workspace, sandboxes, env, hookLog } = await setUp(['ispmanager'], 60);
    const first = await run(env);
    const submitted = first.json.actions.filter((action: { outcome: string }) => action.outcome === 'reissued').length;
    await validateAll(sandboxes);
    let kills = 0;
    const ledger = new Ledger(ledgerFile(workspace));
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const before = existsSync(ledger.file) ? readFileSync(ledger.file, 'utf8').length : 0;
      const target = 1 + Math.floor(Math.random() * 4000);
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'reissue', 'run', '--now', NOW, '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
        const timer = setInterval(() => {
          const size = existsSync(ledger.file) ? readFileSync(ledger.file, 'utf8').length : 0;
          if (size - before >= target % 3000) {
            clearInterval(timer);
            if (child.kill('SIGKILL')) kills += 1;
          }
        }, 1);
        child.on('exit', () => {
          clearInterval(timer);
          resolve();
        });
      });
      if (ledger.records().every((record) => record.stage === 'served')) break;
    }
    // Spawned without a time limit: a lock a killed run left on tasks.json or the outbox is waited
    // out (proper-lockfile's stale time), as it would be by the next cron run.
    const final = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'reissue', 'run', '--now', NOW, '--json'], { env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(final.code, final.stderr).toBe(0);
    const records = ledger.records();
    expect(records).toHaveLength(submitted);
    expect(records.every((record) => record.stage === 'served')).toBe(true);
    const events = ledger.read();
    for (const record of records) {
      const of = (type: string) => events.filter((event) => event.id === record.id && event.type === type).length;
      expect(of('collected'), record.domain).toBe(1);
      expect(of('notified'), record.domain).toBe(1);
      expect(events.filter((event) => event.id === record.id && event.type === 'stage' && event.stage === 'served')).toHaveLength(1);
    }
    expect(hookLines(hookLog)).toHaveLength(submitted);
    expect(new Set(hookLines(hookLog).map((line) => line.split('|')[3])).size).toBe(submitted);
    const messages = outboxFiles(workspace.directory).filter((name) => readFileSync(join(workspace.directory, 'outbox', name), 'utf8').includes('Certificate reissued'));
    expect(messages).toHaveLength(submitted);
    expect(kills).toBeGreaterThan(0);
  });
});
