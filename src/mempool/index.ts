// The mempool's public surface: createMempool, its options, admission results and limits.
export * from './limits.ts';
export { createMempool } from './mempool.ts';
export type { MempoolDeps, MempoolOptions, VerifyFunction } from './options.ts';
export type { AdmitRejectCode, AdmitResult, PermissionResult } from './results.ts';
export { type CarriedSignatureDeps, verifyTxSignatures } from './signatures.ts';
export type {
  AdmitOptions,
  AdmittedBatch,
  AdmittedListener,
  Mempool,
  ReapOptions,
} from './types.ts';
