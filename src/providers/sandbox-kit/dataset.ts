/**
 * The certificates of a sandbox account, generated from a seed: the same seed and index always give
 * the same certificate, so a 100 000-certificate account costs nothing until it is listed. Order
 * dates rise with the index (2024-01-01 up to today), which lets date-window queries find their
 * range by arithmetic. Each certificate is the technical certificate in force today under the rules
 * of src/rules, so the sandboxes show what the real providers would.
 */
import { randomBytes } from 'node:crypto';
import { addDays, day, daysBetween, type Day } from '../../rules/calendar.js';
import type { ValidationType } from '../../rules/cab-forum.js';
import { projectSubscription } from '../../rules/projection.js';
import { technicalCertificate } from '../../rules/subscription.js';

export type SandboxStatus = 'issued' | 'pending' | 'cancelled' | 'revoked' | 'expired';

export interface SandboxCertificate {
  readonly index: number;
  readonly mainDomain: string;
  readonly otherNames: readonly string[];
  readonly validation: ValidationType;
  readonly multiDomain: boolean;
  readonly orderDate: Day;
  readonly termYears: number;
  readonly paidUntil: Day;
  readonly validFrom: Day;
  readonly validTo: Day;
  readonly status: SandboxStatus;
  /**
   * The CSR of the last issue or reissue: the one sent to the sandbox, or the one it made on the first
   * request for it (CertificateBook.csrOf); null until then.
   */
  readonly csr: string | null;
  /** Reissues the sandbox accepted (each one, whatever became of it). */
  readonly reissues: number;
  /** A reissue accepted and not yet issued: waiting for validation, or failed or cancelled there. */
  readonly pending: SandboxReissue | null;
  /** The issued leaf certificate (PEM) of the technical certificate in force, once the sandbox's CA signed one. */
  readonly certificatePem: string | null;
}

export type SandboxValidationMethod = 'dns' | 'http' | 'email';

/** What the CA asks before it issues a reissued certificate: one domain-control check. */
export interface SandboxValidation {
  readonly method: SandboxValidationMethod;
  /** The address the approval e-mail goes to (email). */
  readonly approverEmail: string | null;
  /** The TXT record to publish (dns). */
  readonly dnsName: string | null;
  readonly dnsValue: string | null;
  /** The file to serve over HTTP (http): its path from the site's root and its content. */
  readonly httpPath: string | null;
  readonly httpContent: string | null;
}

export interface SandboxReissue {
  /** The CSR the reissue was sent with. */
  readonly csr: string;
  readonly requestedOn: Day;
  readonly requestedAtMs: number;
  readonly state: 'validating' | 'failed' | 'cancelled';
  /** Why it failed or was cancelled. */
  readonly reason: string | null;
  readonly validation: SandboxValidation;
  /** Requested in the provider's own panel rather than through the API (the key is not certops'). */
  readonly viaPanel: boolean;
  /** The key of a CSR made in the panel: it stays with the hosting's server, not with certops. */
  readonly panelKey?: string | undefined;
  /** 1 for the certificate's first reissue, and so on. */
  readonly number: number;
}

/** A CSR's base64 body alone: the same request in another armour or line width is the same request. */
const csrBody = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');

/** How the book signs certificates (sandbox-kit/ca.ts, loaded on first need). */
export interface BookSigner {
  issue(csrPem: string, fromDay: number, toDay: number, extraNames?: readonly string[]): Promise<string>;
}

export interface BookOptions {
  readonly count: number;
  readonly seed: number;
  readonly today: Day;
}

export const FIRST_ORDER_DAY = day('2024-01-01');

