/**
 * A CSR as a provider hands it back, made into one canonical PEM: eNom wraps it in "NEW CERTIFICATE
 * REQUEST" armour with indented lines, GlobalSign writes CRLF line ends and may send bare base64.
 * Plain text work, no X.509 library: the client stays light; it checks only that the base64 holds
 * one DER SEQUENCE, not what is inside.
 */

export type CsrText =
  /** The provider keeps no CSR for the order: the field is missing, nil or empty. */
  | { readonly kind: 'none' }
  /** `-----BEGIN CERTIFICATE REQUEST-----`, base64 in 64-character lines, `-----END CERTIFICATE REQUEST-----` (no final newline). */
  | { readonly kind: 'pem'; readonly pem: string }
  /** Something that is not a CSR; the reason never quotes the text. */
  | { readonly kind: 'invalid'; readonly reason: string };

const ARMOURED = /^-----BEGIN (NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (NEW )?CERTIFICATE REQUEST-----$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The length a DER element declares for itself (tag, length octets and content), or null. */
function derLength(der: Buffer): number | null {
  if (der.length < 2) return null;
  const first = der[1] as number;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || der.length < 2 + octets) return null;
  let length = 0;
  for (let i = 0; i < octets; i += 1) length = length * 256 + (der[2 + i] as number);
  return 2 + octets + length;
}

/** The canonical PEM of a DER certification request. */
export function csrPemOf(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN CERTIFICATE REQUEST-----', ...lines, '-----END CERTIFICATE REQUEST-----'].join('\n');
}

/**
 * XML character references for whitespace. GlobalSign writes its PEMs' CRs as `&#xD;`, and the XML
 * parser (src/providers/xml.ts, fast-xml-parser without HTML entities) leaves numeric references
 * undecoded, so they arrive here as text.
 */
const WHITESPACE_REFERENCE = /&#(?:[xX]0*(?:9|[aAdD]|20)|0*(?:9|10|13|32));/g;

/** Reads a CSR field: PEM (NEW or not, any line ends and indentation) or bare base64 of the DER. */
export function readCsrText(text: string | null | undefined): CsrText {
  const trimmed = (text ?? '').replace(WHITESPACE_REFERENCE, '\n').trim();
  if (trimmed === '') return { kind: 'none' };
  let body = trimmed;
  if (trimmed.includes('-----')) {
    const armoured = ARMOURED.exec(trimmed);
    if (!armoured) return { kind: 'invalid', reason: 'its PEM armour is not a certificate request\'s' };
    body = armoured[2] ?? '';
  }
  body = body.replace(/\s+/g, '');
  // An empty armour (eNom writes one before a certificate is configured) holds no CSR.
  if (body === '') return { kind: 'none' };
  if (!BASE64.test(body) || body.length % 4 !== 0) return { kind: 'invalid', reason: 'it is neither PEM nor base64' };
  const der = Buffer.from(body, 'base64');
  if (der[0] !== 0x30 || derLength(der) !== der.length) return { kind: 'invalid', reason: 'its base64 does not hold one DER structure' };
  return { kind: 'pem', pem: csrPemOf(der) };
}
