/** A key and its PKCS#10 CSR, made with @peculiar/x509 on Node's WebCrypto: RSA 2048/3072 or ECDSA P-256. */
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
import * as x509 from '@peculiar/x509';
import type { KeyType } from '../store.js';

/** RSA 2048 is what every CA and product of the four providers takes; RSA 3072 and ECDSA P-256 where the operator asks. */
const ALGORITHMS: Readonly<Record<KeyType, webcrypto.RsaHashedKeyGenParams | (webcrypto.EcKeyGenParams & { hash: string })>> = {
  rsa2048: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  rsa3072: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
};

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${(Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

function setProvider(): void {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
}

async function requestFor(keys: CryptoKeyPair, algorithm: Algorithm, mainDomain: string, otherNames: readonly string[]): Promise<string> {
  const names = [mainDomain, ...otherNames.filter((name) => name !== mainDomain)];
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [mainDomain] }],
    keys,
    signingAlgorithm: algorithm,
    extensions: [new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value })))],
  });
  return `${request.toString('pem').trimEnd()}\n`;
}

export async function newKeyAndCsr(mainDomain: string, otherNames: readonly string[], keyType: KeyType = 'rsa2048'): Promise<{ keyPem: string; csrPem: string }> {
  setProvider();
  const algorithm = ALGORITHMS[keyType];
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), csrPem: await requestFor(keys, algorithm, mainDomain, otherNames) };
}

/** A new CSR for a key certops already holds (PKCS#8 PEM, RSA or P-256): the reissue keeps the key. */
export async function csrForKey(keyPem: string, mainDomain: string, otherNames: readonly string[]): Promise<string> {
  setProvider();
  const { createPrivateKey, createPublicKey } = await import('node:crypto');
  const privateKey = createPrivateKey(keyPem);
  const details = privateKey.asymmetricKeyDetails ?? {};
  const algorithm =
    privateKey.asymmetricKeyType === 'ec'
      ? ALGORITHMS['ecdsa-p256']
      : { ...ALGORITHMS.rsa2048, modulusLength: details.modulusLength ?? 2048 };
  if (privateKey.asymmetricKeyType === 'ec' && details.namedCurve !== 'prime256v1') throw new Error(`the key's curve ${details.namedCurve ?? '?'} is not P-256`);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
  } as CryptoKeyPair;
  return requestFor(keys, algorithm, mainDomain, otherNames);
}

/** The SubjectPublicKeyInfo (DER) of a PEM CSR: what a certificate issued for it must carry. */
export function csrPublicKey(csrPem: string): Buffer {
  setProvider();
  return Buffer.from(new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData);
}
