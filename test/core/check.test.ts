import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { day } from '../../src/rules/calendar.js';
import { checkModule, checkModules, troubleshootingSteps, type CheckResult } from '../../src/core/check.js';
import { moduleBalance } from '../../src/core/balance.js';
import type { ProcessingModule } from '../../src/core/module.js';
import { startSandboxes, stopSandboxes, type StartedSandbox } from '../../src/core/sandboxes.js';
import { networkSettingsSchema } from '../../src/providers/settings.js';
import type { SandboxFault } from '../../src/providers/sandbox-kit/server.js';

const started: StartedSandbox[] = [];
afterEach(async () => {
  await stopSandboxes(started.splice(0));
});

async function enomModule(options: { faults?: SandboxFault[]; minimalBalance?: number | null; network?: Record<string, unknown>; name?: string } = {}): Promise<ProcessingModule> {
  const [sandbox] = await startSandboxes({ providers: ['enom'], port: 0, tls: false, certificates: 5, latencyMs: 0, faults: options.faults ?? [], today: day('2026-11-23') });
  if (!sandbox) throw new Error('no sandbox');
  started.push(sandbox);
  return {
    id: 1,
    provider: 'enom',
    parameters: { name: options.name ?? 'eNom main', department: 'SSL desk', sort: 1, minimalBalance: options.minimalBalance ?? null, dataCenter: 'DC1' },
    integration: sandbox.integration,
    network: networkSettingsSchema.parse({ totalTimeoutMs: 700, ...options.network }),
  };
}

const runtime = { logDirectory: null, readRetries: 0, retryDelayMs: 1 } as const;

describe('connection check (core)', () => {
  it('reports the round-trip time of a working module', async () => {
    const result = await checkModule(await enomModule(), runtime);
    expect(result).toMatchObject({ ok: true, module: 'eNom main', provider: 'enom' });
    expect(result.ok && result.roundTripMs).toBeGreaterThanOrEqual(0);
  });

  it("gives BILLmanager's message, the specific cause and BILLmanager's steps that fit it", async () => {
    const result = await checkModule(await enomModule({ faults: ['ip-not-allowed'] }), runtime);
    expect(result).toMatchObject({
      ok: false,
      message: 'Cannot connect to the processing module',
      cause: 'ip-not-allowed',
      steps: ['make sure that API calls can be executed from the BILLmanager IP address in the Certification Authority Client area'],
    });
    expect(!result.ok && result.detail).toMatch(/^eNom does not permit API calls from this server's IP address/);

    const wrong = await checkModule(await enomModule({ faults: ['wrong-credentials'] }), runtime);
    expect(wrong).toMatchObject({ ok: false, cause: 'credentials', steps: ['make sure the connection parameters are correct'] });

    const refusedModule = await enomModule();
    await stopSandboxes(started.splice(0));
    const refused = await checkModule(refusedModule, runtime);
    expect(refused).toMatchObject({
      ok: false,
      cause: 'refused',
      steps: [
        'check that the URL-address of the Certification Authority is accessible from the server with BILLmanager',
        'make sure the connection parameters are correct',
      ],
    });
  });

  it('uses the Ispmanager (SSL) seed wording, which has no allow-list step', () => {
    expect(troubleshootingSteps('ispmanager', 'dns')).toEqual([
      'The URL address of the certificate authority is available from the server where BILLmanager is installed.',
      'the connection details are correct',
    ]);
    expect(troubleshootingSteps('ispmanager', 'ip-not-allowed')).toEqual([
      'the connection details are correct',
      "ask the provider to allow API calls from this server's IP address",
    ]);
  });

  it('refuses an unreadable CA file as a configuration problem, before any request', async () => {
    const module = await enomModule({ network: { caFile: '/nonexistent/ca.pem' } });
    const result = await checkModule(module, runtime);
    expect(result).toMatchObject({ ok: false, cause: 'configuration', detail: 'the CA file: /nonexistent/ca.pem does not exist' });
    const notPem = join(mkdtempSync(join(tmpdir(), 'certops-ca-')), 'ca.pem');
    writeFileSync(notPem, 'hello');
    expect(await checkModule({ ...module, network: { ...module.network, caFile: notPem } }, runtime)).toMatchObject({ cause: 'configuration' });
  });

  it('checks all modules at once: a hanging one does not hold the others back', async () => {
    const hanging = await enomModule({ faults: ['hang'], name: 'hanging' });
    const working = await enomModule({ name: 'working' });
    const arrived: CheckResult[] = [];
    const results = await checkModules([hanging, working], runtime, (result) => arrived.push(result));
    expect(results.map((r) => [r.module, r.ok])).toEqual([
      ['hanging', false],
      ['working', true],
    ]);
    // The working module's result arrives first, while the hanging one is still waiting.
    expect(arrived.map((r) => r.module)).toEqual(['working', 'hanging']);
    expect(results[0]).toMatchObject({ cause: 'timeout' });
  });

  it('writes a failed check to the module log at the default level', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-logs-'));
    await checkModule(await enomModule({ faults: ['wrong-credentials'] }), { ...runtime, logDirectory: directory });
    const log = readFileSync(join(directory, 'pmenomssl.log'), 'utf8');
    expect(log).toMatch(/\[pmenomssl\] L3 eNom main: connection check failed: credentials: eNom rejected the username or password/);
    expect(log).not.toContain('enom-sandbox-pass');
  });

  it('writes the module log at the level debug.conf gives it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-logs-'));
    await checkModule(await enomModule(), { ...runtime, logDirectory: directory, logLevels: new Map([['pmenomssl', 9]]) });
    const log = readFileSync(join(directory, 'pmenomssl.log'), 'utf8');
    expect(log).toMatch(/\[pmenomssl\] L5 POST http:\/\/127\.0\.0\.1:\d+\/interface\.asp -> HTTP 200/);
    expect(log).toContain('<Command>CHECKLOGIN</Command>');
    expect(log).not.toContain('enom-sandbox-pass');
  });
});

describe('balance (core)', () => {
  it('flags a balance under the minimal balance, and only then', async () => {
    expect(await moduleBalance(await enomModule({ minimalBalance: 5000 }), runtime)).toMatchObject({
      ok: true,
      amount: 1204.1,
      currency: 'USD',
      minimalBalance: 5000,
      underMinimum: true,
    });
    // eNom's AvailableBalance (1150.00 in the sandbox) is what can be spent: the minimum is compared with it.
    expect(await moduleBalance(await enomModule({ minimalBalance: 1150 }), runtime)).toMatchObject({ available: 1150, underMinimum: false });
    expect(await moduleBalance(await enomModule({ minimalBalance: 1150.01 }), runtime)).toMatchObject({ amount: 1204.1, underMinimum: true });
    expect(await moduleBalance(await enomModule({ minimalBalance: null }), runtime)).toMatchObject({ underMinimum: false, minimalBalance: null });
  });

  it('reports a failure with its cause', async () => {
    expect(await moduleBalance(await enomModule({ faults: ['malformed'] }), runtime)).toMatchObject({ ok: false, cause: 'unexpected-response' });
  });
});
