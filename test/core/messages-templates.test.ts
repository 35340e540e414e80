import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  DEFAULT_TEMPLATES,
  placeholderNames,
  renderTemplate,
  SAMPLE_VALUES,
  TEMPLATE_NAMES,
  TemplateError,
} from '../../src/core/messages/templates.js';

describe('message templates', () => {
  it('the defaults pass their own check and use only placeholders their template knows', () => {
    for (const name of TEMPLATE_NAMES) {
      expect(checkTemplate(name, DEFAULT_TEMPLATES[name])).toEqual([]);
      const text = DEFAULT_TEMPLATES[name].subject + DEFAULT_TEMPLATES[name].body;
      const used = new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      // Every placeholder the default uses is one the template knows.
      for (const placeholder of used) expect(placeholderNames(name)).toContain(placeholder);
    }
  });

  it('fills in the certificate expiration notification', () => {
    const rendered = renderTemplate('expiration', DEFAULT_TEMPLATES.expiration, {
      domain: 'shop.example.com',
      expirationDate: '2026-10-19',
      paidUntil: '2031-04-02',
      actionDate: '2026-10-09',
      module: 'LeaderTelecom main',
      provider: 'LeaderTelecom',
    });
    expect(rendered.subject).toBe('Certificate expiration notification: shop.example.com');
    expect(rendered.body).toContain('the SSL certificate of shop.example.com expires on 2026-10-19.');
    expect(rendered.body).toContain('Paid until:       2031-04-02');
    expect(rendered.body).not.toMatch(/[{}]/);
  });

  it('writes "-" for an empty paid until (a one-year purchase)', () => {
    const rendered = renderTemplate('expiration', { subject: 'S', body: 'Paid until: {paidUntil}' }, { ...SAMPLE_VALUES.expiration, paidUntil: null });
    expect(rendered.body).toBe('Paid until: -');
  });

  it('fills in the processing module low balance message with amounts to two decimals', () => {
    const rendered = renderTemplate('low-balance', DEFAULT_TEMPLATES['low-balance'], {
      module: 'GlobalSign main',
      provider: 'GlobalSign',
      department: 'SSL desk',
      balance: 1250.5,
      minimalBalance: 5000,
      currency: 'USD',
    });
    expect(rendered.subject).toBe('Processing module low balance: GlobalSign main, 1,250.50 USD');
    expect(rendered.body).toContain('"GlobalSign main" (GlobalSign) is\n1,250.50 USD, under its processing module minimal balance of\n5,000 USD.');
    expect(rendered.body).toContain('the department "SSL desk"');
  });

  it('keeps literal braces written twice', () => {
    const rendered = renderTemplate('low-balance', { subject: '{{{module}}}', body: 'x }} {{y}}' }, SAMPLE_VALUES['low-balance']);
    expect(rendered).toEqual({ subject: '{GlobalSign main}', body: 'x } {y}' });
  });

  it('never lets a value add a line to the subject', () => {
    const rendered = renderTemplate('expiration', { subject: 'About {domain}', body: 'b' }, { ...SAMPLE_VALUES.expiration, domain: 'a.example\r\nBcc: x@example.com' });
    expect(rendered.subject).toBe('About a.example Bcc: x@example.com');
  });

  it.each([
    ['an unknown placeholder, with a suggestion', { subject: 'S', body: 'Hello {domian}' }, 'body', /unknown placeholder \{domian\} at line 1, column 7; did you mean \{domain\}\? this template knows \{domain\}/],
    ['a placeholder of the other template', { subject: 'Balance {balance}', body: 'b' }, 'subject', /unknown placeholder \{balance\}/],
    ['an unclosed brace', { subject: 'S', body: 'line one\nHello {domain' }, 'body', /a "\{" at line 2, column 7 is not closed/],
    ['a lone closing brace', { subject: 'S', body: 'a } b' }, 'body', /a lone "\}" at line 1, column 3; write "\}\}"/],
    ['an empty placeholder', { subject: 'S {}', body: 'b' }, 'subject', /unknown placeholder \{\}/],
    ['a subject of two lines', { subject: 'one\ntwo', body: 'b' }, 'subject', /one line/],
    ['an empty subject', { subject: '  ', body: 'b' }, 'subject', /the subject is empty/],
    ['an empty body', { subject: 'S', body: '\n\n' }, 'body', /the body is empty/],
    ['a binary body', { subject: 'S', body: 'a\0b' }, 'body', /NUL/],
  ])('refuses %s', (_what, template, field, message) => {
    const issues = checkTemplate('expiration', template);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field });
    expect(issues[0]?.message).toMatch(message);
    expect(() => renderTemplate('expiration', template, SAMPLE_VALUES.expiration)).toThrow(TemplateError);
  });

  it.each([
    ['expirydate', 'expirationDate'],
    ['Domain', 'domain'],
    ['paid_until', 'paidUntil'],
    ['action', 'actionDate'],
  ])('suggests {%s} -> {%s}', (typo, meant) => {
    expect(checkTemplate('expiration', { subject: `{${typo}}`, body: 'b' })[0]?.message).toContain(`did you mean {${meant}}?`);
  });

  it('suggests nothing for a word unlike any placeholder', () => {
    expect(checkTemplate('expiration', { subject: '{client}', body: 'b' })[0]?.message).not.toContain('did you mean');
  });

  it('reports a problem in the subject and one in the body together', () => {
    expect(checkTemplate('low-balance', { subject: '{x}', body: '{y}' }).map((issue) => issue.field)).toEqual(['subject', 'body']);
  });
});
