/**
 * An issued certificate and the CA certificates that came with it, made into what OrderState carries:
 * the leaf, and its chain leaf's issuer first without a root. Node's own X509Certificate reads them
 * (no X.509 library to load), since eNom does not say in which order CACerts lists them, nor whether
 * it includes the root.
 */
import { X509Certificate } from 'node:crypto';

export interface IssuedCertificate {
  readonly certificate: string;
  readonly chain: string[];
  /** The leaf's notBefore, UTC YYYY-MM-DD. */
  readonly validFrom: string;
  /** The leaf's notAfter, UTC YYYY-MM-DD. */
  readonly validTo: string;
}

function day(text: string): string {
  return new Date(text).toISOString().slice(0, 10);
}

/**
 * `leaf` and `authorities` are canonical PEMs. Throws when one does not parse as a certificate. A
 * self-signed certificate (a root) is dropped: servers do not send it. The others follow the issuer
 * links from the leaf; any not on that path (a cross-certificate, say) come after, as given.
 */
export function issuedCertificate(leaf: string, authorities: readonly string[]): IssuedCertificate {
  const leafX509 = new X509Certificate(leaf);
  const seen = new Set<string>([leafX509.fingerprint256]);
  const remaining: { pem: string; x509: X509Certificate }[] = [];
  for (const pem of authorities) {
    const x509 = new X509Certificate(pem);
    if (seen.has(x509.fingerprint256)) continue;
    seen.add(x509.fingerprint256);
    if (x509.subject === x509.issuer && x509.checkIssued(x509)) continue;
    remaining.push({ pem, x509 });
  }
  const chain: string[] = [];
  let current = leafX509;
  for (;;) {
    const next = remaining.findIndex((candidate) => current.checkIssued(candidate.x509));
    if (next < 0) break;
    const [found] = remaining.splice(next, 1);
    if (!found) break;
    chain.push(found.pem);
    current = found.x509;
  }
  chain.push(...remaining.map((candidate) => candidate.pem));
  return { certificate: leaf, chain, validFrom: day(leafX509.validFrom), validTo: day(leafX509.validTo) };
}
