// Safe reading of one ISO 20022 XML document with fast-xml-parser: size limit, no DOCTYPE or entity
// declarations (XXE, billion laughs), well-formedness, one root in the expected namespace; text stays text.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Iso20022Error } from './errors.ts';

/** The largest message accepted, in UTF-8 bytes: a pacs.008 with one transaction is a few KiB. */
export const xmlBytesMax = 256 * 1024;

type XmlObject = { [key: string]: XmlValue };
type XmlValue = string | XmlObject | XmlObject[];

const textKey = '#text';
const attrPrefix = '@_';
// Only the five predefined entities and character references: anything else names a declaration.
const undeclaredEntity = /&(?!(?:lt|gt|amp|apos|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/;
const declaration = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: attrPrefix,
  parseTagValue: false, // amounts and ids stay strings: '00123.50' must not become 123.5
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: true,
  processEntities: true,
  htmlEntities: true, // decodes character references (&#13;); named HTML entities are refused above
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
});

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** One element of the parsed tree, with its path for error messages; names resolve in its prefix. */
export class XmlElement {
  constructor(
    readonly node: XmlObject,
    readonly path: string,
    private readonly prefix: string,
  ) {}

  private raw(name: string): XmlValue | undefined {
    return this.node[this.prefix === '' ? name : `${this.prefix}:${name}`];
  }

  private wrap(value: XmlValue, path: string): XmlElement {
    if (typeof value === 'string') return new XmlElement({ [textKey]: value }, path, this.prefix);
    if (Array.isArray(value)) throw new Iso20022Error('invalid_field', path, 'must appear once');
    return new XmlElement(value, path, this.prefix);
  }

  child(name: string): XmlElement | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return this.wrap(value, `${this.path}/${name}`);
  }

  need(name: string): XmlElement {
    const found = this.child(name);
    if (found === undefined)
      throw new Iso20022Error('missing_field', `${this.path}/${name}`, 'is mandatory');
    return found;
  }

  children(name: string): XmlElement[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((v, i) => this.wrap(v, `${this.path}/${name}[${i + 1}]`));
  }

  text(): string {
    const value = this.node[textKey];
    return typeof value === 'string' ? value : '';
  }

  attr(name: string): string | undefined {
    const value = this.node[`${attrPrefix}${name}`];
    return typeof value === 'string' ? value : undefined;
  }

  needAttr(name: string): string {
    const value = this.attr(name);
    if (value === undefined)
      throw new Iso20022Error('missing_field', `${this.path}/@${name}`, 'is mandatory');
    return value;
  }

  /** Text of an optional child, checked; undefined when the child is absent. */
  optText<T extends string>(
    name: string,
    check: (value: string, path: string) => T,
  ): T | undefined {
    const found = this.child(name);
    return found === undefined ? undefined : check(found.text(), found.path);
  }

  needText<T extends string>(name: string, check: (value: string, path: string) => T): T {
    const found = this.need(name);
    return check(found.text(), found.path);
  }
}

function checkRawInput(xml: string): string {
  if (typeof xml !== 'string')
    throw new Iso20022Error('malformed_xml', '/', 'input is not a string');
  if (xml.length > xmlBytesMax || utf8Length(xml) > xmlBytesMax)
    throw new Iso20022Error('unsupported', '/', `message is over ${xmlBytesMax} bytes`);
  const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
  if (declaration.test(text))
    throw new Iso20022Error('unsupported', '/', 'DOCTYPE and entity declarations are not accepted');
  if (undeclaredEntity.test(text))
    throw new Iso20022Error('malformed_xml', '/', 'reference to an undeclared entity');
  return text;
}

/** Checks the raw text against the limits, without parsing: shared with the XSD validator. */
export function checkXmlInput(xml: string): void {
  checkRawInput(xml);
}

/**
 * Parses a document whose root is `Document` in `namespace`. A Document in another version of the
 * same message (`nsFamily` prefix) is 'unsupported'; any other root or namespace is 'wrong_message'.
 */
export function readDocument(xml: string, namespace: string, nsFamily: string): XmlElement {
  const text = checkRawInput(xml);
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new Iso20022Error('malformed_xml', '/', `line ${valid.err.line}: ${valid.err.msg}`);
  const tree = parser.parse(text) as XmlObject;
  const roots = Object.keys(tree).filter((k) => k !== textKey && !k.startsWith('?'));
  if (roots.length !== 1)
    throw new Iso20022Error('malformed_xml', '/', 'expected exactly one root element');
  const rootName = roots[0]!;
  const colon = rootName.indexOf(':');
  const prefix = colon < 0 ? '' : rootName.slice(0, colon);
  const local = colon < 0 ? rootName : rootName.slice(colon + 1);
  const rootValue = tree[rootName];
  if (typeof rootValue !== 'object' || Array.isArray(rootValue))
    throw new Iso20022Error('malformed_xml', '/', 'expected exactly one root element');
  const root = new XmlElement(rootValue, `/${local}`, prefix);
  const ns = root.attr(prefix === '' ? 'xmlns' : `xmlns:${prefix}`);
  if (local !== 'Document')
    throw new Iso20022Error('wrong_message', `/${local}`, `expected a Document of ${namespace}`);
  if (ns !== namespace) {
    const code = ns?.startsWith(nsFamily) ? 'unsupported' : 'wrong_message';
    throw new Iso20022Error(code, '/Document', `namespace '${ns ?? ''}' is not ${namespace}`);
  }
  return root;
}
