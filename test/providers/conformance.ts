/**
 * What every provider client must do against its own sandbox, over real HTTP on loopback: each
 * operation, each fault with its own cause, TLS trust, DNS and refused connections, retries for
 * reads only, and no secret in any log line at level 9 or in any error. Each provider's test file
 * calls providerConformance() and adds the tests of its own wire format.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import type { ProviderId } from '../../src/providers/catalog.js';
import { fileLog, silentLog, type ModuleLog } from '../../src/providers/log.js';
import { providerModule, type ProviderSandbox } from '../../src/providers/registry.js';
import { CertificateBook } from '../../src/providers/sandbox-kit/dataset.js';
import { startSandbox, type RunningSandbox, type SandboxAccount, type SandboxFault, type SandboxOptions } from '../../src/providers/sandbox-kit/server.js';
import { networkSettingsSchema, type ClientConfig } from '../../src/providers/settings.js';
import { ProviderError, type CertificateRecord, type FailureCause, type ProviderClient } from '../../src/providers/types.js';
import { readCsrText } from '../../src/providers/csr-pem.js';
import { makeCsr, parseCsr } from '../helpers/csr.js';

export const TODAY = day('2026-11-23');

export interface ConformanceOptions {
  /** Certificates in the test account: enough to cross the provider's page size at least twice. */
  readonly certificates: number;
  /** Extra integration settings for every client (e.g. GlobalSign's source IP address). */
  readonly integration?: Record<string, unknown>;
  /** Whether the provider's API returns an order's CSR (originalCsr); where not, the client answers null without a request. */
  readonly originalCsr: boolean;
}

export interface Harness {
  readonly sandboxes: RunningSandbox[];
  start(options?: Partial<Omit<SandboxOptions, 'account'>> & { account?: Partial<SandboxAccount>; certificates?: number }): Promise<RunningSandbox>;
  client(sandbox: RunningSandbox, options?: { integration?: Record<string, unknown>; network?: Record<string, unknown>; config?: Partial<ClientConfig<Record<string, unknown>>> }): ProviderClient;
}

export function providerHarness(id: ProviderId, defaults: Omit<ConformanceOptions, 'originalCsr'>): Harness {
  const module = providerModule(id);
  const sandboxes: RunningSandbox[] = [];
  const clients: ProviderClient[] = [];
  let kit: ProviderSandbox | null = null;
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
  });
  return {
    sandboxes,
    async start(options = {}) {
      kit ??= await module.loadSandbox();
      const { account, certificates, ...rest } = options;
      const sandbox = await startSandbox(kit.protocol, {
        account: { ...kit.account, ...account },
        book: new CertificateBook({ count: certificates ?? defaults.certificates, seed: 7, today: TODAY }),
        ...rest,
      });
      sandboxes.push(sandbox);
      return sandbox;
    },
    client(sandbox, options = {}) {
      if (!kit) throw new Error('start a sandbox before making a client');
      const integration = module.integrationSchema.parse({ ...kit.integrationFor(sandbox), ...defaults.integration, ...options.integration });
      const network = networkSettingsSchema.parse({ connectTimeoutMs: 2000, totalTimeoutMs: 5000, ...options.network });
      const client = module.createClient({ integration, network, log: silentLog, caPem: sandbox.caPem ?? undefined, readRetries: 2, retryDelayMs: 5, ...options.config });
      clients.push(client);
      return client;
    },
  };

}

export async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected the operation to fail');
}

async function listAll(client: ProviderClient, onProgress?: (listed: number, total: number | null) => void): Promise<CertificateRecord[]> {
  const all: CertificateRecord[] = [];
  for await (const page of client.listCertificates({ onProgress: (p) => onProgress?.(p.listed, p.total) })) all.push(...page);
  return all;
}

/** The book index of a listed certificate (main domains carry the index, so they are unique). */
function bookIndex(sandbox: RunningSandbox, record: CertificateRecord): number {
  for (let index = 0; index < sandbox.book.size; index += 1) if (sandbox.book.get(index).mainDomain === record.mainDomain) return index;
  throw new Error(`${record.mainDomain} is not in the book`);
}

