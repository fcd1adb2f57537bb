// Limits on everything the ledger decodes (CONVENTIONS rule 7). Relations between them are tested.

export const chainIdLengthMax = 64;
export const moduleNameLengthMax = 32;
export const methodNameLengthMax = 32;
export const txBytesMax = 64 * 1024;
export const blockTxsMax = 10_000;
export const blockBytesMax = 16 * 1024 * 1024;
export const validatorsMax = 256;
/** A transaction emits at most 256 events (the runtime's cap); the block receipt carries the hooks' events. */
export const eventsPerReceiptMax = 8192;
export const eventBytesMax = 16 * 1024;
export const resultMessageLengthMax = 512;
export const orgIdLengthMax = 64;
/** A transaction may not be valid for longer than this, so replay protection stays bounded. */
export const txExpiryWindowMs = 10 * 60 * 1000;
