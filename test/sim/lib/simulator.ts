// The deterministic simulator (after TigerBeetle's VOPR): validators run the real consensus step()
// over a virtual network with delay, loss, duplication, partitions, crashes and Byzantine peers.
import {
  type Action,
  type ConsensusConfig,
  type ConsensusState,
  createConsensusState,
  decodeMessage,
  type Evidence,
  encodeMessage,
  type Input,
  type Message,
  type PersistRecord,
  step,
} from '../../../src/consensus/index.ts';
import type { Block } from '../../../src/ledger/block.ts';
import { hashValidatorSet, type ValidatorSet } from '../../../src/ledger/validator-set.ts';
import { toHex } from '../../../src/util/bytes.ts';
import { misbehave, type Outgoing } from './byzantine.ts';
import { Checker } from './checkers.ts';
import { createSimKey, type SimKey, simVerify } from './keys.ts';
import { createPayload, setChangeTx, txRootOf, validateSimBlock } from './payload.ts';
import { Prng } from './prng.ts';
import { EventQueue } from './queue.ts';
import {
  roundTimeoutDoublingsMax,
  roundTimeoutMs,
  type Scenario,
  type Strategy,
} from './scenario.ts';

export const chainId = 'tally-sim';
const eventsMax = 1_000_000;

type Event =
  | { kind: 'deliver'; to: number; from: number; message: Message | Uint8Array }
  | { kind: 'timer'; node: number; token: number; epoch: number; round: number }
  | {
      kind: 'payload';
      node: number;
      token: number;
      request: Extract<Action, { type: 'request-payload' }>;
    }
  | { kind: 'crash'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'heal' }
  | { kind: 'set-change'; members: readonly number[] };

export type SimNode = {
  readonly index: number;
  readonly key: SimKey;
  readonly peer: string;
  readonly config: ConsensusConfig;
  readonly strategy: Strategy | undefined;
  state: ConsensusState | null;
  readonly log: PersistRecord[];
  timerToken: number;
  /** Counts crashes: a payload asked for before one is never delivered. */
  payloadToken: number;
  evidence: Evidence[];
};

export type SimResult = {
  readonly ok: boolean;
  readonly failure: string | null;
  readonly virtualMs: number;
  readonly events: number;
  /** Lowest committed height among honest nodes at the end. */
  readonly committedMin: number;
  readonly evidence: readonly Evidence[];
};

export class Simulator {
  readonly nodes: SimNode[];
  readonly checker: Checker;
  private readonly queue = new EventQueue<Event>();
  private readonly prng: Prng;
  private readonly byPeer = new Map<string, number>();
  private pendingSet: ValidatorSet | null = null;
  private events = 0;
  private healed = false;
  private readonly encoded = new WeakMap<Message, Uint8Array>();
  /** Sees every message as it is sent (tests collect samples through it). */
  tap: ((message: Message) => void) | null = null;
  /** Sees every commit of an honest node, with the virtual time it happened. */
  commitTap: ((node: number, height: number, atMs: number) => void) | null = null;

  constructor(readonly scenario: Scenario) {
    this.prng = new Prng(scenario.seed ^ 0x5eed);
    const keyPrng = this.prng.fork();
    const keys = Array.from({ length: scenario.n + scenario.spares }, () => createSimKey(keyPrng));
    const genesisSet = this.validatorSet(keys, 0, [...Array(scenario.n).keys()]);
    const genesis = createGenesis(genesisSet);
    this.nodes = keys.map((key, index) => {
      const config: ConsensusConfig = {
        chainId,
        genesis,
        genesisValidators: genesisSet,
        publicKey: key.publicKey,
        sign: key.sign,
        verify: simVerify,
        validateBlock: validateSimBlock,
        roundTimeoutMs,
        roundTimeoutDoublingsMax,
        syncWindowBlocks: 1024,
        syncBlocksMax: 64,
      };
      const node: SimNode = {
        index,
        key,
        peer: toHex(key.publicKey),
        config,
        strategy: scenario.byzantine.get(index),
        state: null,
        log: [],
        timerToken: 0,
        payloadToken: 0,
        evidence: [],
      };
      this.byPeer.set(node.peer, index);
      return node;
    });
    this.checker = new Checker(this.nodes, genesis, scenario);
  }

  validatorSet(keys: readonly SimKey[], epoch: number, members: readonly number[]): ValidatorSet {
    const validators = members.map((i) => ({
      suite: 'ed25519' as const,
      publicKey: keys[i]!.publicKey,
      orgId: `org${i}`,
    }));
    return { epoch, validators };
  }

