/**
 * Secrets out of every text certops writes: each known secret in every form it can travel in on the
 * wires certops speaks, and, for secrets a caller forgot to register, the fields that carry them in
 * the four protocols (pw=, password=, authinfo=, auth_token, X-AUTH-TOKEN, <Password>,
 * "password": ...), and private keys (PEM key blocks, eNom's <PVT>).
 *
 * A registered secret is looked for in the text as it is and as it reads with every encoding undone,
 * so every encoder's choices are covered at once, character by character: URL and form encoding
 * (%XX in either case, + or %20 for a space, characters left bare); XML entities (&lt; &amp; &gt;
 * &apos; &quot;) and character references (&#39; &#x27;, leading zeros), whether an encoder escapes
 * all five or only & < >; JSON escapes (\" \\ \/ \n, \u003c in either case, surrogate pairs).
 * Undone twice too: a form body quoted in XML or JSON (eNom echoing its request in an error), XML
 * or JSON inside URL encoding. Each secret in both Unicode normal forms (NFC, NFD).
 *
 * Not looked for: Latin-1 percent escapes (%E9) and base64 of user:password (HTTP Basic). Every
 * client sends its forms with URLSearchParams (UTF-8) and none uses Basic authentication, so no
 * wire of certops carries a password in those forms.
 */

export const MASK = '***';

