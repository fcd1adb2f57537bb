// Drives the pure consensus engine with real I/O (CONVENTIONS rule 1): one input at a time through
// step(), then its actions in order. A persist action is made durable (fsync) before any action after
// it runs, so no vote or proposal leaves before the record that forbids signing twice. Commits go to
// an ordered execution pipeline that never blocks the consensus loop.
import {
  type Action,
  type CommitAction,
  type ConsensusConfig,
  type ConsensusState,
  createConsensusState,
  type Input,
  type Message,
  type PersistRecord,
  step,
} from '../consensus/index.ts';
import type { Block } from '../ledger/block.ts';
import type { QuorumCertificate } from '../ledger/certificate.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { assert } from '../util/assert.ts';
import type { ConsensusLog } from './wal.ts';

export type DriverLog = {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

export type DriverDeps = {
  readonly log: DriverLog;
  readonly wal: ConsensusLog;
  /** Hands a message to one peer (validator public key, hex) or to all. */
  readonly send: (peer: string, message: Message) => void;
  readonly broadcast: (message: Message) => void;
  /** Builds the payload for a round this node leads (may wait briefly for transactions). */
  readonly buildPayload: (
    request: Extract<Action, { type: 'request-payload' }>,
  ) => Promise<Input & { type: 'payload' }>;
  /** Called in height order for each committed block; runs behind the consensus loop. */
  readonly onCommit: (commit: CommitAction) => void;
  readonly onEvidence: (evidence: Extract<Action, { type: 'evidence' }>) => void;
  /** Checks a logged block's signatures again before replay (the cache did not survive). */
  readonly prepareBlock: (block: Block) => Promise<void>;
  /** A step or an action threw: consensus has stopped, and the node must stop with it. */
  readonly onFatal: (error: unknown) => void;
  /** This validator's timer for `round` fired before the round moved on (a metric counts it). */
  readonly onRoundTimeout?: (round: number) => void;
};

/** Where consensus restarts from: the executed tip and its certificate (absent at genesis). */
export type DriverStart = {
  readonly tip?: { readonly block: Block; readonly qc: QuorumCertificate };
  readonly validators: ValidatorSet;
};

export class ConsensusDriver {
  #state: ConsensusState;
  readonly #config: ConsensusConfig;
  readonly #deps: DriverDeps;
  readonly #queue: Input[] = [];
  #pumping = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #idle: Promise<void> = Promise.resolve();
  #steps = 0;
  /** Payloads being built; close() waits for them, since building reads the store. */
  readonly #building = new Set<Promise<void>>();

  constructor(config: ConsensusConfig, deps: DriverDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#state = createConsensusState(config);
  }

  get state(): Readonly<ConsensusState> {
    return this.#state;
  }

  get steps(): number {
    return this.#steps;
  }

  /**
   * Rebuilds the engine from the executed tip and the log (blocks voted for, then the safety
   * record), then starts it. Called once, and again after catching up outside consensus.
   */
  async restart(from: DriverStart): Promise<void> {
    assert(!this.#closed, 'driver: restart after close');
    const logged = this.#deps.wal.load();
    for (const record of logged)
      if (record.kind === 'block') await this.#deps.prepareBlock(record.block);
    this.#state = createConsensusState(this.#config);
    this.#queue.length = 0;
    const records: PersistRecord[] = [];
    if (from.tip !== undefined && from.tip.block.header.height > 0)
      records.push({
        kind: 'commit',
        block: from.tip.block,
        qc: from.tip.qc,
        validators: from.validators,
        witness: null,
      });
    records.push(...logged);
    for (const record of records) this.#runStep({ type: 'replay', record }, false);
    this.input({ type: 'start' });
  }

  /** Queues one input; inputs run strictly one after another. */
  input(input: Input): void {
    if (this.#closed) return;
    this.#queue.push(input);
    if (!this.#pumping) this.#idle = this.#pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#queue.length = 0;
    await this.#idle;
    await Promise.all(this.#building);
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const input = this.#queue.shift()!;
        const actions = this.#runStep(input, true);
        await this.#apply(actions);
      }
    } catch (error) {
      // Nothing vouches for the engine's state after a step that threw (a state read after a failed
      // write, a bug): it takes no more input, and the node's fatal stop decides the exit.
      this.#closed = true;
      this.#queue.length = 0;
      this.#deps.onFatal(error);
    } finally {
      this.#pumping = false;
    }
  }

  #runStep(input: Input, live: boolean): readonly Action[] {
    const result = step(this.#state, input);
    this.#state = result.state;
    this.#steps++;
    return live ? result.actions : [];
  }

  async #apply(actions: readonly Action[]): Promise<void> {
    let pending: PersistRecord[] = [];
    for (const action of actions) {
      if (action.type === 'persist') {
        pending.push(action.record);
        continue;
      }
      if (pending.length > 0) {
        await this.#deps.wal.save(pending);
        pending = [];
      }
      if (this.#closed) return;
      this.#act(action);
    }
    if (pending.length > 0) await this.#deps.wal.save(pending);
  }

  #act(action: Exclude<Action, { type: 'persist' }>): void {
    switch (action.type) {
      case 'send':
        this.#deps.send(action.to, action.message);
        break;
      case 'broadcast':
        this.#deps.broadcast(action.message);
        break;
      case 'set-timer':
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => {
          this.#deps.log.info(
            { round: action.round, afterMs: action.durationMs },
            'round timed out',
          );
          this.#deps.onRoundTimeout?.(action.round);
          this.input({ type: 'timer-fired', epoch: action.epoch, round: action.round });
        }, action.durationMs);
        break;
      case 'request-payload': {
        const building = this.#deps.buildPayload(action).then(
          (payload) => this.input(payload),
          (error: unknown) => {
            if (!this.#closed)
              this.#deps.log.error({ err: error, round: action.round }, 'payload failed');
          },
        );
        this.#building.add(building);
        void building.finally(() => this.#building.delete(building));
        break;
      }
      case 'commit':
        this.#deps.onCommit(action);
        break;
      case 'evidence':
        this.#deps.onEvidence(action);
        break;
    }
  }
}
