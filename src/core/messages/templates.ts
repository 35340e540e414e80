/**
 * BILLmanager's Settings → Message templates that certops sends: "certificate expiration" (the
 * `manual` reissue policy notifies the client) and "processing module low balance" (to the
 * module's department). A template is a subject and a body with `{placeholder}`s; a template is
 * checked when it is saved, so a typo in a placeholder never reaches a customer. Pure: no I/O.
 */
import { formatAmount } from '../../rules/amount.js';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../../rules/control-characters.js';

export const TEMPLATE_NAMES = ['expiration', 'low-balance', 'reissued'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export function isTemplateName(value: string): value is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(value);
}

/** What each template is, in BILLmanager's words. */
export const TEMPLATE_TITLES: Readonly<Record<TemplateName, string>> = {
  expiration: 'Certificate expiration notification (to the client, reissue policy manual)',
  'low-balance': 'Processing module low balance (to the department of the processing module)',
  reissued: 'Certificate reissued (to the client, once the new certificate is collected)',
};

export interface Template {
  readonly subject: string;
  readonly body: string;
}

/** The values each template is rendered with. Dates are YYYY-MM-DD (UTC). */
export interface ExpirationValues {
  readonly domain: string;
  readonly expirationDate: string;
  /** null for a one-year purchase: BILLmanager leaves "Paid until" empty then. */
  readonly paidUntil: string | null;
  readonly actionDate: string;
  readonly module: string;
  readonly provider: string;
}

export interface LowBalanceValues {
  readonly module: string;
  readonly provider: string;
  readonly department: string;
  readonly balance: number;
  readonly minimalBalance: number;
  readonly currency: string;
}

export interface ReissuedValues {
  readonly domain: string;
  /** The DNS names of the new certificate, comma-separated. */
  readonly names: string;
  readonly expirationDate: string;
  readonly paidUntil: string | null;
  readonly module: string;
  readonly provider: string;
  /** How the domain was validated for this reissue, in a sentence. */
  readonly validation: string;
  /** What the client must do now, in a sentence. */
  readonly nextStep: string;
}

export interface TemplateValues {
  readonly expiration: ExpirationValues;
  readonly 'low-balance': LowBalanceValues;
  readonly reissued: ReissuedValues;
}

/** Every placeholder of each template, with what it stands for (the help and `show` list them). */
export const PLACEHOLDERS: { readonly [N in TemplateName]: Readonly<Record<keyof TemplateValues[N] & string, string>> } = {
  expiration: {
    domain: 'the domain of the certificate',
    expirationDate: 'the expiration date of the current certificate (YYYY-MM-DD)',
    paidUntil: 'the end of the paid subscription period (YYYY-MM-DD; "-" for a one-year purchase)',
    actionDate: 'the day the reissue policy acts: expiration date minus SSLSubscriptionBefore',
    module: 'the name of the processing module',
    provider: 'the provider of the processing module (LeaderTelecom, Ispmanager (SSL), GlobalSign, ENOM)',
  },
  'low-balance': {
    module: 'the name of the processing module',
    provider: 'the provider of the processing module',
    department: 'the department of the processing module',
    balance: 'what can be spent on the personal account at the provider (eNom: the available balance)',
    minimalBalance: 'the processing module minimal balance',
    currency: 'the currency of the balance (ISO 4217)',
  },
  reissued: {
    domain: 'the domain of the certificate',
    names: 'every name the new certificate covers, comma-separated',
    expirationDate: 'the expiration date of the new certificate (YYYY-MM-DD)',
    paidUntil: 'the end of the paid subscription period (YYYY-MM-DD; "-" for a one-year purchase)',
    module: 'the name of the processing module',
    provider: 'the provider of the processing module',
    validation: 'how the domain was validated for this reissue',
    nextStep: 'what the client must do now (nothing when certops installed the certificate)',
  },
};

export function placeholderNames(name: TemplateName): string[] {
  return Object.keys(PLACEHOLDERS[name]);
}

