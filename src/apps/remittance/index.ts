// The cross-border remittance app (issue #5): its module, method arguments and read side.
export * from './args.ts';
export * from './codes.ts';
export * from './constants.ts';
export { legId, legIds } from './legs.ts';
export { utcDay, utcMonth } from './limits.ts';
export { createRemittanceModule, type RemittanceOptions } from './module.ts';
export { netObligations } from './positions.ts';
export * from './queries.ts';
export { expiredReasonCode, refusedReasonCode } from './resolve.ts';
export { statusEventType } from './status.ts';
export { RemittanceReader, remittanceKeys } from './store.ts';
