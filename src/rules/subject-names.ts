/** Names a TLS certificate can carry (RFC 5280 dNSName / iPAddress), normalised for comparison. */
import { quoted } from './control-characters.js';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { fail, ok, type Result } from './result.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Lower-cases a domain name, drops a trailing dot, turns an internationalised name into its
 * punycode form and checks its syntax; IP addresses pass as they are. One `*.` wildcard is
 * allowed as the whole first label.
 */
export function normalizeSubjectName(input: string): Result<string> {
  const text = input.trim();
  const invalid = fail<string>(`${quoted(input)} is not a valid domain name or IP address`);
  if (text === '') return fail('a domain name is empty');
  if (isIP(text) !== 0) return ok(text.toLowerCase());
  const wildcard = text.startsWith('*.');
  const ascii = domainToASCII((wildcard ? text.slice(2) : text).replace(/\.$/, ''));
  if (ascii === '' || ascii.length > 253 - (wildcard ? 2 : 0)) return invalid;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1) ?? '')) return invalid;
  return ok(wildcard ? `*.${ascii}` : ascii);
}
