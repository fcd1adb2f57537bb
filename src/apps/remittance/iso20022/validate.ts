// XSD validation of pacs.008.001.08 and pacs.002.001.10 with xmllint-wasm (libxml2 in WebAssembly).
// Node only: the schemas are read from ./xsd once, on first use. Not browser-safe.
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { Iso20022Error } from './errors.ts';
import { checkXmlInput } from './xml-read.ts';

export type SchemaName = 'pacs.008.001.08' | 'pacs.002.001.10';
export type ValidationResult = { valid: boolean; errors: string[] };

const schemaFiles: Record<SchemaName, string> = {
  'pacs.008.001.08': 'pacs.008.001.08.xsd',
  'pacs.002.001.10': 'pacs.002.001.10.xsd',
};
const loaded = new Map<SchemaName, string>();

function schemaText(name: SchemaName): string {
  let text = loaded.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./xsd/${schemaFiles[name]}`, import.meta.url), 'utf8');
    loaded.set(name, text);
  }
  return text;
}

function refusal(xml: string): ValidationResult | undefined {
  try {
    checkXmlInput(xml);
    return undefined;
  } catch (err) {
    if (err instanceof Iso20022Error) return { valid: false, errors: [err.message] };
    throw err;
  }
}

/** One xmllint run over several documents (each run starts a worker and compiles the WASM). */
async function runXmllint(
  docs: readonly string[],
  schema: SchemaName,
): Promise<ValidationResult[]> {
  const names = docs.map((_, i) => `message-${i + 1}.xml`);
  try {
    const result = await validateXML({
      xml: docs.map((contents, i) => ({ fileName: names[i]!, contents })),
      schema: [{ fileName: schemaFiles[schema], contents: schemaText(schema) }],
    });
    const messages = result.errors.map((e) => e.rawMessage);
    return names.map((name) => {
      const errors = messages.filter((m) => m.startsWith(`${name}:`) || m.startsWith(`${name} `));
      return { valid: errors.length === 0, errors };
    });
  } catch (err) {
    // xmllint exits with another status when a document is not well-formed: the promise rejects.
    if (docs.length > 1)
      return Promise.all(docs.map(async (d) => (await runXmllint([d], schema))[0]!));
    const message = err instanceof Error ? err.message.trim() : String(err);
    return [{ valid: false, errors: [message.length > 0 ? message : 'not well-formed XML'] }];
  }
}

/**
 * Validates one document against the named XSD. Input over the size limit or with a DOCTYPE is
 * refused before libxml2 sees it (valid: false, with the reason), as parsePacs008 would refuse it.
 */
export async function validateXml(xml: string, schema: SchemaName): Promise<ValidationResult> {
  const refused = refusal(xml);
  if (refused !== undefined) return refused;
  const [result] = await runXmllint([xml], schema);
  return result!;
}

/** Validates several documents against one XSD in a single xmllint run; results in input order. */
export async function validateXmlBatch(
  docs: readonly string[],
  schema: SchemaName,
): Promise<ValidationResult[]> {
  const refused = docs.map(refusal);
  const accepted = docs.filter((_, i) => refused[i] === undefined);
  const checked = accepted.length === 0 ? [] : await runXmllint(accepted, schema);
  let next = 0;
  return refused.map((r) => r ?? checked[next++]!);
}

export function validatePacs008Xml(xml: string): Promise<ValidationResult> {
  return validateXml(xml, 'pacs.008.001.08');
}

export function validatePacs002Xml(xml: string): Promise<ValidationResult> {
  return validateXml(xml, 'pacs.002.001.10');
}
