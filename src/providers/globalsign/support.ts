/** Which GlobalSign certificates ReIssue accepts (apart from wire.ts, which loads the XML parser). */
import type { CertificateRecord, ReissueSupport } from '../types.js';

export function globalsignReissueSupport(certificate: CertificateRecord): ReissueSupport {
  return certificate.status === 'issued'
    ? { supported: true }
    : { supported: false, reason: `GlobalSign reissues issued certificates only; this one is ${certificate.status}` };
}
