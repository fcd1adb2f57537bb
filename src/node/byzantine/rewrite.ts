// What a Byzantine test validator sends in place of what its honest engine wants to send (after the
// simulator's strategies in test/sim/lib/byzantine.ts). The engine stays unchanged: it believes it
// sent its messages, so everything it does next is what an honest validator would do.
import type { Message, Proposal } from '../../consensus/index.ts';
import { assert } from '../../util/assert.ts';
import type { ByzantineBehaviour } from './config.ts';
import {
  conflictingVote,
  equivocatingProposal,
  type ForgeKey,
  type InvalidBlockKind,
  invalidBlockKinds,
  invalidProposal,
} from './forge.ts';

/** One message to one peer (a validator public key in hex, as the engine names peers). */
export type Outgoing = { readonly to: string; readonly message: Message };

/** What the validator does with a round it leads. */
export type LeaderPlan = 'honest' | 'equivocate' | InvalidBlockKind;

export type RewriterOptions = {
  readonly behaviours: readonly ByzantineBehaviour[];
  readonly key: ForgeKey;
  /** Every other node, in genesis order: where a broadcast goes. */
  readonly peers: readonly string[];
};

export class Rewriter {
  readonly #behaviours: ReadonlySet<ByzantineBehaviour>;
  readonly #key: ForgeKey;
  readonly #peers: readonly string[];
  #leaderTurns = 0;
  #invalidTurns = 0;

  constructor(options: RewriterOptions) {
    assert(options.peers.length > 0, 'byzantine: no peers to misbehave towards');
    this.#behaviours = new Set(options.behaviours);
    this.#key = options.key;
    this.#peers = options.peers;
  }

  /** The messages actually sent for one the engine sends to `to` (undefined: to every peer). */
  rewrite(message: Message, to: string | undefined): Outgoing[] {
    const targets = to === undefined ? this.#peers : [to];
    switch (message.type) {
      case 'vote':
        if (this.#behaviours.has('withhold-votes')) return [];
        if (!this.#behaviours.has('equivocate')) return spread(targets, [message]);
        // The real vote first, so the round can still gather a quorum; the second is evidence.
        return spread(targets, [
          message,
          { type: 'vote', vote: conflictingVote(this.#key, message.vote) },
        ]);
      case 'timeout':
        return this.#behaviours.has('withhold-votes') ? [] : spread(targets, [message]);
      case 'proposal':
        return this.#propose(message, targets);
      default:
        return spread(targets, [message]);
    }
  }

  /** The next plan for a round this validator leads: equivocation and invalid blocks alternate. */
  nextLeaderPlan(): LeaderPlan {
    const equivocate = this.#behaviours.has('equivocate');
    const invalid = this.#behaviours.has('invalid-proposals');
    const turn = this.#leaderTurns++;
    if (equivocate && (!invalid || turn % 2 === 0)) return 'equivocate';
    if (!invalid) return 'honest';
    const kind = invalidBlockKinds[this.#invalidTurns++ % invalidBlockKinds.length];
    assert(kind !== undefined, 'byzantine: an invalid block kind');
    return kind;
  }

  #propose(p: Proposal, targets: readonly string[]): Outgoing[] {
    const plan = this.nextLeaderPlan();
    if (plan === 'honest') return spread(targets, [p]);
    if (plan !== 'equivocate') return spread(targets, [invalidProposal(this.#key, p, plan)]);
    // Half the peers see one block first, the rest the other; each then gets the second one as a
    // relay would deliver it, so every honest validator holds the proof of equivocation.
    const second = equivocatingProposal(this.#key, p);
    const half = Math.ceil(targets.length / 2);
    const out: Outgoing[] = [];
    targets.forEach((to, i) => {
      const [a, b] = i < half ? [p, second] : [second, p];
      out.push({ to, message: a }, { to, message: b });
    });
    assert(out.length === targets.length * 2, 'equivocation: two blocks for every peer');
    return out;
  }
}

function spread(targets: readonly string[], messages: readonly Message[]): Outgoing[] {
  return targets.flatMap((to) => messages.map((message) => ({ to, message })));
}
