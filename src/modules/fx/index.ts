// The fx module: exact decimals, signed FX quotes, and the provider's pricing from reference rates.
// This index pulls in verify.ts (node:crypto); browser code imports decimal.ts and quote.ts directly.
export * from './decimal.ts';
export * from './pricing.ts';
export * from './quote.ts';
export * from './rates.ts';
export { quoteSignatureCheck, signQuote, verifyQuoteSignature } from './verify.ts';
