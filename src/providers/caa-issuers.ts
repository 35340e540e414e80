/**
 * The certificate authorities behind the four providers' products, as CAA records name them
 * (RFC 8659 `issue` / `issuewild` values): the issuer domain names each CA publishes as honoured.
 * Each provider says which of them issues a given product (its `caaIssuer`).
 */
import type { CaaIssuer } from '../rules/caa.js';

export const CAA_ISSUERS = {
  globalsign: { name: 'GlobalSign', domains: ['globalsign.com'] },
  // DigiCert honours its own name and those of the brands it took over from Symantec.
  digicert: { name: 'DigiCert', domains: ['digicert.com', 'www.digicert.com', 'geotrust.com', 'rapidssl.com', 'thawte.com'] },
  // Sectigo (formerly Comodo CA) honours its old names too.
  sectigo: { name: 'Sectigo', domains: ['sectigo.com', 'comodoca.com', 'comodo.com', 'usertrust.com', 'trust-provider.com'] },
} as const satisfies Record<string, CaaIssuer>;

const BRANDS: readonly { readonly product: RegExp; readonly issuer: CaaIssuer }[] = [
  { product: /globalsign|alphassl/i, issuer: CAA_ISSUERS.globalsign },
  { product: /sectigo|comodo|positivessl|essentialssl|instantssl/i, issuer: CAA_ISSUERS.sectigo },
  { product: /geotrust|rapidssl|digicert|thawte|symantec|verisign/i, issuer: CAA_ISSUERS.digicert },
];

/** The CA a reseller's product name names (a reseller sells several CAs' products), or null. */
export function caaIssuerByBrand(product: string | null): CaaIssuer | null {
  return BRANDS.find((entry) => entry.product.test(product ?? ''))?.issuer ?? null;
}