/** The canonical PEM of a CSR as sent. */
function canonical(csr: string): string {
  const read = readCsrText(csr);
  if (read.kind !== 'pem') throw new Error('not a CSR');
  return read.pem;
}

const CANONICAL_PEM = /^-----BEGIN CERTIFICATE REQUEST-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE REQUEST-----$/;

export function providerConformance(id: ProviderId, options: ConformanceOptions): void {
  const module = providerModule(id);
  const harness = providerHarness(id, options);

  describe(`${module.facts.title}: conformance against its sandbox`, () => {
    it('loads its sandbox', async () => {
      const kit = await module.loadSandbox();
      expect(kit.protocol.provider).toBe(id);
      expect(kit.account.username).toBeTruthy();
    });

    it('checks the connection and reports the round-trip time, latency included', async () => {
      const sandbox = await harness.start({ latencyMs: 120 });
      const result = await harness.client(sandbox).checkConnection();
      expect(result.roundTripMs).toBeGreaterThanOrEqual(115);
      expect(result.roundTripMs).toBeLessThan(4000);
    });

    it('reads the balance and its currency, negative amounts included', async () => {
      const sandbox = await harness.start();
      expect(await harness.client(sandbox).getBalance()).toMatchObject({ amount: sandbox.account.balance, currency: sandbox.account.currency });
      const negative = await harness.start({ account: { balance: -1832.23 } });
      expect((await harness.client(negative).getBalance()).amount).toBe(-1832.23);
    });

    it('lists every certificate of the account, page after page, with progress', async () => {
      const sandbox = await harness.start();
      const progress: number[] = [];
      const records = await listAll(harness.client(sandbox), (listed) => progress.push(listed));
      expect(records).toHaveLength(options.certificates);
      expect(new Set(records.map((r) => r.id)).size).toBe(options.certificates);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(options.certificates);
      const byDomain = new Map(records.map((r) => [r.mainDomain, r]));
      for (let index = 0; index < sandbox.book.size; index += 1) {
        const expected = sandbox.book.get(index);
        const record = byDomain.get(expected.mainDomain);
        expect(record, expected.mainDomain).toBeDefined();
        if (!record) continue;
        expect(record.orderDate).toBe(formatDay(expected.orderDate));
        // The timeline needs the paid term to plan reissues within a subscription.
        expect(record.termMonths).toBe(expected.termYears * 12);
        if (expected.status === 'issued' && record.validTo !== null) expect(record.validTo).toBe(formatDay(expected.validTo));
        if (record.validation !== null) expect(record.validation).toBe(expected.validation);
        expect(record.multiDomain).toBe(expected.multiDomain);
        if (record.otherNames !== null) expect([...record.otherNames].sort()).toEqual([...expected.otherNames].sort());
        const statusOk = expected.status === 'expired' ? ['expired'] : expected.status === 'revoked' ? ['revoked', 'cancelled'] : [expected.status];
        expect(statusOk, `${record.id} ${record.providerStatus}`).toContain(record.status);
      }
    });

    it('reissues a certificate with a CSR where the provider can, and refuses without a request where it cannot', async () => {
      const sandbox = await harness.start();
      const client = harness.client(sandbox);
      const records = await listAll(client);
      const candidates = records.filter((r) => r.status === 'issued');
      const reissuable = candidates.find((r) => client.reissueSupport(r).supported);
      if (reissuable) {
        const index = [...Array(sandbox.book.size).keys()].find((i) => sandbox.book.get(i).mainDomain === reissuable.mainDomain) as number;
        const csr = await makeCsr(reissuable.mainDomain);
        const before = sandbox.requests();
        const outcome = await client.reissue({ certificate: reissuable, csr });
        expect(sandbox.requests() - before).toBeGreaterThanOrEqual(1);
        expect(outcome.certificateId).toBeTruthy();
        // As a CA does: accepted, then waiting for validation; the certificate in force is unchanged.
        const accepted = sandbox.book.get(index);
        expect(accepted.reissues).toBe(1);
        expect(accepted.pending?.state).toBe('validating');
        expect(accepted.pending?.csr).toBe(csr);
        expect(accepted.validTo).toBe(sandbox.book.get(index).validTo);
        await sandbox.validate(index);
        const after = sandbox.book.get(index);
        expect(after.csr).toBe(csr);
        expect(after.validFrom).toBe(TODAY);
      }
      const unsupported = candidates.find((r) => !client.reissueSupport(r).supported);
      if (unsupported) {
        const before = sandbox.requests();
        const failure = await failureOf(client.reissue({ certificate: unsupported, csr: await makeCsr(unsupported.mainDomain) }));
        expect(failure.failure).toBe('unsupported');
        expect(sandbox.requests()).toBe(before);
      }
      expect(reissuable ?? unsupported).toBeDefined();
    });

    it('follows a reissue on the provider: validating with what validation needs, then issued for the CSR\'s key with its chain, or failed with the reason', async () => {
      const sandbox = await harness.start({ certificates: 40 });
      const client = harness.client(sandbox);
      const records = await listAll(client);
      const issued = records.filter((r) => r.status === 'issued' && r.pendingReissue == null);
      // Through the API where the provider can reissue, else as begun in the provider's own panel.
      const start = async (record: CertificateRecord): Promise<{ index: number; id: string; csr: string }> => {
        const index = bookIndex(sandbox, record);
        if (client.reissueSupport(record).supported) {
          const csr = await makeCsr(record.mainDomain);
          const outcome = await client.reissue({ certificate: record, csr });
          return { index, id: outcome.certificateId, csr };
        }
        const result = await sandbox.panelReissue(index);
        if ('refused' in result) throw new Error(result.refused);
        const listed = (await listAll(client)).find((r) => r.pendingReissue != null && bookIndex(sandbox, r) === index);
        expect(listed?.pendingReissue, 'a reissue begun in the panel shows in the list').toBeTruthy();
        return { index, id: listed?.pendingReissue as string, csr: result.pending?.csr as string };
      };
      const [first, second] = issued;
      const a = await start(first as CertificateRecord);
      const waiting = await client.orderState(a.id);
      expect(waiting.stage).toBe('validating');
      const needs = sandbox.book.get(a.index).pending?.validation;
      expect(waiting.validation?.method).toBe(needs?.method);
      if (needs?.method === 'dns') expect(waiting.validation?.dnsRecord).toMatchObject({ name: needs.dnsName, value: needs.dnsValue });
      if (needs?.method === 'http') expect(waiting.validation?.httpFile).toEqual({ path: needs.httpPath, content: needs.httpContent });
      if (needs?.method === 'email') expect(waiting.validation?.approverEmail).toBe(needs.approverEmail);
      expect(waiting.certificate).toBeNull();
      // The list says a reissue is under way for the certificate it replaces.
      const during = (await listAll(client)).filter((r) => bookIndex(sandbox, r) === a.index);
      expect(during.some((r) => r.pendingReissue === a.id)).toBe(true);

      await sandbox.validate(a.index);
      const done = await client.orderState(a.id);
      expect(done.stage).toBe('issued');
      expect(done.validTo).toBe(formatDay(sandbox.book.get(a.index).validTo));
      const x509 = await import('@peculiar/x509');
      const leaf = new x509.X509Certificate(done.certificate as string);
      const request = new x509.Pkcs10CertificateRequest(a.csr);
      expect(Buffer.from(leaf.publicKey.rawData).equals(Buffer.from(request.publicKey.rawData)), 'issued for the CSR\'s key').toBe(true);
      const ca = await sandbox.ca();
      expect(done.chain.map((pem) => new x509.X509Certificate(pem).subject)).toEqual([new x509.X509Certificate(ca.intermediatePem).subject]);
      expect(leaf.issuer).toBe(new x509.X509Certificate(ca.intermediatePem).subject);
      // Issued: nothing is under way any more.
      const after = (await listAll(client)).filter((r) => bookIndex(sandbox, r) === a.index);
      expect(after.every((r) => r.pendingReissue == null)).toBe(true);
      expect(after.some((r) => r.validTo === formatDay(sandbox.book.get(a.index).validTo))).toBe(true);

      const b = await start(second as CertificateRecord);
      sandbox.failValidation(b.index, 'the DNS record was not found');
      const failed = await client.orderState(b.id);
      expect(failed.stage).toBe('failed');
      expect(failed.reason).toContain('the DNS record was not found');
      expect(failed.certificate).toBeNull();
    });

    it('gives the usual causes when asked for an order\'s state with wrong credentials or against faults', async () => {
      const sandbox = await harness.start({ certificates: 30, oversizedBytes: 3 * 1024 * 1024 });
      const [record] = await listAll(harness.client(sandbox));
      const id = (record as CertificateRecord).id;
      expect((await failureOf(harness.client(sandbox, { integration: { password: 'not-the-password' } }).orderState(id))).failure).toBe('credentials');
      const client = harness.client(sandbox, { network: { totalTimeoutMs: 600 }, config: { maxResponseBytes: 1024 * 1024, readRetries: 0 } });
      for (const [fault, cause] of faults.filter(([fault]) => fault !== 'wrong-credentials')) {
        sandbox.faults.clear();
        sandbox.faults.add(fault);
        const failure = await failureOf(client.orderState(id));
        expect(failure.failure, `${fault}: ${failure.message}`).toBe(cause);
      }
    });

    const faults: [SandboxFault, FailureCause][] = [
      ['wrong-credentials', 'credentials'],
      ['ip-not-allowed', 'ip-not-allowed'],
      ['locked', 'account-locked'],
      ['http-500', 'http-status'],
      ['malformed', 'unexpected-response'],
      ['hang', 'timeout'],
      ['oversized', 'too-large'],
    ];

    if (options.originalCsr) {
      it('returns the order\'s original CSR: a PEM PKCS#10 with its common name and names, the same each time', async () => {
        const sandbox = await harness.start({ certificates: 40 });
        const client = harness.client(sandbox);
        const records = await listAll(client);
        const picks = [records[0], records[1], records.find((r) => r.multiDomain), records.find((r) => r.status !== 'issued')].filter(
          (r, i, all): r is CertificateRecord => r !== undefined && all.indexOf(r) === i,
        );
        expect(picks.length).toBeGreaterThanOrEqual(3);
        for (const record of picks) {
          const index = bookIndex(sandbox, record);
          const expected = sandbox.book.get(index);
          expect(expected.csr).toBeNull();
          const pem = await client.originalCsr(record);
          expect(pem, record.id).toMatch(CANONICAL_PEM);
          const parsed = await parseCsr(pem as string);
          expect(parsed.verified).toBe(true);
          expect(parsed.commonName).toEqual([expected.mainDomain]);
          expect([...parsed.dnsNames].sort()).toEqual([...new Set([expected.mainDomain, ...expected.otherNames])].sort());
          expect(canonical(sandbox.book.get(index).csr as string)).toBe(pem);
          expect(await client.originalCsr(record)).toBe(pem);
        }
      });

      it('returns the CSR a reissue sent once the certificate was reissued', async () => {
        const sandbox = await harness.start({ certificates: 40 });
        const client = harness.client(sandbox);
        const records = await listAll(client);
        const reissuable = records.find((r) => r.status === 'issued' && client.reissueSupport(r).supported) as CertificateRecord;
        const before = await client.originalCsr(reissuable);
        const csr = await makeCsr(reissuable.mainDomain);
        const outcome = await client.reissue({ certificate: reissuable, csr });
        const after = await client.originalCsr({ ...reissuable, id: outcome.certificateId });
        expect(after).toBe(canonical(csr));
        expect(after).not.toBe(before);
        expect((await parseCsr(after as string)).der.equals((await parseCsr(csr)).der)).toBe(true);
      });

      it('gives the usual causes when asked for an original CSR with wrong credentials or against faults', async () => {
        const sandbox = await harness.start({ certificates: 30, oversizedBytes: 3 * 1024 * 1024 });
        const [record] = await listAll(harness.client(sandbox));
        expect((await failureOf(harness.client(sandbox, { integration: { password: 'not-the-password' } }).originalCsr(record as CertificateRecord))).failure).toBe('credentials');
        const client = harness.client(sandbox, { network: { totalTimeoutMs: 600 }, config: { maxResponseBytes: 1024 * 1024, readRetries: 0 } });
        for (const [fault, cause] of faults) {
          sandbox.faults.clear();
          sandbox.faults.add(fault);
          const failure = await failureOf(client.originalCsr(record as CertificateRecord));
          expect(failure.failure, `${fault}: ${failure.message}`).toBe(cause);
        }
      });
    } else {
      it('answers null for an original CSR without asking the provider, before and after a reissue', async () => {
        const sandbox = await harness.start({ certificates: 40 });
        const client = harness.client(sandbox);
        const records = await listAll(client);
        const before = sandbox.requests();
        for (const record of records.slice(0, 5)) expect(await client.originalCsr(record)).toBeNull();
        expect(sandbox.requests()).toBe(before);
        const reissuable = records.find((r) => r.status === 'issued' && client.reissueSupport(r).supported);
        if (reissuable) {
          await client.reissue({ certificate: reissuable, csr: await makeCsr(reissuable.mainDomain) });
          expect(await client.originalCsr(reissuable)).toBeNull();
        }
        sandbox.faults.add('wrong-credentials');
        expect(await client.originalCsr(records[0] as CertificateRecord)).toBeNull();
      });
    }

    it.each(faults)('gives the cause of the "%s" fault: %s', async (fault, cause) => {
      const sandbox = await harness.start({ faults: [fault], oversizedBytes: 3 * 1024 * 1024 });
      const client = harness.client(sandbox, { network: { totalTimeoutMs: 600 }, config: { maxResponseBytes: 1024 * 1024, readRetries: 0 } });
      const failure = await failureOf(client.checkConnection());
      expect(failure.failure, failure.message).toBe(cause);
      expect((await failureOf(client.getBalance())).failure).toBe(cause);
    });

    it('rejects wrong credentials for real, not only when the fault is switched on', async () => {
      const sandbox = await harness.start();
      const failure = await failureOf(harness.client(sandbox, { integration: { password: 'not-the-password' } }).checkConnection());
      expect(failure.failure).toBe('credentials');
    });

    it('is refused by its own allow-list when this address is not on it', async () => {
      const sandbox = await harness.start({ account: { allowedIps: ['192.0.2.44'] } });
      expect((await failureOf(harness.client(sandbox).checkConnection())).failure).toBe('ip-not-allowed');
    });

    it('retries a failing read with backoff, but never a reissue', async () => {
      const sandbox = await harness.start();
      const client = harness.client(sandbox);
      const records = await listAll(client);
      const reissuable = records.find((r) => r.status === 'issued' && client.reissueSupport(r).supported);
      sandbox.faults.add('http-500');
      let before = sandbox.requests();
      expect((await failureOf(client.getBalance())).failure).toBe('http-status');
      expect(sandbox.requests() - before).toBe(3);
      if (options.originalCsr) {
        before = sandbox.requests();
        expect((await failureOf(client.originalCsr(records[0] as CertificateRecord))).failure).toBe('http-status');
        expect(sandbox.requests() - before).toBe(3);
      }
      if (reissuable) {
        before = sandbox.requests();
        expect((await failureOf(client.reissue({ certificate: reissuable, csr: await makeCsr(reissuable.mainDomain) }))).failure).toBe('http-status');
        expect(sandbox.requests() - before).toBe(1);
      }
    });

    it('says the connection was refused when nothing listens', async () => {
      const sandbox = await harness.start();
      const client = harness.client(sandbox);
      await sandbox.stop();
      expect((await failureOf(client.checkConnection())).failure).toBe('refused');
    });

    it('says the DNS name was not found', async () => {
      const sandbox = await harness.start();
      const unresolved = Object.assign(new Error('getaddrinfo ENOTFOUND api.certops-test.invalid'), { code: 'ENOTFOUND' });
      const client = harness.client(sandbox, {
        network: { endpoint: sandbox.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://api.certops-test.invalid') },
        config: { lookup: ((_host: string, _options: unknown, callback: (error: Error) => void) => callback(unresolved)) as never },
      });
      const failure = await failureOf(client.checkConnection());
      expect(failure.failure).toBe('dns');
      expect(failure.message).toContain('api.certops-test.invalid');
    });

    it('trusts an HTTPS sandbox only with its CA', async () => {
      const sandbox = await harness.start({ tls: true });
      expect(sandbox.url.startsWith('https://')).toBe(true);
      expect((await failureOf(harness.client(sandbox, { config: { caPem: undefined } }).checkConnection())).failure).toBe('tls-untrusted');
      expect((await harness.client(sandbox).checkConnection()).roundTripMs).toBeGreaterThan(0);
    });

    it('refuses plain http to anything but loopback before sending the password', async () => {
      const sandbox = await harness.start();
      const attempt = () => harness.client(sandbox, { network: { endpoint: 'http://192.0.2.10/api' } });
      let failure: unknown;
      try {
        await attempt().checkConnection();
      } catch (error) {
        failure = error;
      }
      // Either the settings schema or the transport refuses it; both say why.
      expect(String((failure as Error).message)).toMatch(/plain http:\/\/ is refused for 192\.0\.2\.10/);
    });

    it('keeps every secret out of level-9 logs and error messages', async () => {
      const password = 'S3cr&t p@ss<%>"word';
      const wrong = 'Wr0ng&pass w%rd';
      const sandbox = await harness.start({ account: { password }, certificates: 30 });
      const directory = mkdtempSync(join(tmpdir(), 'certops-log-'));
      const log: ModuleLog = fileLog({ directory, logName: module.facts.logName, level: 9, secrets: [password, wrong] });
      const client = harness.client(sandbox, { integration: { password }, config: { log } });
      await client.checkConnection();
      await client.getBalance();
      const records = await listAll(client);
      const reissuable = records.find((r) => r.status === 'issued' && client.reissueSupport(r).supported);
      for (const record of records.slice(0, 3)) await client.originalCsr(record);
      if (reissuable) {
        const outcome = await client.reissue({ certificate: reissuable, csr: await makeCsr(reissuable.mainDomain) });
        await client.originalCsr({ ...reissuable, id: outcome.certificateId });
      }
      const messages: string[] = [];
      const bad = harness.client(sandbox, { integration: { password: wrong }, config: { log } });
      messages.push((await failureOf(bad.checkConnection())).message);
      for (const fault of ['malformed', 'http-500'] as const) {
        sandbox.faults.clear();
        sandbox.faults.add(fault);
        messages.push((await failureOf(client.getBalance())).message);
      }
      const text = readdirSync(directory)
        .map((name) => readFileSync(join(directory, name), 'utf8'))
        .join('\n');
      expect(text).toContain(sandbox.account.username);
      expect(text).toContain(records[0]?.mainDomain ?? '');
      expect(text).toContain('***');
      const forms = (secret: string) => [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)];
      const secrets = [password, wrong, ...sandbox.issuedSecrets];
      for (const secret of secrets) {
        for (const form of forms(secret)) {
          expect(text.includes(form), `log holds ${form}`).toBe(false);
          for (const message of messages) expect(message.includes(form), `error holds ${form}`).toBe(false);
        }
        // A multi-line secret (a private key the provider handed back) line by line: the log indents continuation lines.
        for (const line of secret.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) expect(text.includes(line), `log holds ${line}`).toBe(false);
      }
      if (options.originalCsr) expect(text).toMatch(/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/);
    });
  });
}

export { listAll };
