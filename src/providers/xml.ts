/**
 * XML from providers (GlobalSign SOAP, eNom) parsed with fast-xml-parser. A DOCTYPE is refused
 * outright: no provider sends one, and it is how entity-expansion attacks arrive.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProviderError } from './types.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  processEntities: true,
  // XML's numeric character references (&#xD; in GlobalSign's PEM fields) are decoded only with
  // this switch on; it also decodes HTML's named entities, which no provider sends.
  htmlEntities: true,
  cdataPropName: false,
});

export type XmlNode = Record<string, unknown>;

export function parseProviderXml(body: string, what: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new ProviderError('unexpected-response', `${what}: the answer declares a DOCTYPE, which certops refuses`);
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new ProviderError('unexpected-response', `${what}: the answer is not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
  }
  return parser.parse(body) as XmlNode;
}

/** Follows a path of element names; null when any step is missing. */
export function xmlAt(node: unknown, ...path: string[]): unknown {
  let current: unknown = node;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as XmlNode)[step];
    if (current === undefined) return null;
  }
  return current;
}

/** An element's text: strings pass, numbers are stringified, empty elements give ''. */
export function xmlText(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return xmlText((node as XmlNode)['#text']);
  if (node === '' || (node && typeof node === 'object' && Object.keys(node).length === 0)) return '';
  return null;
}

/** A repeated element as an array, whether it occurred once or many times. */
export function xmlList(node: unknown): unknown[] {
  if (node === null || node === undefined || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: false, format: false, cdataPropName: '__cdata' });

export function buildXml(document: XmlNode): string {
  return builder.build(document) as string;
}

export { escapeXml } from './xml-escape.js';
