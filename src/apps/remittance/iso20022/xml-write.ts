// Writing ISO 20022 XML: a tiny element tree, escaped text (XML 1.0 section 2.4) and two-space indent.
// Builders list children in the XSD's sequence order; absent optional elements are undefined.

export type XmlNode = {
  name: string;
  attrs?: Readonly<Record<string, string>>;
  text?: string;
  children?: readonly XmlNode[];
};

const textEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;', // a raw CR would be normalised to LF by any reader
  '\t': '&#9;', // in attributes a raw tab or LF would be normalised to a space
  '\n': '&#10;',
};

/** Escapes text for element content or a quoted attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => textEscapes[c] ?? c);
}

function escapeAttr(text: string): string {
  return text.replace(/[&<>"'\r\t\n]/g, (c) => textEscapes[c] ?? c);
}

/** An element with children; undefined children (absent optional elements) are dropped. */
export function el(name: string, children: readonly (XmlNode | undefined)[]): XmlNode {
  return { name, children: children.filter((c): c is XmlNode => c !== undefined) };
}

/** A text element, or undefined when the value is absent. */
export function leaf(name: string, text: string | undefined): XmlNode | undefined {
  return text === undefined ? undefined : { name, text };
}

/** An element holding an amount: `<Name Ccy="USD">12.34</Name>`. */
export function amountNode(name: string, a: { currency: string; amount: string }): XmlNode {
  return { name, attrs: { Ccy: a.currency }, text: a.amount };
}

function writeNode(node: XmlNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push(`${pad}<${node.name}${attrs}>${escapeXml(node.text ?? '')}</${node.name}>`);
    return;
  }
  out.push(`${pad}<${node.name}${attrs}>`);
  for (const child of children) writeNode(child, depth + 1, out);
  out.push(`${pad}</${node.name}>`);
}

/** Serialises `<Document xmlns=namespace>` holding `body`, with an XML declaration. */
export function writeDocument(namespace: string, body: XmlNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeNode({ name: 'Document', attrs: { xmlns: namespace }, children: [body] }, 0, out);
  return `${out.join('\n')}\n`;
}
