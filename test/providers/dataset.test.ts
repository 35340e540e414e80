import { describe, expect, it } from 'vitest';
import { day } from '../../src/rules/calendar.js';
import { CertificateBook } from '../../src/providers/sandbox-kit/dataset.js';
import { makeCsr, parseCsr } from '../helpers/csr.js';

const TODAY = day('2026-11-23');
const book = () => new CertificateBook({ count: 200, seed: 7, today: TODAY });

describe('the sandbox book: CSRs made on first request', () => {
  it('starts with no CSR, makes a real PKCS#10 for the certificate\'s names on first request, and keeps it', async () => {
    const certificates = book();
    const multi = [...Array(200).keys()].find((i) => certificates.get(i).multiDomain) as number;
    for (const index of [0, multi]) {
      const cert = certificates.get(index);
      expect(cert.csr).toBeNull();
      expect(certificates.privateKeyOf(index)).toBeNull();
      const csr = await certificates.csrOf(index);
      const parsed = await parseCsr(csr);
      expect(parsed.verified).toBe(true);
      expect(parsed.commonName).toEqual([cert.mainDomain]);
      expect(parsed.dnsNames).toEqual([...new Set([cert.mainDomain, ...cert.otherNames])]);
      expect(certificates.get(index).csr).toBe(csr);
      expect(await certificates.csrOf(index)).toBe(csr);
      expect(certificates.privateKeyOf(index)).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----$/);
    }
    expect(multi).toBeGreaterThan(0);
  });

  it('makes one CSR for requests at the same time, and none for the certificates not asked for', async () => {
    const certificates = book();
    const [a, b, c] = await Promise.all([certificates.csrOf(5), certificates.csrOf(5), certificates.csrOf(5)]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    for (const index of [0, 4, 6, 199]) expect(certificates.get(index).csr).toBeNull();
  });

  it('leaves the seeded certificates as the seed made them', async () => {
    const asked = book();
    await asked.csrOf(3);
    const fresh = book();
    for (let index = 0; index < 200; index += 1) expect({ ...asked.get(index), csr: null }).toEqual(fresh.get(index));
  });

  it('keeps the CSR in force while a reissue waits for validation, then answers the reissue\'s, for which its CA signs the certificate', async () => {
    const { createSandboxCa } = await import('../../src/providers/sandbox-kit/ca.js');
    const ca = await createSandboxCa();
    const certificates = book();
    const [first, second] = [...Array(200).keys()].filter((i) => certificates.get(i).status === 'issued');
    const sent = await makeCsr(certificates.get(first as number).mainDomain);
    const before = await certificates.csrOf(first as number);
    expect('refused' in certificates.reissue(first as number, sent, TODAY)).toBe(false);
    // Waiting for validation: the certificate in force and its CSR are unchanged.
    expect(await certificates.csrOf(first as number)).toBe(before);
    expect(certificates.get(first as number).pending?.csr).toBe(sent);
    expect('refused' in certificates.reissue(first as number, sent, TODAY)).toBe(true);
    const issued = await certificates.completeValidation(first as number, ca);
    expect('refused' in issued).toBe(false);
    expect(await certificates.csrOf(first as number)).toBe(sent);
    expect(certificates.privateKeyOf(first as number)).toBeNull();
    const x509 = await import('@peculiar/x509');
    const leaf = new x509.X509Certificate(certificates.get(first as number).certificatePem as string);
    expect(Buffer.from(leaf.publicKey.rawData).equals(Buffer.from(new x509.Pkcs10CertificateRequest(sent).publicKey.rawData))).toBe(true);

    // A CSR being made when a reissue arrives is the one in force until the reissue is validated.
    const meanwhile = await makeCsr(certificates.get(second as number).mainDomain);
    const making = certificates.csrOf(second as number);
    certificates.reissue(second as number, meanwhile, TODAY);
    const made = await making;
    expect(made).not.toBe(meanwhile);
    await certificates.completeValidation(second as number, ca);
    expect(certificates.get(second as number).csr).toBe(meanwhile);
    expect(certificates.privateKeyOf(second as number)).toBeNull();
  });
});
