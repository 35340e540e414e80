import { describe, expect, it } from 'vitest';
import { csrPemOf, readCsrText } from '../../src/providers/csr-pem.js';
import { EXAMPLE_CSR_LINES, EXAMPLE_CSR_PEM, makeCsr, parseCsr } from '../helpers/csr.js';

const base64 = EXAMPLE_CSR_LINES.join('');

describe('a CSR as providers return it, made one canonical PEM', () => {
  it('keeps a canonical PEM as it is, and makes the same PEM @peculiar/x509 writes', async () => {
    expect(readCsrText(EXAMPLE_CSR_PEM)).toEqual({ kind: 'pem', pem: EXAMPLE_CSR_PEM });
    const made = await makeCsr('shop.example.org');
    expect(readCsrText(made)).toEqual({ kind: 'pem', pem: made });
  });

  it.each([
    ['NEW armour, indented lines (eNom)', ['-----BEGIN NEW CERTIFICATE REQUEST-----', ...EXAMPLE_CSR_LINES, '-----END NEW CERTIFICATE REQUEST-----'].join('\n  ')],
    ['CRLF line ends and a final newline (GlobalSign)', `${['-----BEGIN CERTIFICATE REQUEST-----', ...EXAMPLE_CSR_LINES, '-----END CERTIFICATE REQUEST-----'].join('\r\n')}\r\n`],
    ['CRs as XML character references the parser left undecoded (GlobalSign)', ['-----BEGIN CERTIFICATE REQUEST-----', ...EXAMPLE_CSR_LINES, '-----END CERTIFICATE REQUEST-----'].join('&#xD;\n        ')],
    ['line ends as decimal character references', EXAMPLE_CSR_LINES.join('&#13;&#10;')],
    ['bare base64 on one line', base64],
    ['bare base64 in CRLF lines', EXAMPLE_CSR_LINES.join('\r\n')],
    ['bare base64 with surrounding blanks', `\n   ${base64}   \n`],
    ['one long PEM line', `-----BEGIN CERTIFICATE REQUEST-----${base64}-----END CERTIFICATE REQUEST-----`],
  ])('reads %s', async (_what, text) => {
    const read = readCsrText(text);
    expect(read).toEqual({ kind: 'pem', pem: EXAMPLE_CSR_PEM });
    if (read.kind === 'pem') expect((await parseCsr(read.pem)).commonName).toEqual(['www.example.com']);
  });

  it.each([null, undefined, '', '  \r\n ', '-----BEGIN NEW CERTIFICATE REQUEST-----\n  -----END NEW CERTIFICATE REQUEST-----'])('takes %j as no CSR', (text) => {
    expect(readCsrText(text)).toEqual({ kind: 'none' });
  });

  it.each([
    ['a certificate', `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----`, "its PEM armour is not a certificate request's"],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----', "its PEM armour is not a certificate request's"],
    ['armour without its end', `-----BEGIN CERTIFICATE REQUEST-----\n${base64}`, "its PEM armour is not a certificate request's"],
    ['text', 'Not available.', 'it is neither PEM nor base64'],
    ['base64 of the wrong length', base64.slice(0, -1), 'it is neither PEM nor base64'],
    ['base64 of something else', Buffer.from('hello world!').toString('base64'), 'its base64 does not hold one DER structure'],
    ['a cut DER structure', Buffer.from(base64, 'base64').subarray(0, 120).toString('base64'), 'its base64 does not hold one DER structure'],
  ])('refuses %s, without quoting it', (_what, text, reason) => {
    const read = readCsrText(text);
    expect(read).toEqual({ kind: 'invalid', reason });
  });

  it('wraps the base64 at 64 characters, without a final newline', () => {
    const pem = csrPemOf(Buffer.from(base64, 'base64'));
    expect(pem).toBe(EXAMPLE_CSR_PEM);
    expect(pem.split('\n').slice(1, -1).every((line) => line.length <= 64)).toBe(true);
  });
});
