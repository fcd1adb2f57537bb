// The contexts a module sees: its own key space (module name, 0x00, key), events, the block, and for
// a transaction the signer and txId. One frame per transaction holds the overlay that is current.
import { type CborValue, CodecError, canEncode, decodeTrusted, encode } from '../codec/index.ts';
import type { SignatureCheck } from '../crypto/suite.ts';
import { recordKeyTag } from '../ledger/state/spec.ts';
import { AssertionError, assert } from '../util/assert.ts';
import { concatBytes, utf8 } from '../util/bytes.ts';
import {
  atomicDepthMax,
  codePattern,
  moduleNamePattern,
  stateKeyBytesMax,
  stateValueBytesMax,
} from './limits.ts';
import type { Overlay } from './overlay.ts';
import type {
  BlockContext,
  BlockInfo,
  EventAttributes,
  MethodResult,
  ModuleRecords,
  ModuleState,
  Signer,
  TxContext,
} from './types.ts';

/** What every context of one transaction (or hook) shares: the current overlay and the event budget. */
export type Frame = {
  overlay: Overlay;
  eventsLeft: number;
  readonly block: BlockInfo;
  readonly isKnownModule: (name: string) => boolean;
  readonly verifySignature: (check: SignatureCheck) => boolean;
};

const prefixes = new Map<string, Uint8Array>();
const recordPrefixes = new Map<string, Uint8Array>();

// Messages of the checks on every read, write and event, built once: an argument is evaluated on
// every call, and a template string there was an allocation per state access.
const stateKeyTooLong = `a state key is at most ${stateKeyBytesMax} bytes`;
const stateValueTooLong = `a state value is at most ${stateValueBytesMax} bytes`;
const atomicTooDeep = `atomically nests at most ${atomicDepthMax} deep`;
const recordExists = 'a record is written once: the key already holds one';
/** Each module's name for its stored values in decoding errors, by module. */
const stateFields = new Map<string, string>();

/** The state-tree prefix of a module's keys: its name and a 0x00, which no name contains. */
export function modulePrefix(module: string): Uint8Array {
  let prefix = prefixes.get(module);
  if (prefix === undefined) {
    assert(moduleNamePattern.test(module), `module name ${JSON.stringify(module)} is not valid`);
    prefix = concatBytes(utf8(module), new Uint8Array([0]));
    prefixes.set(module, prefix);
  }
  return prefix;
}

export function moduleKey(module: string, key: Uint8Array): Uint8Array {
  return prefixedKey(modulePrefix(module), key);
}

/**
 * The prefix of a module's records: the state tree's record tag (which no module name begins
 * with), then the module's own prefix.
 */
export function moduleRecordPrefix(module: string): Uint8Array {
  let prefix = recordPrefixes.get(module);
  if (prefix === undefined) {
    prefix = concatBytes(Uint8Array.of(recordKeyTag), modulePrefix(module));
    recordPrefixes.set(module, prefix);
  }
  return prefix;
}

export function moduleRecordKey(module: string, key: Uint8Array): Uint8Array {
  return prefixedKey(moduleRecordPrefix(module), key);
}

/** A module's key in the state tree: one allocation, as this runs for every read and write. */
function prefixedKey(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  assert(key instanceof Uint8Array, 'a state key is bytes');
  assert(key.length <= stateKeyBytesMax, stateKeyTooLong);
  const out = new Uint8Array(prefix.length + key.length);
  // Byte loops: for keys this short they beat two calls to set().
  for (let i = 0; i < prefix.length; i++) out[i] = prefix[i]!;
  for (let i = 0; i < key.length; i++) out[prefix.length + i] = key[i]!;
  return out;
}

/**
 * Stored values were written canonically by this runtime and committed by this node, so they are
 * decoded without a size limit; failing to decode one is a bug.
 */
export function decodeStored(bytes: Uint8Array, module: string): CborValue {
  let field = stateFields.get(module);
  if (field === undefined) {
    field = `${module} state`;
    stateFields.set(module, field);
  }
  try {
    return decodeTrusted(bytes, field);
  } catch (error) {
    if (error instanceof CodecError) throw new AssertionError(`stored value: ${error.message}`);
    throw error;
  }
}

function encodeStored(value: CborValue, module: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = encode(value);
  } catch (error) {
    // A value the module builds itself is not user input: failing to encode it is a bug.
    if (error instanceof CodecError) throw new AssertionError(`${module} state: ${error.message}`);
    throw error;
  }
  assert(bytes.length <= stateValueBytesMax, stateValueTooLong);
  return bytes;
}

