import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/catalog.js';
import { moduleParametersSchemaFor, networkSettingsSchema } from '../../src/providers/settings.js';
import { parseProviderXml } from '../../src/providers/xml.js';
import { ProviderError } from '../../src/providers/types.js';

const base = { name: 'GlobalSign main', department: 'SSL desk', sort: 10, minimalBalance: 100 };
const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe("BILLmanager's module parameters", () => {
  it('accepts a complete set, with an empty minimal balance as null', () => {
    expect(moduleParametersSchemaFor(PROVIDERS.globalsign).parse({ ...base, minimalBalance: null })).toEqual({ ...base, minimalBalance: null });
  });

  it('requires a data center for Ispmanager (SSL) and ENOM, and refuses one elsewhere', () => {
    expect(messages(moduleParametersSchemaFor(PROVIDERS.enom).safeParse(base))).toEqual(['an ENOM processing module needs a data center']);
    expect(moduleParametersSchemaFor(PROVIDERS.ispmanager).safeParse({ ...base, dataCenter: 'Moscow' }).success).toBe(true);
    expect(messages(moduleParametersSchemaFor(PROVIDERS.leadertelecom).safeParse({ ...base, dataCenter: 'Moscow' }))).toEqual([
      'a LeaderTelecom processing module has no data center',
    ]);
  });

  it('reports a mistyped field and a missing data center together', () => {
    expect(messages(moduleParametersSchemaFor(PROVIDERS.enom).safeParse({ ...base, sort: 'first' }))).toEqual([
      'sort must be a whole number',
      'an ENOM processing module needs a data center',
    ]);
  });

  it('says what is wrong with a timeout in its own words', () => {
    expect(messages(networkSettingsSchema.safeParse({ connectTimeoutMs: 5 }))).toEqual(['the connect timeout must be at least 100 ms']);
    expect(messages(networkSettingsSchema.safeParse({ totalTimeoutMs: 'soon' }))).toEqual(['the total timeout must be a number of milliseconds']);
  });

  it.each([
    [{ name: '  ' }, 'the name is empty'],
    [{ department: '' }, 'the department is empty'],
    [{ sort: 1.5 }, 'sort must be a whole number'],
    [{ sort: -1 }, 'sort cannot be negative'],
    [{ minimalBalance: -5 }, 'the minimal balance cannot be negative'],
    [{ minimalBalance: 'ten' }, 'the minimal balance must be a number'],
  ])('refuses %j: %s', (change, message) => {
    expect(messages(moduleParametersSchemaFor(PROVIDERS.globalsign).safeParse({ ...base, ...change }))).toEqual([message]);
  });

  it('defaults the timeouts to 10 s and 30 s and bounds them', () => {
    expect(networkSettingsSchema.parse({})).toEqual({ connectTimeoutMs: 10_000, totalTimeoutMs: 30_000 });
    expect(networkSettingsSchema.safeParse({ connectTimeoutMs: 5 }).success).toBe(false);
    expect(networkSettingsSchema.safeParse({ endpoint: 'http://proxy.example.com/' }).success).toBe(false);
  });
});

describe('provider XML', () => {
  const failure = (body: string) => {
    try {
      parseProviderXml(body, 'test');
    } catch (error) {
      return error as ProviderError;
    }
    throw new Error('parsed');
  };

  it('refuses a DOCTYPE and entity declarations (no entity expansion)', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>';
    expect(failure(laughs)).toMatchObject({ failure: 'unexpected-response', message: 'test: the answer declares a DOCTYPE, which certops refuses' });
    expect(failure('<!ENTITY x SYSTEM "file:///etc/passwd"><a/>').failure).toBe('unexpected-response');
  });

  it('refuses XML that is not well-formed, saying where', () => {
    expect(failure('<a><b>1</a>').message).toMatch(/^test: the answer is not well-formed XML \(.+, line 1\)$/);
  });

  it('decodes the predefined entities and strips namespace prefixes', () => {
    expect(parseProviderXml('<ns2:R xmlns:ns2="u"><V>a &amp; b &lt;c&gt;</V></ns2:R>', 'test')).toEqual({ R: { V: 'a & b <c>' } });
  });
});
