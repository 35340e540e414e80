/**
 * An issued certificate and the CA certificates a provider sends with it, put in the order a server
 * sends them: the leaf, then its issuer, then that one's issuer. Providers do not agree on the order
 * (GlobalSign lists the ROOT first) nor on whether the root is included, so the chain follows the
 * issuer links from the leaf, and a self-signed certificate (a root) is dropped: servers must not
 * send it. Node's own X509Certificate reads them, so no X.509 library is loaded to collect.
 */
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** Every certificate block of a text, each in canonical PEM (64-column base64, LF line ends). */
export function pemCertificateBlocks(text: string): string[] {
  return [...text.matchAll(PEM_CERTIFICATE)].map((match) => {
    const body = (match[1] ?? '').replace(/\s+/g, '');
    return ['-----BEGIN CERTIFICATE-----', ...(body.match(/.{1,64}/g) ?? []), '-----END CERTIFICATE-----'].join('\n');
  });
}

export interface CertificateChain {
  readonly leaf: string;
  readonly leafX509: X509Certificate;
  /** The intermediates on the leaf's path, its issuer first. */
  readonly chain: string[];
  /** CA certificates given that are on no path from the leaf (a cross-certificate, another chain's). */
  readonly offPath: string[];
}

const selfSigned = (certificate: X509Certificate) => certificate.subject === certificate.issuer && certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);

/**
 * Puts `certificates` (canonical PEMs) in order. The leaf is `leaf` when given, else the one that is
 * not a CA, else the first. Throws (X509Certificate's error) on a block that is not a certificate.
 */
export function orderChain(certificates: readonly string[], leaf?: string): CertificateChain {
  const parsed = certificates.map((pem) => ({ pem, x509: new X509Certificate(pem) }));
  const leafEntry = leaf !== undefined ? { pem: leaf, x509: new X509Certificate(leaf) } : (parsed.find((entry) => !entry.x509.ca) ?? parsed[0]);
  if (!leafEntry) throw new Error('no certificate');
  const seen = new Set<string>([leafEntry.x509.fingerprint256]);
  const rest = parsed.filter((entry) => {
    if (seen.has(entry.x509.fingerprint256)) return false;
    seen.add(entry.x509.fingerprint256);
    return !selfSigned(entry.x509);
  });
  const chain: typeof rest = [];
  for (let current = leafEntry.x509; ; ) {
    const next = rest.find((entry) => !chain.includes(entry) && current.checkIssued(entry.x509));
    if (!next) break;
    chain.push(next);
    current = next.x509;
  }
  return { leaf: leafEntry.pem, leafX509: leafEntry.x509, chain: chain.map((entry) => entry.pem), offPath: rest.filter((entry) => !chain.includes(entry)).map((entry) => entry.pem) };
}

/** A UTC YYYY-MM-DD day of an X509Certificate date (validFrom / validTo). */
export const certificateDay = (text: string): string | null => {
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString().slice(0, 10);
};
