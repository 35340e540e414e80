/**
 * A real PKCS#10 request for a sandbox certificate that was never sent one: an ECDSA P-256 key (a few
 * milliseconds, where RSA takes a tenth of a second or more), the main domain as the subject's CN and
 * every name (the main domain first) as a DNS SubjectAltName. Loaded only when a sandbox is first
 * asked for a CSR: the X.509 library is a tenth of a second of start-up.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface SandboxCsr {
  /** PEM, as @peculiar/x509 writes it. */
  readonly csr: string;
  /** The request's PKCS#8 private key in PEM: a provider that made the CSR itself can hand it back. */
  readonly privateKey: string;
}

export async function createSandboxCsr(mainDomain: string, otherNames: readonly string[]): Promise<SandboxCsr> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const names = [...new Set([mainDomain, ...otherNames])];
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [mainDomain] }],
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value })))],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const privateKey = ['-----BEGIN PRIVATE KEY-----', ...(der.match(/.{1,64}/g) ?? []), '-----END PRIVATE KEY-----'].join('\n');
  return { csr: request.toString('pem'), privateKey };
}
