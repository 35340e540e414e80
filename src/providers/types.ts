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
  /** What the account holds (eNom: `Balance`). */
  readonly amount: number;
  /** ISO 4217 code; empty when the provider does not say and no module setting names it. */
  readonly currency: string;
  /**
   * What can be spent now, where the provider tells it apart from the balance (eNom:
   * `AvailableBalance`); the minimal balance is compared with it when present.
   */
  readonly available?: number | undefined;
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
  /**
   * The id of a reissue under way on the provider that will replace this certificate (begun by
   * certops or in the provider's own panel): the same id where the provider keeps one id through a
   * reissue, the new order's id on GlobalSign. Absent or null when none is under way.
   */
  readonly pendingReissue?: string | null | undefined;
}

/** What the provider needs before it issues a reissued certificate, where it says. */
export interface ValidationNeeds {
  /** `dns`: a record to publish; `http`: a file to serve; `email`: an approver must answer; `organization`: OV/EV checks. */
  readonly method: 'dns' | 'http' | 'email' | 'organization' | 'unknown';
  readonly approverEmail: string | null;
  readonly dnsRecord: { readonly name: string; readonly type: string; readonly value: string } | null;
  readonly httpFile: { readonly path: string; readonly content: string } | null;
  /** The provider's own words about the validation, when it gives any. */
  readonly detail: string | null;
}

/** Where a reissued certificate's order stands on the provider. */
export type OrderStage = 'validating' | 'issued' | 'failed' | 'cancelled';

export interface OrderState {
  /** The id asked about. */
  readonly certificateId: string;
  readonly stage: OrderStage;
  /** The provider's status text or code, for display and for a stuck reissue's task. */
  readonly providerStatus: string;
  /** Why it failed or was cancelled (or what it waits for), in the provider's words; null when it says nothing. */
  readonly reason: string | null;
  /** While validating: what the provider asks for; null when it does not say. */
  readonly validation: ValidationNeeds | null;
  /** Once issued: the leaf certificate, PEM. */
  readonly certificate: string | null;
  /** Once issued: the intermediates, PEM, leaf's issuer first, without a root. */
  readonly chain: readonly string[];
  /** Once issued: the new certificate's dates (UTC YYYY-MM-DD) where the answer gives them. */
  readonly validFrom: string | null;
  readonly validTo: string | null;
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
  /**
   * Where the order behind `certificateId` stands after a reissue (the new order's id on GlobalSign):
   * validating (with what validation needs), issued (with the certificate and its chain), failed or
   * cancelled (with the reason). A read: retried like the other reads.
   */
  orderState(certificateId: string): Promise<OrderState>;
  close(): Promise<void>;
}
