/** A new RSA 2048 key and its PKCS#10 CSR, made with @peculiar/x509 on Node's WebCrypto. */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** RSA 2048: every CA and product of the four providers takes it. */
const KEY_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${(Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

export async function newKeyAndCsr(mainDomain: string, otherNames: readonly string[]): Promise<{ keyPem: string; csrPem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const names = [mainDomain, ...otherNames.filter((name) => name !== mainDomain)];
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [mainDomain] }],
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value })))],
  });
  return {
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    csrPem: `${request.toString('pem').trimEnd()}\n`,
  };
}
