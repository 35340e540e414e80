import { describe, expect, it } from 'vitest';
import { parseProviderXml, xmlText, xmlAt } from '../../src/providers/xml.js';
import { ProviderError } from '../../src/providers/types.js';

describe('provider XML', () => {
  it("decodes XML's numeric character references and its five entities", () => {
    const node = parseProviderXml('<r><CSR>-----BEGIN CERTIFICATE REQUEST-----&#xD;&#10;MIIB&#x2F;&#65;&amp;&lt;&gt;</CSR></r>', 'test');
    expect(xmlText(xmlAt(node, 'r', 'CSR'))).toBe('-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB/A&<>');
  });

  it('refuses a DOCTYPE, where entity-expansion attacks come from', () => {
    expect(() => parseProviderXml('<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', 'test')).toThrow(ProviderError);
  });
});
