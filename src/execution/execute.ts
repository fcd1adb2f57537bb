// Executes one block: beginBlock hooks, each transaction in its own overlay, endBlock hooks, then
// the sorted state changes. Pure: the same registry, state, block and transactions give the same
// output byte for byte on every node.
//
// A module that throws has a bug. The runtime does not abort the block for it: that would let any
// client halt the chain with one transaction that hits the bug. The failing transaction (or hook)
// is rolled back and recorded as 'internal_error' with a fixed message, never the engine's text,
// which differs between Node versions and would fork validators. Errors that are not the module's
// and may differ between nodes (the committed state unreadable, the stack exhausted) abort the
// block instead: the node must stop rather than commit a result its peers may not share.
import { CodecError } from '../codec/index.ts';
import type { SignatureCheck } from '../crypto/suite.ts';
import { verifyNow } from '../crypto/verified-signatures.ts';
import { assert } from '../util/assert.ts';
import { createBlockContext, createTxContext, type Frame } from './context.ts';
import {
  blockSeedBytes,
  codePattern,
  eventsPerHookMax,
  eventsPerTxMax,
  resultMessageLengthMax,
  signerBytesMax,
  txIdBytesMax,
} from './limits.ts';
import { Overlay, StateReadError } from './overlay.ts';
import type { Registry } from './registry.ts';
import {
  type BlockInfo,
  type BlockOutput,
  type Event,
  type MethodResult,
  runtimeCodes,
  type StateReader,
  type TxCall,
  type TxResult,
} from './types.ts';

export type ExecuteOptions = {
  /** Told about every module bug turned into 'internal_error', for the operator's log. */
  onInternalError?: (error: unknown, where: string) => void;
  /** Signature checks the node already made (VerifiedSignatures.verify); default: verify now. */
  verifySignature?: (check: SignatureCheck) => boolean;
};

/** Errors that may not be the same on every node: they abort the block. */
export function isFatalError(error: unknown): boolean {
  if (error instanceof StateReadError) return true;
  return error instanceof RangeError && /call stack/i.test(error.message);
}

