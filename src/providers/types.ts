/**
 * The small interface every provider client implements, and the vocabulary of its results. The core
 * (check, balance, sync, reissue) speaks only this; the wire protocols stay in each provider's folder.
 */
import type { ValidationType } from '../rules/cab-forum.js';

/** Why an operation against a provider failed: one cause per thing the operator would fix. */
export type FailureCause =
  | 'insecure-url'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'tls-untrusted'
  | 'tls'
  | 'network'
  | 'credentials'
  | 'ip-not-allowed'
  | 'account-locked'
  | 'http-status'
  | 'unexpected-response'
  | 'too-large'
  | 'provider-error'
  | 'unsupported'
  /** The module's own settings cannot be used (an unreadable CA file, say). */
  | 'configuration';

/** A failure with a specific cause. Its message never holds a secret. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly failure: FailureCause,
    message: string,
    readonly details: { readonly httpStatus?: number; readonly providerCode?: string; readonly retryable?: boolean } = {},
  ) {
    super(message);
  }
}

export interface Balance {
  readonly amount: number;
  /** ISO 4217 code. */
  readonly currency: string;
}

export type CertificateStatus = 'issued' | 'pending' | 'expired' | 'cancelled' | 'revoked' | 'unknown';

/** One certificate of the account, as far as the provider's list tells. Dates are UTC `YYYY-MM-DD`. */
export interface CertificateRecord {
  readonly id: string;
  readonly mainDomain: string;
  /** The other names; null when the provider's list does not carry them (eNom: detail call only). */
  readonly otherNames: readonly string[] | null;
  /** null when the provider does not say and the product name does not tell. */
  readonly validation: ValidationType | null;
  readonly multiDomain: boolean;
  readonly orderDate: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  /** The paid term in months (the subscription), when known. */
  readonly termMonths: number | null;
  readonly status: CertificateStatus;
  /** The provider's own status text or code, for display. */
  readonly providerStatus: string;
  readonly product: string | null;
}

export interface ListProgress {
  readonly listed: number;
  /** Total when the provider reports it up front; null otherwise. */
  readonly total: number | null;
}

export interface ListOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: ListProgress) => void) | undefined;
}

export type ReissueSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

export interface ReissueRequest {
  readonly certificate: CertificateRecord;
  /** PEM-encoded PKCS#10 request. */
  readonly csr: string;
}

export interface ReissueOutcome {
  /** The provider's id for the reissued certificate (GlobalSign returns a new order id). */
  readonly certificateId: string;
  readonly message: string | null;
}

export interface ProviderClient {
  /** The provider's real credential check. Resolves with the round-trip time, or throws ProviderError. */
  checkConnection(): Promise<{ readonly roundTripMs: number }>;
  getBalance(): Promise<Balance>;
  /** Every certificate of the account, page by page, following the provider's own paging. */
  listCertificates(options?: ListOptions): AsyncGenerator<readonly CertificateRecord[]>;
  /** Whether this provider's API can reissue the certificate; where not, the caller makes a manual task. */
  reissueSupport(certificate: CertificateRecord): ReissueSupport;
  /** Never retried: a reissue whose outcome is unknown is looked up, not repeated. */
  reissue(request: ReissueRequest): Promise<ReissueOutcome>;
  /**
   * The PEM CSR the order was placed (or last reissued) with, where the provider's API returns it
   * (GlobalSign: GetOrderByOrderID with ReturnOriginalCSR; eNom: CertGetCertDetail). null where the
   * provider keeps none for this order or has no such call (LeaderTelecom, Ispmanager (SSL)).
   * A read: retried like the other reads.
   */
  originalCsr(certificate: CertificateRecord): Promise<string | null>;
  close(): Promise<void>;
}
