/** A real PKCS#10 request for reissue tests, made with @peculiar/x509. */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export async function makeCsr(commonName: string): Promise<string> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: algorithm });
  return csr.toString('pem');
}

/**
 * A fixed P-256 request for CN=www.example.com with the DNS names www.example.com and example.com,
 * made once with @peculiar/x509: the CSR of the recorded-shape answers in the wire tests.
 */
export const EXAMPLE_CSR_LINES = [
  'MIIBEDCBtgIBADAaMRgwFgYDVQQDEw93d3cuZXhhbXBsZS5jb20wWTATBgcqhkjO',
  'PQIBBggqhkjOPQMBBwNCAARLFgSvWfOljr/ySbiXfLOaBVSMyrxTJlEFsPZK047L',
  '/RciKin4etG9n3+cCMVYiH0gzcNmQ0HLcdElEvD6J+LZoDowOAYJKoZIhvcNAQkO',
  'MSswKTAnBgNVHREEIDAegg93d3cuZXhhbXBsZS5jb22CC2V4YW1wbGUuY29tMAoG',
  'CCqGSM49BAMCA0kAMEYCIQDLwEZja0S+v3POJ4WN7/IqA1gvV9qm9/h2tto6CRi0',
  'rwIhANWGwpdWJeNKBwYxwXkC/6B8WuBxylwWMFga7JJ6RtQ5',
] as const;

/** EXAMPLE_CSR_LINES in the canonical PEM certops hands back. */
export const EXAMPLE_CSR_PEM = ['-----BEGIN CERTIFICATE REQUEST-----', ...EXAMPLE_CSR_LINES, '-----END CERTIFICATE REQUEST-----'].join('\n');

/** A PEM request's subject CN and DNS SubjectAltNames, as @peculiar/x509 parses them; throws on anything that is not a PKCS#10 request. */
export async function parseCsr(pem: string): Promise<{ commonName: string[]; dnsNames: string[]; verified: boolean; der: Buffer }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const request = new x509.Pkcs10CertificateRequest(pem);
  const extension = request.getExtension('2.5.29.17');
  const san = extension instanceof x509.SubjectAlternativeNameExtension ? extension : null;
  return {
    commonName: request.subjectName.getField('CN'),
    dnsNames: (san?.names.items ?? []).filter((name) => name.type === 'dns').map((name) => name.value),
    verified: await request.verify(),
    der: Buffer.from(request.rawData),
  };
}
