/**
 * An issued certificate and the CA certificates that came with it, made into what OrderState carries:
 * the leaf, and its chain leaf's issuer first without a root (pem-chain.ts), since eNom does not say
 * in which order CACerts lists them, nor whether it includes the root.
 */
import { certificateDay, orderChain } from '../pem-chain.js';

export interface IssuedCertificate {
  readonly certificate: string;
  readonly chain: string[];
  /** The leaf's notBefore, UTC YYYY-MM-DD. */
  readonly validFrom: string;
  /** The leaf's notAfter, UTC YYYY-MM-DD. */
  readonly validTo: string;
}

/**
 * `leaf` and `authorities` are canonical PEMs. Throws when one does not parse as a certificate. A
 * self-signed certificate (a root) is dropped: servers do not send it. The others follow the issuer
 * links from the leaf; any not on that path (a cross-certificate, say) come after, as given.
 */
export function issuedCertificate(leaf: string, authorities: readonly string[]): IssuedCertificate {
  const ordered = orderChain(authorities, leaf);
  return {
    certificate: leaf,
    chain: [...ordered.chain, ...ordered.offPath],
    validFrom: certificateDay(ordered.leafX509.validFrom) ?? '',
    validTo: certificateDay(ordered.leafX509.validTo) ?? '',
  };
}
