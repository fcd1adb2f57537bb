// The browser-safe ISO 20022 surface: pacs.008 in, pacs.002 out, statements out. XSD validation is
// in ./validate.ts (node only) and is deliberately not re-exported here.
export { buildCamt053, camt053Namespace } from './camt053.ts';
export { Iso20022Error, type Iso20022ErrorCode } from './errors.ts';
export {
  buildPacs002,
  type Pacs002,
  type Pacs002Input,
  type Pacs002Status,
  pacs002Namespace,
  parsePacs002,
  type RemittanceStatus,
  statusToPacs002,
} from './pacs002.ts';
export { buildPacs008 } from './pacs008-build.ts';
export { pacs008Namespace, parsePacs008 } from './pacs008-parse.ts';
export { csvField, csvTextField, isoDay, netPositionsCsv, statementCsv } from './statements.ts';
export type * from './types.ts';
export { xmlBytesMax } from './xml-read.ts';