/** Reads one key space (a module's state, or its records) through the transaction's overlay. */
class KeySpaceReader {
  constructor(
    protected readonly frame: Frame,
    protected readonly module: string,
    protected readonly prefix: Uint8Array,
  ) {}

  get(key: Uint8Array): CborValue | undefined {
    const bytes = this.frame.overlay.get(prefixedKey(this.prefix, key));
    return bytes === undefined ? undefined : decodeStored(bytes, this.module);
  }

  has(key: Uint8Array): boolean {
    return this.frame.overlay.get(prefixedKey(this.prefix, key)) !== undefined;
  }
}

class ModuleRecordsView extends KeySpaceReader implements ModuleRecords {
  constructor(frame: Frame, module: string) {
    super(frame, module, moduleRecordPrefix(module));
  }

  add(key: Uint8Array, value: CborValue): void {
    const stateKey = prefixedKey(this.prefix, key);
    const overlay = this.frame.overlay;
    // The module has read the key already (a duplicate check): this is a lookup in the block's map.
    assert(overlay.get(stateKey) === undefined, recordExists);
    overlay.put(stateKey, encodeStored(value, this.module));
  }
}

class ModuleStateView extends KeySpaceReader implements ModuleState {
  readonly records: ModuleRecords;

  constructor(frame: Frame, module: string) {
    super(frame, module, modulePrefix(module));
    this.records = new ModuleRecordsView(frame, module);
  }

  set(key: Uint8Array, value: CborValue): void {
    this.frame.overlay.put(prefixedKey(this.prefix, key), encodeStored(value, this.module));
  }

  delete(key: Uint8Array): void {
    this.frame.overlay.put(prefixedKey(this.prefix, key), null);
  }
}

function emitEvent(frame: Frame, module: string, type: string, attributes: EventAttributes): void {
  if (!codePattern.test(type))
    throw new AssertionError(`event type ${JSON.stringify(type)} is not snake_case`);
  assert(frame.eventsLeft > 0, 'too many events in one transaction or hook');
  // Receipts encode events later; an attribute that cannot be encoded must fail here, in the tx.
  checkAttributes(attributes, type);
  frame.eventsLeft -= 1;
  frame.overlay.events.push({ module, type, attributes });
}

function checkAttributes(attributes: EventAttributes, type: string): void {
  if (!canEncode(attributes))
    throw new AssertionError(`event ${type} has an attribute canonical CBOR cannot carry`);
}

function runAtomically(frame: Frame, fn: () => MethodResult): MethodResult {
  const parent = frame.overlay;
  assert(parent.depth < atomicDepthMax, atomicTooDeep);
  const child = parent.child();
  const eventsLeft = frame.eventsLeft;
  frame.overlay = child;
  let result: MethodResult;
  try {
    result = fn();
    assert(typeof result?.code === 'string', 'an atomic scope returns a result with a code');
  } catch (error) {
    child.discard(); // the writes share the block's map: a scope that throws must take them back
    throw error;
  } finally {
    frame.overlay = parent;
  }
  if (result.code === 'ok') child.mergeIntoParent();
  else {
    child.discard();
    frame.eventsLeft = eventsLeft; // dropped events do not count against the receipt's budget
  }
  return result;
}

// Classes rather than closures: a context is made for every transaction, and methods on a
// prototype cost nothing to make.
class BlockContextView implements BlockContext {
  readonly block: BlockInfo;
  readonly state: ModuleState;

  constructor(
    protected readonly frame: Frame,
    readonly module: string,
  ) {
    if (!frame.isKnownModule(module))
      throw new AssertionError(`module ${module} is not registered`);
    this.block = frame.block;
    this.state = new ModuleStateView(frame, module);
  }

  emit(type: string, attributes: EventAttributes): void {
    emitEvent(this.frame, this.module, type, attributes);
  }

  atomically(fn: () => MethodResult): MethodResult {
    return runAtomically(this.frame, fn);
  }

  forModule(name: string): BlockContext {
    return new BlockContextView(this.frame, name);
  }

  verifySignature(check: SignatureCheck): boolean {
    return this.frame.verifySignature(check);
  }
}

class TxContextView extends BlockContextView implements TxContext {
  constructor(
    frame: Frame,
    module: string,
    readonly txId: Uint8Array,
    readonly signer: Signer,
  ) {
    super(frame, module);
  }

  override forModule(name: string): TxContext {
    return new TxContextView(this.frame, name, this.txId, this.signer);
  }
}

export function createBlockContext(frame: Frame, module: string): BlockContext {
  return new BlockContextView(frame, module);
}

export function createTxContext(
  frame: Frame,
  module: string,
  txId: Uint8Array,
  signer: Signer,
): TxContext {
  return new TxContextView(frame, module, txId, signer);
}