/** The templates certops starts with, worded after BILLmanager's. */
export const DEFAULT_TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  expiration: {
    subject: 'Certificate expiration notification: {domain}',
    body: `Hello,

the SSL certificate of {domain} expires on {expirationDate}.

Domain:           {domain}
Expiration date:  {expirationDate}
Paid until:       {paidUntil}

From 2026 the rules of the CA/Browser Forum limit how long an SSL
certificate may be valid, so a certificate paid for several years is
reissued during its paid period. Please reissue the certificate in your
client area before {expirationDate} to keep the site protected.

This is an automatic message.
`,
  },
  'low-balance': {
    subject: 'Processing module low balance: {module}, {balance} {currency}',
    body: `The balance of the processing module "{module}" ({provider}) is
{balance} {currency}, under its processing module minimal balance of
{minimalBalance} {currency}.

Top up the personal account in the {provider} system: the minimal
balance is the amount needed to purchase services, so orders and
reissues through this processing module may fail until then.

This message goes to the department "{department}", to which tasks
from the processing module are assigned.
`,
  },
  reissued: {
    subject: 'Certificate reissued: {domain}, valid until {expirationDate}',
    body: `Hello,

the SSL certificate of {domain} was reissued under your subscription.

Names:            {names}
Valid until:      {expirationDate}
Paid until:       {paidUntil}
Validation:       {validation}

{nextStep}

From 2026 the rules of the CA/Browser Forum limit how long an SSL
certificate may be valid, so a certificate paid for several years is
reissued during its paid period. When a reissue needs you to confirm
the domain (an e-mail to approve, a DNS record or a file to publish),
please do so promptly: the certificate cannot be issued before.

This is an automatic message.
`,
  },
};

export const MAX_SUBJECT_LENGTH = 250;
export const MAX_BODY_LENGTH = 100_000;

type Segment = { readonly text: string } | { readonly placeholder: string };

/** Where a character is, for messages about a body of many lines. */
function position(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Edit distance, for "did you mean {domain}?" on a typo. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** Letters two names share at their start, in any case ({expiry} and {expirationDate}: 5). */
function sharedStart(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i]?.toLowerCase() === b[i]?.toLowerCase()) i += 1;
  return i;
}

/** The placeholder a typo most likely meant: close in spelling, or sharing a start of 4 letters or more. */
function suggestion(unknown: string, known: readonly string[]): string {
  const likely = known
    .map((name) => ({ name, d: distance(unknown, name), start: sharedStart(unknown, name) }))
    .filter(({ name, d, start }) => d <= Math.max(2, Math.floor(name.length / 3)) || start >= 4)
    .sort((x, y) => x.d - y.d || y.start - x.start)[0];
  return likely ? `did you mean {${likely.name}}? ` : '';
}

/**
 * Splits a template text into literal text and placeholders. `{{` and `}}` stand for literal
 * braces; anything else in braces must be a placeholder of this template. Returns the first
 * problem, worded for the person who typed it, or the segments.
 */
function parse(text: string, known: readonly string[]): { ok: true; segments: Segment[] } | { ok: false; error: string } {
  const segments: Segment[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '{' && text[index + 1] === '{') {
      literal += '{';
      index += 2;
    } else if (char === '}' && text[index + 1] === '}') {
      literal += '}';
      index += 2;
    } else if (char === '}') {
      return { ok: false, error: `a lone "}" at ${position(text, index)}; write "}}" for a literal brace` };
    } else if (char === '{') {
      const close = text.indexOf('}', index);
      const inner = close === -1 ? null : text.slice(index + 1, close);
      if (inner === null || /[{\n]/.test(inner)) {
        return { ok: false, error: `a "{" at ${position(text, index)} is not closed; a placeholder is written {name}, a literal brace "{{"` };
      }
      if (!known.includes(inner)) {
        return {
          ok: false,
          error: `unknown placeholder {${inner}} at ${position(text, index)}; ${suggestion(inner, known)}this template knows ${known.map((name) => `{${name}}`).join(', ')}`,
        };
      }
      if (literal) segments.push({ text: literal });
      literal = '';
      segments.push({ placeholder: inner });
      index = close + 1;
    } else {
      literal += char;
      index += 1;
    }
  }
  if (literal) segments.push({ text: literal });
  return { ok: true, segments };
}

export interface TemplateIssue {
  readonly field: 'subject' | 'body';
  readonly message: string;
}

