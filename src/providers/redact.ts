/**
 * Secrets out of every text certops writes: each known secret in the forms it travels in (raw,
 * URL-encoded, form-encoded, XML-escaped, JSON-escaped), and, for secrets a caller forgot to register, the
 * fields that carry them in the four protocols (pw=, password=, authinfo=, auth_token, X-AUTH-TOKEN,
 * <Password>, "password": ...), and private keys (PEM key blocks, eNom's <PVT>).
 */
import { escapeXml } from './xml-escape.js';

export const MASK = '***';

function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), escapeXml(secret), json])];
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

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    for (const form of forms(secret)) out = out.split(form).join(MASK);
  }
  for (const [pattern, replacement] of FIELD_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