/** mulberry32: a small, well-known PRNG; good enough for test data and fully deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['shop', 'mail', 'portal', 'api', 'cloud', 'store', 'blog', 'crm', 'pay', 'media', 'vpn', 'docs'];
const TLDS = ['com', 'net', 'org', 'ru', 'de', 'io'];

export class CertificateBook {
  readonly size: number;
  readonly today: Day;
  private readonly seed: number;
  private readonly changed = new Map<number, SandboxCertificate>();
  /** Private keys of the CSRs the book made itself (none for a CSR a reissue brought). */
  private readonly privateKeys = new Map<number, string>();
  /** CSRs being made, so two requests at once for one certificate get the same one. */
  private readonly pendingCsrs = new Map<number, Promise<string>>();
  /** Orders of the same day, term and type share one projection: 100 000 orders need only a few thousand. */
  private readonly projections = new Map<string, ReturnType<typeof projectSubscription>>();

  constructor(options: BookOptions) {
    this.size = options.count;
    this.seed = options.seed;
    this.today = options.today;
  }

  /** The order day of an index: spread evenly from 2024-01-01 to today. */
  orderDateOf(index: number): Day {
    const span = Math.max(1, daysBetween(FIRST_ORDER_DAY, this.today));
    return addDays(FIRST_ORDER_DAY, Math.floor((index * span) / Math.max(1, this.size)));
  }

  /** The indexes whose order day is within [from, to] (inclusive), as [start, end). */
  rangeByOrderDate(from: Day, to: Day): [number, number] {
    const lowerBound = (target: Day) => {
      let lo = 0;
      let hi = this.size;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.orderDateOf(mid) < target) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return [lowerBound(from), lowerBound(addDays(to, 1))];
  }

  get(index: number): SandboxCertificate {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`no certificate ${index}`);
    return this.changed.get(index) ?? this.generate(index);
  }

  private generate(index: number): SandboxCertificate {
    const r = random(this.seed * 1_000_003 + index);
    const orderDate = this.orderDateOf(index);
    const termYears = 1 + Math.floor(r() * 5);
    const roll = r();
    const validation: ValidationType = roll < 0.7 ? 'dv' : roll < 0.9 ? 'ov' : 'ev';
    const multiDomain = r() < 0.2;
    const base = `${WORDS[Math.floor(r() * WORDS.length)]}${index}.example.${TLDS[Math.floor(r() * TLDS.length)]}`;
    const mainDomain = r() < 0.5 ? `www.${base}` : base;
    const otherNames = multiDomain
      ? [`mail.${base}`, `autodiscover.${base}`, `api${index}.example-alt.net`, ...(r() < 0.5 ? [`owa.${base}`] : [])]
      : mainDomain.startsWith('www.')
        ? [base]
        : [];
    const key = `${orderDate}:${termYears}:${validation}`;
    let projection = this.projections.get(key);
    if (!projection) {
      projection = projectSubscription({ ordered: orderDate, years: termYears, validation }, { policy: 'auto', beforeDays: 10, automaticReissue: { supported: true } });
      this.projections.set(key, projection);
    }
    const current = projection.certificates.find((c) => c.issued <= this.today && this.today < c.expires) ?? projection.certificates.at(-1);
    const statusRoll = r();
    let status: SandboxStatus = 'issued';
    if (current && current.expires <= this.today) status = 'expired';
    else if (statusRoll < 0.02) status = 'cancelled';
    else if (statusRoll < 0.03) status = 'revoked';
    else if (daysBetween(orderDate, this.today) < 3 && statusRoll < 0.5) status = 'pending';
    return {
      index,
      mainDomain,
      otherNames,
      validation,
      multiDomain,
      orderDate,
      termYears,
      paidUntil: projection.paidUntil,
      validFrom: current?.issued ?? orderDate,
      validTo: current?.expires ?? projection.paidUntil,
      status,
      csr: null,
      reissues: 0,
      pending: null,
      certificatePem: null,
    };
  }

  /** The validation a reissue of this certificate asks for: DNS, HTTP and e-mail in turn, by index. */
  private validationFor(cert: SandboxCertificate, number: number): SandboxValidation {
    const method = (['dns', 'http', 'email'] as const)[(cert.index + number) % 3] as SandboxValidationMethod;
    const token = randomBytes(16).toString('hex');
    const base = cert.mainDomain.replace(/^www\./, '');
    return {
      method,
      approverEmail: method === 'email' ? `admin@${base}` : null,
      dnsName: method === 'dns' ? `_dnsauth.${base}` : null,
      dnsValue: method === 'dns' ? token : null,
      httpPath: method === 'http' ? `/.well-known/pki-validation/${token.slice(0, 16).toUpperCase()}.txt` : null,
      httpContent: method === 'http' ? `${token}\nsandbox-ca\n${base}` : null,
    };
  }

  /**
   * The certificate's CSR: the one last sent to the sandbox, else a real PKCS#10 for its names made on
   * this first request and kept, so the order answers with the same CSR ever after. Made lazily (a
   * 100 000-certificate book makes none up front), with the X.509 library loaded only then. The key
   * is random; the book's seeded certificates do not depend on it.
   */
  async csrOf(index: number): Promise<string> {
    const current = this.get(index);
    if (current.csr !== null) return current.csr;
    let pending = this.pendingCsrs.get(index);
    if (!pending) {
      pending = (async () => {
        const { createSandboxCsr } = await import('./csr.js');
        const made = await createSandboxCsr(current.mainDomain, current.otherNames);
        const now = this.get(index);
        // A reissue that arrived meanwhile wins: its CSR is the one in force.
        if (now.csr === null) {
          this.changed.set(index, { ...now, csr: made.csr });
          this.privateKeys.set(index, made.privateKey);
        }
        return this.get(index).csr ?? made.csr;
      })().finally(() => this.pendingCsrs.delete(index));
      this.pendingCsrs.set(index, pending);
    }
    return pending;
  }

  /** The PEM private key of the certificate's CSR when the book made that CSR; null otherwise. */
  privateKeyOf(index: number): string | null {
    return this.privateKeys.get(index) ?? null;
  }

  /**
   * A reissue request, as a CA takes one: accepted for an issued certificate within its paid term
   * that has no reissue waiting already, and then waiting for domain validation. Nothing about the
   * certificate in force changes until validation completes (completeValidation).
   */
  reissue(index: number, csr: string, on: Day, options: { viaPanel?: boolean; panelKey?: string; nowMs?: number } = {}): SandboxCertificate | { refused: string } {
    const current = this.get(index);
    if (current.status !== 'issued') return { refused: `the certificate is ${current.status}` };
    if (on >= current.paidUntil) return { refused: 'the paid term has ended' };
    if (current.pending?.state === 'validating') return { refused: 'a reissue of this certificate is already waiting for validation' };
    const number = current.reissues + 1;
    const pending: SandboxReissue = {
      csr,
      requestedOn: on,
      requestedAtMs: options.nowMs ?? Date.now(),
      state: 'validating',
      reason: null,
      validation: this.validationFor(current, number),
      viaPanel: options.viaPanel ?? false,
      ...(options.panelKey ? { panelKey: options.panelKey } : {}),
      number,
    };
    const updated: SandboxCertificate = { ...current, reissues: number, pending };
    this.changed.set(index, updated);
    return updated;
  }

  /**
   * Validation done: the CA issues the new technical certificate (from the day the reissue was
   * asked for, as the rules give it) for the reissue CSR's key and names. `extraNames` are the
   * names the CA adds by itself (GlobalSign's www twin).
   */
  async completeValidation(index: number, signer: BookSigner, extraNames: readonly string[] = []): Promise<SandboxCertificate | { refused: string }> {
    const current = this.get(index);
    const pending = current.pending;
    if (!pending || pending.state !== 'validating') return { refused: 'no reissue of this certificate waits for validation' };
    const next = technicalCertificate(pending.requestedOn, current.paidUntil);
    const pem = await signer.issue(pending.csr, next.issued, next.expires, extraNames);
    const now = this.get(index);
    if (now.pending !== pending) return { refused: 'the reissue changed while its certificate was being signed' };
    const updated: SandboxCertificate = { ...now, validFrom: next.issued, validTo: next.expires, csr: pending.csr, pending: null, certificatePem: pem };
    this.changed.set(index, updated);
    // A reissue with the certificate's own CSR keeps its key; a new CSR brings a key the book never held.
    if (pending.panelKey) this.privateKeys.set(index, pending.panelKey);
    else if (csrBody(pending.csr) !== csrBody(now.csr ?? '')) this.privateKeys.delete(index);
    return updated;
  }

  /** Validation failed (or the order was cancelled): the reissue stops there, with the CA's reason. */
  failValidation(index: number, reason: string, state: 'failed' | 'cancelled' = 'failed'): SandboxCertificate | { refused: string } {
    const current = this.get(index);
    if (!current.pending || current.pending.state !== 'validating') return { refused: 'no reissue of this certificate waits for validation' };
    const updated: SandboxCertificate = { ...current, pending: { ...current.pending, state, reason } };
    this.changed.set(index, updated);
    return updated;
  }

  /** The issued leaf of the certificate in force; for one the sandbox never signed, signed now for its CSR. */
  async certificatePemOf(index: number, signer: BookSigner, extraNames: readonly string[] = []): Promise<string> {
    const current = this.get(index);
    if (current.certificatePem) return current.certificatePem;
    const csr = await this.csrOf(index);
    const pem = await signer.issue(csr, current.validFrom, current.validTo, extraNames);
    const now = this.get(index);
    if (now.certificatePem) return now.certificatePem;
    this.changed.set(index, { ...now, certificatePem: pem });
    return pem;
  }
}
