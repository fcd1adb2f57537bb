// Limits the runtime enforces on every module (TIGER_STYLE: put a limit on everything). Breaking one
// is a module bug, so it fails an assert and the transaction ends with 'internal_error'.

// Module and method names follow the ledger's transaction format: [a-z][a-z0-9_-]*, at most 32.
// A module name never holds the 0x00 that ends it in a state key.
export const moduleNamePattern = /^[a-z][a-z0-9_-]{0,31}$/;
export const methodNamePattern = /^[a-z][a-z0-9_-]{0,31}$/;
/** Result codes and event types are snake_case. */
export const codePattern = /^[a-z][a-z0-9_]{0,63}$/;

export const resultMessageLengthMax = 512;
/** The ledger's eventsPerReceiptMax: a receipt must be able to carry every event of its tx. */
export const eventsPerTxMax = 256;
export const eventsPerHookMax = 8192;
export const stateKeyBytesMax = 256;
export const stateValueBytesMax = 64 * 1024;
/** How deep `atomically` may nest inside one transaction (tx, chain, and a little room). */
export const atomicDepthMax = 8;
export const blockSeedBytes = 32;
export const txIdBytesMax = 64;
export const signerBytesMax = 256;
