// The deterministic runtime: module registry, block execution, state overlays and contexts.
export {
  decodeStored,
  moduleKey,
  modulePrefix,
  moduleRecordKey,
  moduleRecordPrefix,
} from './context.ts';
export {
  type ExecuteOptions,
  executeBlock,
  executeBlockSteps,
  isFatalError,
} from './execute.ts';
export * from './limits.ts';
export { createMemoryState, type MemoryState } from './memory.ts';
export { StateReadError } from './overlay.ts';
export { type ModuleStateReader, readModuleState } from './read.ts';
export { createRegistry, type Registry } from './registry.ts';
export * from './types.ts';