  /** Runs until liveness is shown after the heal, a checker fails, or the window closes. */
  run(): SimResult {
    const sc = this.scenario;
    for (const node of this.nodes) this.boot(node);
    for (const c of sc.crashes) {
      this.queue.push(c.atMs, { kind: 'crash', node: c.node });
      this.queue.push(c.restartMs, { kind: 'restart', node: c.node });
    }
    for (const change of sc.setChanges)
      this.queue.push(change.atMs, { kind: 'set-change', members: change.members });
    this.queue.push(sc.healMs, { kind: 'heal' });
    const deadlineMs = sc.healMs + sc.livenessWindowMs;
    for (;;) {
      const next = this.queue.pop();
      if (next === undefined || next.atMs > deadlineMs) break;
      this.handle(next.event);
      if (this.checker.failure !== null) break;
      if (this.healed && this.checker.livenessReached(sc.livenessBlocks) && this.setChangesDone())
        break;
      if (++this.events > eventsMax) {
        this.checker.fail(`runaway: more than ${eventsMax} events`);
        break;
      }
    }
    if (
      this.checker.failure === null &&
      !(this.healed && this.checker.livenessReached(sc.livenessBlocks))
    ) {
      this.checker.fail(
        `liveness: ${this.checker.livenessReport()} within ${sc.livenessWindowMs} ms of the heal`,
      );
    }
    return {
      ok: this.checker.failure === null,
      failure: this.checker.failure,
      virtualMs: this.queue.nowMs,
      events: this.events,
      committedMin: this.checker.committedMin(),
      evidence: this.nodes.flatMap((n) => (n.strategy === undefined ? n.evidence : [])),
    };
  }

  private setChangesDone(): boolean {
    return (
      this.pendingSet === null &&
      this.queue.nowMs >= Math.max(0, ...this.scenario.setChanges.map((c) => c.atMs))
    );
  }

  private boot(node: SimNode): void {
    let state = createConsensusState(node.config);
    for (const record of node.log) state = step(state, { type: 'replay', record }).state;
    node.state = state;
    this.input(node, { type: 'start' });
  }

  private handle(e: Event): void {
    switch (e.kind) {
      case 'deliver': {
        const node = this.nodes[e.to]!;
        if (node.state === null) return;
        const message = e.message instanceof Uint8Array ? decodeMessage(e.message) : e.message;
        this.input(node, { type: 'message', from: this.nodes[e.from]!.peer, message });
        return;
      }
      case 'timer': {
        const node = this.nodes[e.node]!;
        if (node.state === null || node.timerToken !== e.token) return;
        this.input(node, { type: 'timer-fired', epoch: e.epoch, round: e.round });
        return;
      }
      case 'payload': {
        const node = this.nodes[e.node]!;
        if (node.state === null || node.payloadToken !== e.token) return;
        this.deliverPayload(node, e.request);
        return;
      }
      case 'crash': {
        const node = this.nodes[e.node]!;
        node.state = null;
        node.timerToken++;
        node.payloadToken++;
        return;
      }
      case 'restart':
        if (this.nodes[e.node]!.state === null) this.boot(this.nodes[e.node]!);
        return;
      case 'heal':
        this.healed = true;
        for (const node of this.nodes) if (node.state === null) this.boot(node);
        this.checker.markHeal();
        return;
      case 'set-change': {
        const epoch = Math.max(...this.nodes.map((n) => n.state?.epoch ?? 0)) + 1;
        this.pendingSet = this.validatorSet(
          this.nodes.map((n) => n.key),
          epoch,
          e.members,
        );
        return;
      }
    }
  }

  private input(node: SimNode, input: Input): void {
    const result = step(node.state!, input);
    node.state = result.state;
    this.apply(node, result.actions);
  }

