/**
 * The redactor against every encoding a password can take on certops' wires (issue 13, item 21):
 * random passwords, heavy in characters that need escaping, through each encoder; the redacted text
 * must hold neither the encoded password nor, once decoded, the password itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK, MIN_FREE_TEXT_SECRET, redact } from '../../src/providers/redact.js';
import { buildXml } from '../../src/providers/xml.js';
import { escapeXml } from '../../src/providers/xml-escape.js';

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');
const units = (text: string) => [...text].flatMap((char) => (char.length === 2 ? [char.charCodeAt(0), char.charCodeAt(1)] : [char.charCodeAt(0)]));

/** Encoders certops' peers use (or could): each turns a password into what travels on a wire. */
const ENCODINGS: readonly [string, (password: string) => string][] = [
  ['raw', (p) => p],
  ['URL (encodeURIComponent)', (p) => encodeURIComponent(p)],
  ['URL, lower-case hex', (p) => encodeURIComponent(p).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
  ['form (URLSearchParams, + for space)', (p) => new URLSearchParams({ pw: p }).toString().slice(3)],
  ['form, %20 for space and bare punctuation', (p) => encodeURI(p).replace(/&/g, '%26').replace(/\+/g, '%2B')],
  ['XML, all five entities', (p) => escapeXml(p)],
  ['XML, only & < > escaped', (p) => p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')],
  ["XML, &#39; and &#34; for the quotes", (p) => p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#39;').replace(/"/g, '&#34;')],
  ['XML, decimal references for every non-alphanumeric', (p) => [...p].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#${c.codePointAt(0)};`)).join('')],
  ['XML, hex references with leading zeros', (p) => [...p].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#x${hex(c.codePointAt(0) as number, 4).toUpperCase()};`)).join('')],
  ['XML as fast-xml-parser builds it', (p) => buildXml({ Note: p }).replace(/^<Note>|<\/Note>$/g, '')],
  ['JSON.stringify', (p) => JSON.stringify(p).slice(1, -1)],
  ['JSON, \\u003c-style for < > & and non-ASCII (Go, PHP)', (p) => JSON.stringify(p).slice(1, -1).replace(/[<>&'\u007f-\uffff]/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`)],
  ['JSON, every character as \\uXXXX in upper case', (p) => units(p).map((u) => `\\u${hex(u, 4).toUpperCase()}`).join('')],
  ['JSON with the slash escaped', (p) => JSON.stringify(p).slice(1, -1).replace(/\//g, '\\/')],
  ['a form body quoted in XML (eNom echoing its request)', (p) => escapeXml(new URLSearchParams({ pw: p }).toString().slice(3))],
  ['a form body quoted in JSON', (p) => JSON.stringify(encodeURIComponent(p)).slice(1, -1).replace(/%/g, '\\u0025')],
  ['XML quoted in JSON', (p) => JSON.stringify(escapeXml(p)).slice(1, -1).replace(/&/g, '\\u0026')],
  ['URL-encoded twice', (p) => encodeURIComponent(encodeURIComponent(p))],
  ['XML entities inside URL encoding (%26amp%3B)', (p) => encodeURIComponent(escapeXml(p))],
  ['JSON escapes inside URL encoding', (p) => encodeURIComponent(JSON.stringify(p).slice(1, -1))],
  ['in the other Unicode normal form (NFD of an NFC password)', (p) => p.normalize('NFD')],
];

/** Characters that need escaping somewhere, some beyond ASCII, and any character at all. */
const char = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...'<>&\'"\\/ +%#;=?:@[]{}$!*()~`^|,.-_'.split(''), '\n', '\t', '\r', '\u0000', '\u001b', '\u007f', 'é', '€', 'Ж', '😀', '\u2028') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...'abcXYZ0129'.split('')) },
);
// Without '*': the mask's own stars beside the text's characters would spell such a password.
// At least MIN_FREE_TEXT_SECRET characters: shorter ones are not looked for as free text (below).
const passwords = fc
  .string({ unit: char, minLength: MIN_FREE_TEXT_SECRET, maxLength: 24 })
  .map((p) => p.normalize('NFC'))
  .filter((p) => !p.includes('*') && [...p].length >= MIN_FREE_TEXT_SECRET);

function decodeAll(text: string): string {
  let out = text;
  for (let i = 0; i < 2; i += 1) {
    out = out
      .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\(["\\/])/g, '$1')
      .replace(/&#[xX]([0-9a-fA-F]+);/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&(lt|gt|quot|apos|amp);/g, (_m, n: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[n] as string);
    try {
      out = decodeURIComponent(out.replace(/\+/g, ' '));
    } catch {
      // Not URL-encoded as a whole (a mask or a bare % in it): the other decodings stand.
    }
  }
  return out;
}

describe('redaction of registered secrets (fast-check)', () => {
  it.each(ENCODINGS)('masks a password encoded as %s, alone and inside a provider message', (_name, encode) => {
    fc.assert(
      fc.property(passwords, (password) => {
        const encoded = encode(password);
        const alone = redact(encoded, [password]);
        expect(alone).toBe(MASK);
        const message = `<Err1>Invalid request: command=CheckLogin&amp;uid=bob&amp;p=${encoded}</Err1>`;
        const masked = redact(message, [password]);
        expect(masked).not.toContain(encoded);
        expect(masked).toContain(MASK);
        expect(decodeAll(masked)).not.toContain(password);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves text without the secret alone', () => {
    fc.assert(
      fc.property(passwords, fc.string({ unit: fc.constantFrom(...'klmnopqrstuvw '.split('')), maxLength: 40 }), (password, text) => {
        fc.pre(![...password].some((c) => 'klmnopqrstuvw '.includes(c)));
        expect(redact(text, [password])).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('a secret too short to be told from other text is not looked for as free text; its fields are still masked', () => {
    expect(redact('balance 1,234.10 USD at 2026-12-08', ['1'])).toBe('balance 1,234.10 USD at 2026-12-08');
    expect(redact('command=CheckLogin&uid=bob&pw=abc', ['abc'])).toBe(`command=CheckLogin&uid=bob&pw=${MASK}`);
    expect(redact('<Password>abc</Password>', ['abc'])).toBe(`<Password>${MASK}</Password>`);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.,- '.split('')), minLength: 1, maxLength: MIN_FREE_TEXT_SECRET - 1 }), fc.string({ maxLength: 60 }), (secret, text) => {
        expect(redact(text, [secret])).toBe(redact(text));
      }),
      { numRuns: 200 },
    );
  });
});
