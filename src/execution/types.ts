// Types shared by the deterministic runtime and the modules it runs. The ledger's Receipt and Event
// encodings mirror TxCall, TxResult, Event and StateChange field for field.
import type { CborValue } from '../codec/index.ts';
import type { SignatureCheck } from '../crypto/suite.ts';

/** Committed state at the start of the block (the state tree in production, a Map in tests). */
export interface StateReader {
  /** `id`, when given, is `key` as the overlay's keyId() spells it: a reader that keys a Map by it need not build it again. */
  get(key: Uint8Array, id?: string): Uint8Array | undefined;
}

/** What a block gives its transactions instead of a clock or a random source. */
export type BlockInfo = {
  readonly height: number;
  /** Block time in milliseconds since the Unix epoch, agreed by consensus. */
  readonly timeMs: number;
  /** 32 bytes derived from the block by consensus: the only randomness a module may use. */
  readonly seed: Uint8Array;
};

export type Signer = {
  readonly suite: string;
  readonly publicKey: Uint8Array;
};

/** One transaction as the runtime sees it: signature and nonce were checked before execution. */
export type TxCall = {
  readonly txId: Uint8Array;
  readonly suite: string;
  readonly signer: Uint8Array;
  readonly module: string;
  readonly method: string;
  readonly args: CborValue;
};

export type EventAttributes = { readonly [key: string]: CborValue };

export type Event = {
  readonly module: string;
  readonly type: string;
  readonly attributes: EventAttributes;
};

/** `code` is 'ok' or a snake_case result code; events are empty unless the code is 'ok'. */
export type TxResult = {
  readonly txId: Uint8Array;
  readonly code: string;
  readonly message?: string;
  readonly events: readonly Event[];
};

/** A key to write (`value` set) or delete (`value` null) in the state tree. */
export type StateChange = {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /** Whether the committed state held a value for `key` before the block (the state tree then need not look). */
  readonly existed: boolean;
};

export type BlockOutput = {
  readonly results: TxResult[];
  /** Sorted by key bytes, one entry per key, no entry that leaves a key as it was. */
  readonly changes: StateChange[];
  /** Events from the beginBlock and endBlock hooks (expiries and the like), in the order emitted. */
  readonly events: Event[];
};

/** What a method returns: 'ok' keeps its writes and events, any other code discards them. */
export type MethodResult = {
  readonly code: string;
  readonly message?: string;
};

/** Reads a module's records (see ModuleRecords). */
export interface RecordReader {
  get(key: Uint8Array): CborValue | undefined;
  has(key: Uint8Array): boolean;
}

/**
 * A module's records: values written once and never changed or deleted (a posted transfer), in a
 * key space of their own. The state tree stores them by their place in the chain rather than by
 * their key's hash, which makes adding them several times cheaper (spec.ts in ledger/state); the
 * price is that a record's absence cannot be proven. Adding a key that exists is a bug: it throws.
 */
export interface ModuleRecords extends RecordReader {
  add(key: Uint8Array, value: CborValue): void;
}

/** A module's own key space; values are canonical CBOR. Keys are relative to the module's prefix. */
export interface ModuleState {
  get(key: Uint8Array): CborValue | undefined;
  has(key: Uint8Array): boolean;
  set(key: Uint8Array, value: CborValue): void;
  delete(key: Uint8Array): void;
  readonly records: ModuleRecords;
}

/** What the beginBlock/endBlock hooks get: state, events and the block, no signer. */
export interface BlockContext {
  readonly module: string;
  readonly block: BlockInfo;
  readonly state: ModuleState;
  emit(type: string, attributes: EventAttributes): void;
  /**
   * Runs `fn` in a nested overlay: its writes and events are kept if it returns 'ok' and discarded
   * otherwise (linked transfer chains). An exception discards them and propagates.
   */
  atomically(fn: () => MethodResult): MethodResult;
  /**
   * The same context scoped to another module's key space and event name, for trusted module code
   * that calls another module's keeper functions (the bank's transfers from an app module).
   */
  forModule(name: string): BlockContext;
  /**
   * Whether a signature the call carries verifies (a quote its provider signed). The node checked
   * the signatures a module declares in carriedSignatures when the transaction arrived, in
   * parallel; this finds that check, or verifies now. The answer is the same either way.
   */
  verifySignature(check: SignatureCheck): boolean;
}

export interface TxContext extends BlockContext {
  readonly txId: Uint8Array;
  readonly signer: Signer;
  forModule(name: string): TxContext;
}

export type Method = (ctx: TxContext, args: CborValue) => MethodResult;

export type Module = {
  readonly name: string;
  readonly methods: { readonly [name: string]: Method };
  beginBlock?(ctx: BlockContext): void;
  endBlock?(ctx: BlockContext): void;
  /**
   * Vets every transaction's signer against state as it stands at that transaction (the identity
   * module: is the key live?), before any module runs it. A result fails the transaction with no
   * effects; undefined lets it through. Runs in registration order, for every transaction.
   */
  checkSigner?(ctx: TxContext): MethodResult | undefined;
  /**
   * The signatures a call carries besides the transaction's own, for the node to check in parallel
   * when the transaction arrives (execution then finds them checked: verifySignature). Pure and
   * cheap: arguments it cannot read give none, and the method refuses them when it runs.
   */
  carriedSignatures?(method: string, args: CborValue): readonly SignatureCheck[];
};

/** Result codes the runtime itself gives; modules add their own. */
export const runtimeCodes = {
  ok: 'ok',
  invalidArgs: 'invalid_args',
  unknownModule: 'unknown_module',
  unknownMethod: 'unknown_method',
  internalError: 'internal_error',
} as const;