  private apply(node: SimNode, actions: readonly Action[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'persist':
          node.log.push(action.record);
          break;
        case 'send':
          this.send(node, this.byPeer.get(action.to)!, action.message);
          break;
        case 'broadcast':
          for (const other of this.nodes)
            if (other !== node) this.send(node, other.index, action.message);
          break;
        case 'set-timer': {
          const token = ++node.timerToken;
          const at = this.queue.nowMs + action.durationMs;
          this.queue.push(at, {
            kind: 'timer',
            node: node.index,
            token,
            epoch: action.epoch,
            round: action.round,
          });
          break;
        }
        case 'request-payload': {
          const delayMs = this.scenario.payloadDelayMs ?? 0;
          if (delayMs === 0) this.deliverPayload(node, action);
          else
            this.queue.push(this.queue.nowMs + delayMs, {
              kind: 'payload',
              node: node.index,
              token: node.payloadToken,
              request: action,
            });
          break;
        }
        case 'commit':
          this.checker.onCommit(node, action.block, action.nextValidators);
          if (node.strategy === undefined)
            this.commitTap?.(node.index, action.block.header.height, this.queue.nowMs);
          if (
            action.nextValidators !== undefined &&
            this.pendingSet?.epoch === action.nextValidators.epoch
          ) {
            this.pendingSet = null;
          }
          break;
        case 'evidence':
          node.evidence.push(action.evidence);
          break;
      }
    }
  }

  private deliverPayload(node: SimNode, req: Extract<Action, { type: 'request-payload' }>): void {
    this.input(node, {
      type: 'payload',
      epoch: req.epoch,
      round: req.round,
      payload: this.payloadFor(node, req),
    });
  }

  private payloadFor(node: SimNode, req: Extract<Action, { type: 'request-payload' }>) {
    const txs: Uint8Array[] = [
      new Uint8Array([node.index, req.round & 0xff, (req.round >> 8) & 0xff]),
    ];
    if (this.pendingSet !== null && this.pendingSet.epoch === req.epoch + 1)
      txs.push(setChangeTx(this.pendingSet));
    const timeMs = Math.max(req.parent.timeMs, this.queue.nowMs);
    return createPayload(
      txs,
      timeMs,
      Math.max(0, Math.min(req.parent.height, node.state!.root.block.header.height)),
    );
  }

  private send(node: SimNode, to: number, message: Message): void {
    const outgoing: Outgoing[] =
      node.strategy === undefined
        ? [{ to, message, extraDelayMs: 0 }]
        : misbehave(node.strategy, to, message, { chainId, key: node.key, prng: this.prng });
    for (const o of outgoing) {
      this.checker.onSend(node, o.message);
      this.tap?.(o.message);
      this.transmit(node.index, o.to, o.message, o.extraDelayMs);
    }
  }

  private transmit(from: number, to: number, message: Message, extraDelayMs: number): void {
    const sc = this.scenario;
    const now = this.queue.nowMs;
    if (!this.healed) {
      if (this.partitioned(from, to, now)) return;
      if (sc.lossRate > 0 && this.prng.chance(sc.lossRate)) return;
    }
    const payload = sc.wire ? this.encodeOnce(message) : message;
    const copies =
      !this.healed && sc.duplicateRate > 0 && this.prng.chance(sc.duplicateRate) ? 2 : 1;
    for (let k = 0; k < copies; k++) {
      const delay = sc.delayMsMax === 0 ? 0 : this.prng.int(sc.delayMsMin, sc.delayMsMax);
      this.queue.push(now + delay + extraDelayMs, { kind: 'deliver', to, from, message: payload });
    }
  }

  /** A broadcast is encoded once, as a node sends the same bytes to every peer. */
  private encodeOnce(message: Message): Uint8Array {
    let bytes = this.encoded.get(message);
    if (bytes === undefined) {
      bytes = encodeMessage(message);
      this.encoded.set(message, bytes);
    }
    return bytes;
  }

  private partitioned(a: number, b: number, now: number): boolean {
    for (const p of this.scenario.partitions) {
      if (now >= p.startMs && now < p.endMs && p.side.has(a) !== p.side.has(b)) return true;
    }
    return false;
  }
}

/** The genesis block of a simulated chain: height 0, round 0, certified by the epoch root QC. */
export function createGenesis(set: ValidatorSet): Block {
  const zero = new Uint8Array(32);
  const header = {
    chainId,
    height: 0,
    epoch: set.epoch,
    round: 0,
    parentHash: zero,
    timeMs: 0,
    proposer: 0,
    txRoot: txRootOf([]),
    txCount: 0,
    stateHeight: 0,
    stateRoot: zero,
    resultsRoot: zero,
    validatorSetHash: hashValidatorSet(set),
    justify: {
      epoch: set.epoch,
      round: 0,
      height: 0,
      blockHash: zero,
      signers: new Uint8Array(1),
      signatures: [],
    },
  };
  return { header, txs: [] };
}

export function runSeed(scenario: Scenario): SimResult {
  return new Simulator(scenario).run();
}
