/**
 * CAA (RFC 8659): whether a domain's Certification Authority Authorization records let a CA issue a
 * certificate for a name. Pure: the caller looks the records up (climbing the tree with
 * caaLookupNames) and hands the first non-empty set here.
 */

/** One CAA property as the resolver gives it: flags byte, tag, value. */
export interface CaaProperty {
  readonly flags: number;
  readonly tag: string;
  readonly value: string;
}

/** A CA as CAA names it: a name for people and the issuer domain names it honours. */
export interface CaaIssuer {
  readonly name: string;
  readonly domains: readonly string[];
}

export interface CaaVerdict {
  readonly permitted: boolean;
  /**
   * `no-caa`: no set up the tree; `no-issuer`: a set without a property of the tag in force;
   * `allowed` / `forbidden`: the issuers it lists do or do not include the CA; `critical`: an
   * unknown critical property forbids every CA.
   */
  readonly kind: 'no-caa' | 'no-issuer' | 'allowed' | 'forbidden' | 'critical';
  /** Which record decided, for people. */
  readonly reason: string;
}

/** RFC 8659 §4.1: bit 0 (the high bit) of the flags byte. */
export const ISSUER_CRITICAL = 0x80;

/**
 * Tags a CA understands: RFC 8659 (issue, issuewild, iodef), RFC 9495 (issuemail) and the CA/B
 * Forum's contact tags. Any other tag marked critical forbids issuance (RFC 8659 §4.5).
 */
const KNOWN_TAGS: ReadonlySet<string> = new Set(['issue', 'issuewild', 'iodef', 'issuemail', 'contactemail', 'contactphone']);

const canonical = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

export const isWildcard = (name: string) => name.startsWith('*.');

/**
 * The names whose CAA sets are looked up, in order, for a certificate name: the name itself (a
 * wildcard's base: `*.example.com` is checked at `example.com`, RFC 8659 §4.3), then each parent up
 * to but not including the root (§3). The first non-empty set decides.
 */
export function caaLookupNames(name: string): string[] {
  const labels = canonical(isWildcard(name) ? name.slice(2) : name)
    .split('.')
    .filter((label) => label !== '');
  return labels.map((_, i) => labels.slice(i).join('.'));
}

/** `issuer-domain-name [; key=value]*` (RFC 8659 §4.2); an empty issuer authorises nobody. */
export function parseIssueValue(value: string): { readonly issuer: string | null; readonly parameters: Readonly<Record<string, string>> } {
  const [head = '', ...rest] = value.split(';');
  const issuer = canonical(head);
  const parameters: Record<string, string> = {};
  for (const part of rest.join(';').split(/[\s;]+/)) {
    const at = part.indexOf('=');
    if (at > 0) parameters[part.slice(0, at).toLowerCase()] = part.slice(at + 1);
  }
  return { issuer: issuer === '' ? null : issuer, parameters };
}

function forbidden(at: string, tag: string, issuers: readonly (string | null)[]): string {
  const names = [...new Set(issuers.filter((issuer): issuer is string => issuer !== null))];
  return names.length === 0 ? `CAA at ${at} allows no CA (${tag} ";")` : `CAA at ${at} allows only ${names.join(', ')} (${tag})`;
}

/**
 * RFC 8659 §4: an empty set permits any CA; an unknown critical property forbids; for a wildcard
 * name `issuewild` properties, when there are any, replace `issue`; with no property of the tag in
 * force any CA is permitted; else only the listed issuers. `at` is where the set was found.
 */
export function evaluateCaa(set: readonly CaaProperty[], at: string, issuer: CaaIssuer, name: string): CaaVerdict {
  if (set.length === 0) return { permitted: true, kind: 'no-caa', reason: 'no CAA record' };
  const critical = set.find((property) => (property.flags & ISSUER_CRITICAL) !== 0 && !KNOWN_TAGS.has(property.tag.toLowerCase()));
  if (critical) {
    return { permitted: false, kind: 'critical', reason: `CAA at ${at} has a critical property "${critical.tag}" that CAs do not know` };
  }
  const ofTag = (tag: string) => set.filter((property) => property.tag.toLowerCase() === tag);
  const wild = isWildcard(name) ? ofTag('issuewild') : [];
  const tag = wild.length > 0 ? 'issuewild' : 'issue';
  const properties = wild.length > 0 ? wild : ofTag('issue');
  if (properties.length === 0) return { permitted: true, kind: 'no-issuer', reason: `CAA at ${at} names no issuer` };
  const parsed = properties.map((property) => parseIssueValue(property.value));
  const domains = new Set(issuer.domains.map(canonical));
  const match = parsed.find((entry) => entry.issuer !== null && domains.has(entry.issuer));
  if (!match) return { permitted: false, kind: 'forbidden', reason: forbidden(at, tag, parsed.map((entry) => entry.issuer)) };
  const parameters = Object.entries(match.parameters);
  return {
    permitted: true,
    kind: 'allowed',
    reason:
      `CAA at ${at}: ${tag} "${match.issuer}"` +
      // accounturi / validationmethods (RFC 8657) narrow the permission in ways only the CA can judge.
      (parameters.length > 0 ? ` with ${parameters.map(([key, value]) => `${key}=${value}`).join('; ')}, which the CA must also accept` : ''),
  };
}
