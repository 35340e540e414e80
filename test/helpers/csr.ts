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