export function executeBlock(
  registry: Registry,
  reader: StateReader,
  block: BlockInfo,
  txs: readonly TxCall[],
  options: ExecuteOptions = {},
): BlockOutput {
  const steps = executeBlockSteps(registry, reader, block, txs, options);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/**
 * executeBlock, pausing after each transaction: the caller may hand the thread to other work between
 * steps (a node answers its peers while it executes a large block). Nothing a step leaves behind
 * depends on when the next one runs, so the output is executeBlock's, byte for byte, as long as the
 * state the reader sees does not change before the last step.
 */
export function* executeBlockSteps(
  registry: Registry,
  reader: StateReader,
  block: BlockInfo,
  txs: readonly TxCall[],
  options: ExecuteOptions = {},
): Generator<void, BlockOutput, void> {
  checkBlock(block);
  const root = Overlay.root(reader);
  const isKnownModule = (name: string) => registry.findModule(name) !== undefined;
  const verifySignature = options.verifySignature ?? verifyNow;
  const blockEvents: Event[] = [];
  runHooks(registry, root, block, 'beginBlock', blockEvents, isKnownModule, options);
  const results: TxResult[] = [];
  for (const tx of txs) {
    yield;
    const frame: Frame = {
      overlay: root,
      eventsLeft: eventsPerTxMax,
      block,
      isKnownModule,
      verifySignature,
    };
    results.push(executeTx(registry, frame, tx, options));
    assert(frame.overlay === root, 'a transaction leaves the block overlay current');
  }
  yield;
  runHooks(registry, root, block, 'endBlock', blockEvents, isKnownModule, options);
  assert(results.length === txs.length, 'one result per transaction');
  return { results, changes: root.changes(), events: blockEvents };
}

function checkBlock(block: BlockInfo): void {
  assert(
    Number.isSafeInteger(block.height) && block.height >= 0,
    'block.height is an unsigned integer',
  );
  assert(
    Number.isSafeInteger(block.timeMs) && block.timeMs >= 0,
    'block.timeMs is an unsigned integer',
  );
  assert(block.seed instanceof Uint8Array, 'block.seed is bytes');
  assert(block.seed.length === blockSeedBytes, `block.seed is ${blockSeedBytes} bytes`);
}

function checkTx(tx: TxCall): void {
  assert(tx.txId instanceof Uint8Array && tx.txId.length <= txIdBytesMax, 'tx.txId is bytes');
  assert(
    tx.signer instanceof Uint8Array && tx.signer.length <= signerBytesMax,
    'tx.signer is bytes',
  );
  assert(typeof tx.suite === 'string', 'tx.suite is a string');
  assert(typeof tx.module === 'string' && typeof tx.method === 'string', 'tx names its method');
}

function executeTx(
  registry: Registry,
  frame: Frame,
  tx: TxCall,
  options: ExecuteOptions,
): TxResult {
  checkTx(tx);
  const parent = frame.overlay;
  const overlay = parent.child();
  frame.overlay = overlay;
  let result: MethodResult;
  try {
    result = checkSigner(registry, frame, tx, options) ?? dispatch(registry, frame, tx, options);
  } finally {
    frame.overlay = parent;
  }
  if (result.code !== runtimeCodes.ok) {
    overlay.discard();
    return failed(tx, result.code, result.message);
  }
  const events = [...overlay.events];
  overlay.mergeIntoParent();
  return result.message === undefined
    ? { txId: tx.txId, code: result.code, events }
    : { txId: tx.txId, code: result.code, message: result.message, events };
}

/** Runs the transaction's method in the frame's current (the transaction's own) overlay. */
function dispatch(
  registry: Registry,
  frame: Frame,
  tx: TxCall,
  options: ExecuteOptions,
): MethodResult {
  if (registry.findModule(tx.module) === undefined)
    return { code: runtimeCodes.unknownModule, message: `no module named ${clip(tx.module)}` };
  const method = registry.findMethod(tx.module, tx.method);
  if (method === undefined)
    return {
      code: runtimeCodes.unknownMethod,
      message: `${tx.module} has no method ${clip(tx.method)}`,
    };
  try {
    const ctx = createTxContext(frame, tx.module, tx.txId, signerOf(tx));
    return checkResult(method(ctx, tx.args));
  } catch (error) {
    return resultOfError(error, `${tx.module}.${tx.method}`, options);
  }
}

function signerOf(tx: TxCall): { suite: string; publicKey: Uint8Array } {
  return { suite: tx.suite, publicKey: tx.signer };
}

/**
 * The modules' verdicts on the signer, from state as it stands at this transaction: a key revoked
 * by an earlier transaction of the same block no longer signs. Runs in the transaction's overlay,
 * so anything a check wrote by mistake goes with a refusal; undefined lets the transaction run.
 */
function checkSigner(
  registry: Registry,
  frame: Frame,
  tx: TxCall,
  options: ExecuteOptions,
): MethodResult | undefined {
  for (const module of registry.signerChecks) {
    let result: MethodResult | undefined;
    try {
      result = module.checkSigner!(createTxContext(frame, module.name, tx.txId, signerOf(tx)));
    } catch (error) {
      return resultOfError(error, `${module.name}.checkSigner`, options);
    }
    if (result === undefined) continue;
    assert(checkResult(result).code !== runtimeCodes.ok, 'a signer refusal is not ok');
    assert(frame.overlay.events.length === 0, 'a signer check emits no events');
    return result;
  }
  return undefined;
}

function checkResult(result: MethodResult): MethodResult {
  assert(typeof result === 'object' && result !== null, 'a method returns a result');
  assert(
    typeof result.code === 'string' && codePattern.test(result.code),
    'a result code is snake_case',
  );
  if (result.message !== undefined) {
    assert(typeof result.message === 'string', 'a result message is a string');
    assert(result.message.length <= resultMessageLengthMax, 'a result message is short');
  }
  return result;
}

function resultOfError(error: unknown, where: string, options: ExecuteOptions): MethodResult {
  if (isFatalError(error)) throw error;
  if (error instanceof CodecError) {
    // Only argument decoding throws CodecError to a method: the runtime turns state and event
    // codec failures into assertions. The message is the codec's own text, naming the field.
    return { code: runtimeCodes.invalidArgs, message: clip(error.message, resultMessageLengthMax) };
  }
  options.onInternalError?.(error, where);
  return { code: runtimeCodes.internalError, message: `${where} failed` };
}

function runHooks(
  registry: Registry,
  root: Overlay,
  block: BlockInfo,
  hook: 'beginBlock' | 'endBlock',
  blockEvents: Event[],
  isKnownModule: (name: string) => boolean,
  options: ExecuteOptions,
): void {
  for (const module of registry.modules) {
    const run = module[hook];
    if (run === undefined) continue;
    const overlay = root.child();
    const frame: Frame = {
      overlay,
      eventsLeft: eventsPerHookMax,
      block,
      isKnownModule,
      verifySignature: options.verifySignature ?? verifyNow,
    };
    try {
      run.call(module, createBlockContext(frame, module.name));
      assert(frame.overlay === overlay, 'a hook leaves its overlay current');
      blockEvents.push(...overlay.events);
      overlay.mergeIntoParent();
    } catch (error) {
      if (isFatalError(error)) throw error;
      overlay.discard();
      options.onInternalError?.(error, `${module.name}.${hook}`);
      blockEvents.push({
        module: module.name,
        type: runtimeCodes.internalError,
        attributes: { hook },
      });
    }
  }
}

/** A result that kept nothing: no writes, no events. */
function failed(tx: TxCall, code: string, message: string | undefined): TxResult {
  return message === undefined
    ? { txId: tx.txId, code, events: [] }
    : { txId: tx.txId, code, message, events: [] };
}

/** Names echoed from a transaction into its receipt are cut short: receipts have a size budget. */
function clip(text: string, lengthMax = 64): string {
  return text.length <= lengthMax ? text : `${text.slice(0, lengthMax - 3)}...`;
}
