// The authenticated state tree: versioned by height, with inclusion and non-inclusion proofs.
// verify.ts, proof.ts and spec.ts are browser-safe; the rest needs Node (LMDB, node:crypto).

export {
  decodeStateProof,
  encodeStateProof,
  type StateProof,
  type StateProofLevel,
  stateProofBytesMax,
} from './proof.ts';
export { type PruneResult, pruneBatchOpsMax } from './prune.ts';
export {
  emptyRoot,
  isRecordKey,
  recordKeyTag,
  stateKeyBytesMax,
  stateValueBytesMax,
} from './spec.ts';
export {
  cacheNodesMaxDefault,
  openStateTree,
  PreparedBlock,
  type StateChange,
  type StateChanges,
  StateTree,
  type StateTreeOptions,
  stateTableNames,
} from './tree.ts';
export { verifyStateProof } from './verify.ts';
