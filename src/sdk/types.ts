// JSON shapes shared by several actions (docs/api.md): module events as the API renders them, and
// their readers. Bytes stay hex and CBOR bigints stay decimal strings, as the node sends them.
import { type JsonObject, type JsonValue, readList, readObject, readText } from './json.ts';

/** Bytes or hex: every id and key parameter takes either. */
export type BytesLike = Uint8Array | string;

/** One module event: attributes are the CBOR map as JSON (bytes hex, bigints decimal strings). */
export type ModuleEvent = {
  readonly module: string;
  readonly type: string;
  readonly attributes: JsonObject;
};

export function readModuleEvents(value: unknown, field: string): readonly ModuleEvent[] {
  return readList(value, field).map((item: JsonValue, i) => {
    const f = `${field}[${i}]`;
    const event = readObject(item, f);
    return Object.freeze({
      module: readText(event.module, `${f}.module`),
      type: readText(event.type, `${f}.type`),
      attributes: readObject(event.attributes, `${f}.attributes`),
    });
  });
}
