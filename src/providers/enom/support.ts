/** Which eNom certificates CertReissueCert accepts (apart from wire.ts, which loads the XML parser). */
import type { CertificateRecord, ReissueSupport } from '../types.js';

/** CertReissueCert is documented for Symantec, VeriSign and GeoTrust certificates (and their RapidSSL, Thawte brands). */
export function enomReissuable(productDescription: string): boolean {
  return /geotrust|rapidssl|symantec|verisign|thawte|digicert/i.test(productDescription);
}

export function enomReissueSupport(certificate: CertificateRecord): ReissueSupport {
  return enomReissuable(certificate.product ?? '')
    ? { supported: true }
    : { supported: false, reason: `ENOM's API reissues only Symantec, VeriSign and GeoTrust certificates, not ${certificate.product ?? 'this product'}` };
}
