/**
 * The sandboxes' certificate authority: a root and an intermediate (ECDSA P-256), made once per
 * sandbox, that sign a real X.509 certificate for the public key of the CSR a reissue sent, as a CA
 * does. A certificate is issued for the CSR's key and names, never for anything else, so a client
 * that pairs the wrong key with it finds out. Loaded only when a sandbox first issues a certificate.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const MS_PER_DAY = 86_400_000;

export interface SandboxCa {
  /** The intermediate, PEM: what a provider sends as the chain. */
  readonly intermediatePem: string;
  /** The self-signed root, PEM: some providers send it with the chain (GlobalSign's CACertType ROOT). */
  readonly rootPem: string;
  /**
   * Signs a certificate for the CSR's public key, valid from the start of `fromDay` to the start of
   * `toDay` (UTC days since the epoch), with the CSR's common name and its DNS names plus `extraNames`.
   */
  issue(csrPem: string, fromDay: number, toDay: number, extraNames?: readonly string[]): Promise<string>;
  /** A PKCS#7 bundle (PEM) of these certificates, as some providers send beside the certificate. */
  pkcs7(certificatePems: readonly string[]): string;
}

function setProvider(): void {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
}

/** The DNS names a CSR asks for: its SubjectAltName extension (PKCS#9 extensionRequest), else its CN. */
export function csrNames(request: x509.Pkcs10CertificateRequest): string[] {
  const extension = request.getExtension('2.5.29.17');
  const san = extension instanceof x509.SubjectAlternativeNameExtension ? extension : null;
  const names = san ? san.names.items.filter((name) => name.type === 'dns').map((name) => name.value.toLowerCase()) : [];
  const cn = request.subjectName.getField('CN')[0]?.toLowerCase();
  return [...new Set([...(cn ? [cn] : []), ...names])];
}

export async function createSandboxCa(label = 'certops sandbox'): Promise<SandboxCa> {
  setProvider();
  const notBefore = new Date(Date.UTC(2020, 0, 1));
  const notAfter = new Date(Date.UTC(2040, 0, 1));
  const rootKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${label} Root CA`,
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const intermediateKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${label} Issuing CA`,
    issuer: root.subject,
    notBefore,
    notAfter,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return {
    rootPem: root.toString('pem'),
    intermediatePem: intermediate.toString('pem'),
    pkcs7: (certificatePems) => new x509.X509Certificates(certificatePems.map((pem) => new x509.X509Certificate(pem))).export('pem'),
    async issue(csrPem, fromDay, toDay, extraNames = []) {
      setProvider();
      const request = new x509.Pkcs10CertificateRequest(csrPem);
      if (!(await request.verify())) throw new Error('the CSR signature does not verify');
      const names = [...new Set([...csrNames(request), ...extraNames.map((name) => name.toLowerCase())])];
      const cn = names[0] ?? 'unnamed';
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: `01${randomBytes(15).toString('hex')}`,
        subject: `CN=${cn}`,
        issuer: intermediate.subject,
        notBefore: new Date(fromDay * MS_PER_DAY),
        notAfter: new Date(toDay * MS_PER_DAY - 1000),
        publicKey: request.publicKey,
        signingKey: intermediateKeys.privateKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
      });
      return leaf.toString('pem');
    },
  };
}
