/**
 * Whether a reissue whose answer never arrived (a timeout, a dropped connection, a run killed while
 * waiting) took place, judged from the provider's certificate list read afterwards. Pure: the
 * snapshot taken before the call and the list read after it in, a finding out.
 *
 * A reissue under way shows in the list (pendingReissue: the certificate's own id, or GlobalSign's
 * new order) while it waits for validation. Once issued, it is a new technical certificate: under the same id with new dates
 * (LeaderSSL, BILLmanager, eNom), or under a new order id at the same order date (GlobalSign, whose
 * ReIssue creates an order and lists the certificate under it).
 */

/** The certificate as the journal saw it just before the reissue call. */
export interface ReissueSnapshot {
  readonly certificateId: string;
  readonly mainDomain: string;
  readonly orderDate: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

/** What the provider lists now (CertificateRecord has these fields). */
export interface ListedCertificate {
  readonly id: string;
  readonly mainDomain: string;
  readonly orderDate: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  /** A reissue under way that replaces this certificate (its id, or the new order's). */
  readonly pendingReissue?: string | null | undefined;
}

export type ReissueFinding =
  | { readonly found: 'reissued'; readonly certificateId: string }
  | { readonly found: 'not-reissued' }
  | { readonly found: 'unknown'; readonly reason: string };

/**
 * `intentDay` is the UTC day the call was made (YYYY-MM-DD): a certificate reissued by it starts on
 * that day or later.
 */
export function judgeReissue(snapshot: ReissueSnapshot, listed: readonly ListedCertificate[], intentDay: string): ReissueFinding {
  const same = listed.find((record) => record.id === snapshot.certificateId);
  // A reissue waiting for validation leaves the dates as they were, and says so.
  if (same?.pendingReissue) return { found: 'reissued', certificateId: same.pendingReissue };
  if (same) {
    const changed = same.validFrom !== snapshot.validFrom || same.validTo !== snapshot.validTo;
    return changed ? { found: 'reissued', certificateId: same.id } : { found: 'not-reissued' };
  }
  const successors = listed.filter(
    (record) =>
      record.mainDomain === snapshot.mainDomain &&
      record.orderDate === snapshot.orderDate &&
      record.validFrom !== null &&
      record.validFrom >= intentDay,
  );
  if (successors.length === 1) return { found: 'reissued', certificateId: (successors[0] as ListedCertificate).id };
  if (successors.length > 1) {
    return { found: 'unknown', reason: `certificate ${snapshot.certificateId} is no longer listed, and ${successors.length} orders for ${snapshot.mainDomain} could have replaced it` };
  }
  return { found: 'unknown', reason: `certificate ${snapshot.certificateId} is no longer listed and no reissued order for ${snapshot.mainDomain} is` };
}
