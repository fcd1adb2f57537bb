// The simulator's checkers: agreement (one block per height among honest validators), validity
// (only proposed, valid blocks commit, each on its parent), no honest double signature across
// restarts, and liveness after the heal (every honest validator commits new blocks).

import { blockHash, hashHex } from '../../../src/consensus/digest.ts';
import type { Evidence, Message } from '../../../src/consensus/index.ts';
import type { Block, BlockHeader } from '../../../src/ledger/block.ts';
import type { ValidatorSet } from '../../../src/ledger/validator-set.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { validateSimBlock } from './payload.ts';
import type { Scenario } from './scenario.ts';

type Node = {
  readonly index: number;
  readonly strategy: string | undefined;
  readonly evidence: Evidence[];
};

export class Checker {
  failure: string | null = null;
  private readonly byHeight = new Map<number, string>();
  private readonly proposed = new Set<string>();
  private readonly signed = new Map<string, string>();
  private readonly tips: BlockHeader[];
  private readonly heights: number[];
  private heightsAtHeal: number[] | null = null;
  readonly epochChanges: { height: number; set: ValidatorSet }[] = [];
  votesSigned = 0;
  /** Commits of blocks that extend a QC older than the previous round (a TC let them through). */
  tcJustifiedCommits = 0;

  constructor(
    private readonly nodes: readonly Node[],
    genesis: Block,
    private readonly scenario: Scenario,
  ) {
    this.tips = nodes.map(() => genesis.header);
    this.heights = nodes.map(() => 0);
  }

  fail(reason: string): void {
    if (this.failure === null) this.failure = reason;
  }

  private honest(node: Node): boolean {
    return node.strategy === undefined;
  }

  /** Every signature an honest node sends: never two blocks for one (epoch, round). */
  onSend(node: Node, m: Message): void {
    if (m.type === 'proposal') this.proposed.add(hashHex(blockHash(m.block.header)));
    if (!this.honest(node)) return;
    let key: string | undefined;
    let hash: string | undefined;
    if (m.type === 'vote') {
      key = `${node.index}:${m.vote.epoch}:${m.vote.round}`;
      hash = hashHex(m.vote.blockHash);
    } else if (m.type === 'proposal') {
      const h = m.block.header;
      key = `${node.index}:${h.epoch}:${h.round}`;
      hash = hashHex(blockHash(h));
    }
    if (key === undefined || hash === undefined) return;
    this.votesSigned++;
    const earlier = this.signed.get(key);
    if (earlier !== undefined && earlier !== hash)
      this.fail(`honest node ${node.index} signed two blocks at ${key}`);
    this.signed.set(key, hash);
  }

  onCommit(node: Node, block: Block, nextValidators: ValidatorSet | undefined): void {
    if (!this.honest(node)) return;
    const h = block.header;
    const hash = hashHex(blockHash(h));
    const tip = this.tips[node.index]!;
    if (h.height !== tip.height + 1 || !bytesEqual(h.parentHash, blockHash(tip))) {
      this.fail(
        `validity: node ${node.index} committed height ${h.height} not on its tip ${tip.height}`,
      );
    }
    if (!this.proposed.has(hash))
      this.fail(`validity: node ${node.index} committed an unproposed block at ${h.height}`);
    const verdict = validateSimBlock(block, tip);
    if (!verdict.ok)
      this.fail(`validity: node ${node.index} committed an invalid block (${verdict.reason})`);
    const other = this.byHeight.get(h.height);
    if (other !== undefined && other !== hash)
      this.fail(`agreement: two blocks committed at height ${h.height}`);
    this.byHeight.set(h.height, hash);
    if (nextValidators !== undefined && !this.epochChanges.some((c) => c.height === h.height)) {
      this.epochChanges.push({ height: h.height, set: nextValidators });
    }
    if (h.justify.round > 0 && h.justify.round + 1 < h.round) this.tcJustifiedCommits++;
    this.tips[node.index] = h;
    this.heights[node.index] = h.height;
  }

  markHeal(): void {
    this.heightsAtHeal = [...this.heights];
  }

  private laggards(blocks: number): number[] {
    const base = this.heightsAtHeal;
    if (base === null) return this.nodes.map((n) => n.index);
    return this.nodes
      .filter((n) => this.honest(n) && this.heights[n.index]! - base[n.index]! < blocks)
      .map((n) => n.index);
  }

  livenessReached(blocks: number): boolean {
    return this.laggards(blocks).length === 0;
  }

  livenessReport(): string {
    const base = this.heightsAtHeal ?? this.heights;
    const lag = this.laggards(this.scenario.livenessBlocks);
    return lag.map((i) => `node ${i} committed ${this.heights[i]! - base[i]!} blocks`).join(', ');
  }

  committedMin(): number {
    return Math.min(...this.nodes.filter((n) => this.honest(n)).map((n) => this.heights[n.index]!));
  }

  committedMax(): number {
    return Math.max(...this.heights);
  }
}