const XML_NAMES: Readonly<Record<string, number>> = { lt: 0x3c, gt: 0x3e, amp: 0x26, apos: 0x27, quot: 0x22 };
const JSON_SHORT: Readonly<Record<string, number>> = { '"': 0x22, '\\': 0x5c, '/': 0x2f, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };
const ENTITY = /&(?:(lt|gt|amp|apos|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

const hexValue = (code: number) => (code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x41 && code <= 0x46 ? code - 0x37 : code >= 0x61 && code <= 0x66 ? code - 0x57 : -1);

/**
 * A text with an encoding undone, and where its parts came from: segments of text copied as they
 * were, and tokens (one escape sequence giving one character, one or two UTF-16 units). Only the
 * positions of a match are ever mapped back, so the map is by segment, not by character.
 */
interface View {
  readonly text: string;
  readonly outStarts: readonly number[];
  readonly inStarts: readonly number[];
  readonly tokens: readonly boolean[];
  readonly inputLength: number;
}

/** The encodings of the wires: URL (its form variant reads + as a space), XML, JSON. */
type Encoding = 'url' | 'form' | 'xml' | 'json';
const ENCODINGS: readonly Encoding[] = ['url', 'form', 'xml', 'json'];
/** Encodings found inside another: a form body or URL quoted in XML or JSON, XML in JSON, a URL encoded twice. */
// XML or JSON inside URL encoding too (%26amp%3B: an XML-escaped password in a query string).
const NESTED: Readonly<Record<Encoding, readonly Encoding[]>> = { xml: ['url', 'form'], json: ['url', 'form', 'xml'], url: ['url', 'xml', 'json'], form: ['form', 'xml', 'json'] };
const SIGNS: Readonly<Record<Encoding, RegExp>> = { url: /%[0-9a-fA-F]{2}/, form: /\+|%[0-9a-fA-F]{2}/, xml: /&[#a-z]/, json: /\\./ };
const NEXT_SIGN: Readonly<Record<Encoding, RegExp>> = { url: /%/g, form: /[%+]/g, xml: /&/g, json: /\\/g };

/** The character of the escape sequence at `at` and its length, or null where there is none. */
function tokenAt(input: string, at: number, encoding: Encoding): [codePoint: number, length: number] | null {
  const c = input.charCodeAt(at);
  if (c === 0x2b) return encoding === 'form' ? [0x20, 1] : null;
  if (c === 0x25) {
    const byteAt = (from: number) => {
      if (from + 2 >= input.length + 0 || input.charCodeAt(from) !== 0x25) return -1;
      const high = hexValue(input.charCodeAt(from + 1));
      const low = hexValue(input.charCodeAt(from + 2));
      return high < 0 || low < 0 ? -1 : high * 16 + low;
    };
    const lead = byteAt(at);
    if (lead < 0) return null;
    // UTF-8 from a run of %XX: the lead byte says how many follow.
    const extra = lead < 0x80 ? 0 : lead >= 0xf0 && lead < 0xf8 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : -1;
    if (extra < 0) return null;
    let codePoint = extra === 3 ? lead & 0x07 : extra === 2 ? lead & 0x0f : extra === 1 ? lead & 0x1f : lead;
    for (let k = 1; k <= extra; k += 1) {
      const next = byteAt(at + 3 * k);
      if (next < 0x80 || next >= 0xc0) return null;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    return codePoint <= 0x10ffff ? [codePoint, 3 * (extra + 1)] : null;
  }
  if (c === 0x26) {
    ENTITY.lastIndex = at;
    const match = ENTITY.exec(input);
    if (!match) return null;
    const codePoint = match[1] ? (XML_NAMES[match[1]] as number) : match[2] ? Number(match[2]) : parseInt(match[3] as string, 16);
    return codePoint <= 0x10ffff ? [codePoint, match[0].length] : null;
  }
  if (c === 0x5c) {
    const next = input[at + 1] ?? '';
    const hex = input.slice(at + 2, at + 6);
    if (next === 'u' && HEX4.test(hex)) return [parseInt(hex, 16), 6];
    const short = JSON_SHORT[next];
    return short === undefined ? null : [short, 2];
  }
  return null;
}

/**
 * A text with one encoding undone (URL escapes read as UTF-8), or null when nothing changed. One
 * encoding at a time: a password's own "\b" or "%0a" must not be read as JSON or URL inside XML.
 */
function decodeOnce(input: string, encoding: Encoding): View | null {
  const parts: string[] = [];
  const outStarts: number[] = [];
  const inStarts: number[] = [];
  const tokens: boolean[] = [];
  let outLength = 0;
  let copiedFrom = 0;
  const copyTo = (end: number) => {
    if (end <= copiedFrom) return;
    parts.push(input.slice(copiedFrom, end));
    outStarts.push(outLength);
    inStarts.push(copiedFrom);
    tokens.push(false);
    outLength += end - copiedFrom;
  };
  const signs = NEXT_SIGN[encoding];
  signs.lastIndex = 0;
  for (let match = signs.exec(input); match; match = signs.exec(input)) {
    const token = tokenAt(input, match.index, encoding);
    if (!token) continue;
    copyTo(match.index);
    const char = String.fromCodePoint(token[0]);
    parts.push(char);
    outStarts.push(outLength);
    inStarts.push(match.index);
    tokens.push(true);
    outLength += char.length;
    copiedFrom = match.index + token[1];
    signs.lastIndex = copiedFrom;
  }
  if (tokens.length === 0) return null;
  copyTo(input.length);
  return { text: parts.join(''), outStarts, inStarts, tokens, inputLength: input.length };
}

/** The segment of a view that holds unit `index` of its text. */
function segmentOf(view: View, index: number): number {
  let low = 0;
  let high = view.outStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((view.outStarts[middle] as number) <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Where unit `index` of a view's text came from in its input: [start, end). */
function sourceOf(view: View, index: number): [number, number] {
  const segment = segmentOf(view, index);
  const from = view.inStarts[segment] as number;
  if (!view.tokens[segment]) {
    const at = from + index - (view.outStarts[segment] as number);
    return [at, at + 1];
  }
  return [from, segment + 1 < view.inStarts.length ? (view.inStarts[segment + 1] as number) : view.inputLength];
}

/**
 * The text as it reads with an encoding undone, and two (a form body quoted in XML or JSON, a URL
 * encoded twice): each view with the way back to the text, [start, end) of a match.
 */
function viewsOf(text: string): { text: string; back: (start: number, end: number) => [number, number] }[] {
  const views: { text: string; back: (start: number, end: number) => [number, number] }[] = [{ text, back: (start, end) => [start, end] }];
  const through = (view: View) => (start: number, end: number): [number, number] => [(sourceOf(view, start)[0]), sourceOf(view, end - 1)[1]];
  for (const outer of ENCODINGS) {
    // Only a text with the encoding's signs can read differently without it.
    if (!SIGNS[outer].test(text)) continue;
    const first = decodeOnce(text, outer);
    if (!first) continue;
    const firstBack = through(first);
    views.push({ text: first.text, back: firstBack });
    for (const inner of NESTED[outer]) {
      if (!SIGNS[inner].test(first.text)) continue;
      const second = decodeOnce(first.text, inner);
      if (!second) continue;
      const secondBack = through(second);
      views.push({ text: second.text, back: (start, end) => firstBack(...secondBack(start, end)) });
    }
  }
  return views;
}

/** Where each secret stands in the original text, in any view: [start, end) ranges. */
function secretRanges(text: string, secrets: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const view of viewsOf(text)) {
    for (const secret of secrets) {
      for (let at = view.text.indexOf(secret); at >= 0; at = view.text.indexOf(secret, at + 1)) ranges.push(view.back(at, at + secret.length));
    }
  }
  return ranges;
}

/** The text with each range (merged where they overlap or touch) replaced by the mask. */
function maskRanges(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let cursor = 0;
  let [start, end] = ranges[0] as [number, number];
  const flush = () => {
    out += text.slice(cursor, start) + MASK;
    cursor = end;
  };
  for (const [from, to] of ranges.slice(1)) {
    if (from <= end) end = Math.max(end, to);
    else {
      flush();
      [start, end] = [from, to];
    }
  }
  flush();
  return out + text.slice(cursor);
}

const FIELD_PATTERNS: readonly [RegExp, string][] = [
  [/\b(pw|password|passwd|authinfo|auth_token|token|key)=([^&\s"'<]*)/gi, `$1=${MASK}`],
  [/(X-AUTH-TOKEN\s*[:=]\s*)\S+/gi, `$1${MASK}`],
  [/(<(?:\w+:)?Password>)[^<]*(<\/(?:\w+:)?Password>)/gi, `$1${MASK}$2`],
  [/("(?:password|pw|auth_token|authinfo|token|x-auth-token|auth)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${MASK}"`],
  // BILLmanager's JSON puts values under "$": {"authinfo": {"$": "user:password"}}.
  [/("(?:password|authinfo|auth)"\s*:\s*\{\s*"\$"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${MASK}"`],
  // Private keys: eNom's CertGetCertDetail hands one back in <PVT> beside the CSR, BILLmanager's
  // certificate.order.csr in model.key. A PEM key block is masked whole, a cut-off one to the end.
  [/(-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----)[\s\S]*?(-----END \2PRIVATE KEY-----)/g, `$1${MASK}$3`],
  [/(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?!\*\*\*-----END )[\s\S]*$/, `$1${MASK}`],
  [/(<(?:\w+:)?PVT>)[\s\S]*?(<\/(?:\w+:)?PVT>)/gi, `$1${MASK}$2`],
];

/**
 * Secrets shorter than this are not looked for as free text: "1" would mask every digit 1 of a
 * balance or a date. The field patterns still mask them where they travel (pw=, <Password>), and
 * `module add` warns about such a password.
 */
export const MIN_FREE_TEXT_SECRET = 4;

/** A secret and its other Unicode normal form: a provider may echo "é" as "e" and a combining accent. */
const normalForms = (secret: string) => [secret, secret.normalize('NFC'), secret.normalize('NFD')];

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const wanted = [...new Set(secrets.filter((secret) => [...secret].length >= MIN_FREE_TEXT_SECRET).flatMap(normalForms))];
  if (wanted.length > 0) out = maskRanges(out, secretRanges(out, wanted));
  for (const [pattern, replacement] of FIELD_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
