// Limits the runtime enforces on every module (TIGER_STYLE: put a limit on everything). Breaking one
// is a module bug, so it fails an assert and the transaction ends with 'internal_error'.

/** Module names: lower-case, so the 0x00 that ends a name in a state key can never occur in it. */
export const moduleNamePattern = /^[a-z][a-z0-9_]{0,31}$/;
/** Method names are camelCase identifiers. */
export const methodNamePattern = /^[a-z][A-Za-z0-9]{0,63}$/;
/** Result codes and event types are snake_case. */
export const codePattern = /^[a-z][a-z0-9_]{0,63}$/;

export const resultMessageLengthMax = 512;
export const eventsPerTxMax = 8192;
export const eventsPerHookMax = 8192;
export const stateKeyBytesMax = 256;
export const stateValueBytesMax = 64 * 1024;
/** How deep `atomically` may nest inside one transaction (tx, chain, and a little room). */
export const atomicDepthMax = 8;
export const blockSeedBytes = 32;
export const txIdBytesMax = 64;
export const signerBytesMax = 256;
