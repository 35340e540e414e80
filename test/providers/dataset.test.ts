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

  it('answers the reissue\'s CSR after a reissue, which also wins over a CSR being made meanwhile', async () => {
    const certificates = book();
    const [first, second] = [...Array(200).keys()].filter((i) => certificates.get(i).status === 'issued');
    const sent = await makeCsr(certificates.get(first as number).mainDomain);
    await certificates.csrOf(first as number);
    expect('refused' in certificates.reissue(first as number, sent, TODAY)).toBe(false);
    expect(await certificates.csrOf(first as number)).toBe(sent);
    expect(certificates.privateKeyOf(first as number)).toBeNull();

    const meanwhile = await makeCsr(certificates.get(second as number).mainDomain);
    const making = certificates.csrOf(second as number);
    // Synchronously after the request: the book is still loading the X.509 library or making the key.
    certificates.reissue(second as number, meanwhile, TODAY);
    expect(await making).toBe(meanwhile);
    expect(certificates.get(second as number).csr).toBe(meanwhile);
    expect(certificates.privateKeyOf(second as number)).toBeNull();
  });
});