/** Every problem of a template as it would be saved; [] when it can be saved. */
export function checkTemplate(name: TemplateName, template: Template): TemplateIssue[] {
  const known = placeholderNames(name);
  const issues: TemplateIssue[] = [];
  const { subject, body } = template;
  if (subject.trim() === '') issues.push({ field: 'subject', message: 'the subject is empty' });
  else if (/[\r\n]/.test(subject)) issues.push({ field: 'subject', message: 'the subject is one line: it holds a line break' });
  else if (CONTROL_CHARACTERS.test(subject)) issues.push({ field: 'subject', message: controlCharacterMessage('the subject') });
  else if (subject.length > MAX_SUBJECT_LENGTH) issues.push({ field: 'subject', message: `the subject is longer than ${MAX_SUBJECT_LENGTH} characters` });
  else {
    const parsed = parse(subject, known);
    if (!parsed.ok) issues.push({ field: 'subject', message: parsed.error });
  }
  if (body.trim() === '') issues.push({ field: 'body', message: 'the body is empty' });
  else if (body.length > MAX_BODY_LENGTH) issues.push({ field: 'body', message: `the body is longer than ${MAX_BODY_LENGTH} characters` });
  else if (body.includes('\0')) issues.push({ field: 'body', message: 'the body holds a NUL character (is it a binary file?)' });
  // Lines and tabs are the body's own; an escape sequence, a lone carriage return or a bidi override would garble the terminal showing it.
  else if (CONTROL_CHARACTERS.test(body.replace(/\r\n|[\n\t]/g, ''))) issues.push({ field: 'body', message: 'the body has a control character other than line breaks and tabs (an escape sequence, a lone carriage return or a bidi override); remove it' });
  else {
    const parsed = parse(body, known);
    if (!parsed.ok) issues.push({ field: 'body', message: parsed.error });
  }
  return issues;
}

/** A template that fails its check; the message names the template, the field and the problem. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly template: TemplateName,
    readonly issues: readonly TemplateIssue[],
  ) {
    super(issues.map((issue) => `the ${issue.field} of the ${template} template: ${issue.message}`).join('; '));
  }
}

// Amounts as every screen and command writes them ("1,250 USD", "1,523.40 USD"): one formatter.
const amount = formatAmount;

/** A value as it is written into a message: one line, so nothing can add a header or a line. */
function text(name: TemplateName, key: string, values: TemplateValues[TemplateName]): string {
  const value = (values as unknown as Record<string, unknown>)[key];
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') return name === 'low-balance' && (key === 'balance' || key === 'minimalBalance') ? amount(value) : String(value);
  return String(value).replace(/[\r\n]+/g, ' ');
}

export interface RenderedMessage {
  readonly subject: string;
  readonly body: string;
}

/** Fills in a template. Throws a TemplateError for a template that was never checked (a hand-edited file). */
export function renderTemplate<N extends TemplateName>(name: N, template: Template, values: TemplateValues[N]): RenderedMessage {
  const known = placeholderNames(name);
  const issues = checkTemplate(name, template);
  if (issues.length > 0) throw new TemplateError(name, issues);
  const fill = (source: string) => {
    const parsed = parse(source, known);
    if (!parsed.ok) throw new TemplateError(name, [{ field: 'body', message: parsed.error }]);
    return parsed.segments.map((segment) => ('text' in segment ? segment.text : text(name, segment.placeholder, values))).join('');
  };
  return { subject: fill(template.subject), body: fill(template.body) };
}

/** Values that show what a template looks like, for `certops messages test`. */
export const SAMPLE_VALUES: TemplateValues = {
  expiration: {
    domain: 'www.example.com',
    expirationDate: '2026-10-19',
    paidUntil: '2031-04-02',
    actionDate: '2026-10-09',
    module: 'LeaderTelecom main',
    provider: 'LeaderTelecom',
  },
  'low-balance': {
    module: 'GlobalSign main',
    provider: 'GlobalSign',
    department: 'SSL desk',
    balance: 1250,
    minimalBalance: 5000,
    currency: 'USD',
  },
  reissued: {
    domain: 'www.example.com',
    names: 'www.example.com, example.com',
    expirationDate: '2027-04-27',
    paidUntil: '2031-04-02',
    module: 'GlobalSign main',
    provider: 'GlobalSign',
    validation: 'a DNS TXT record _dnsauth.example.com',
    nextStep: 'Nothing is needed from you: the new certificate is installed.',
  },
};
