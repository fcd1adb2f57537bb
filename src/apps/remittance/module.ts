// The remittance as a runtime module ('remittance'): corridor set-up, send, accept, reject, review,
// and the endBlock sweep that expires unanswered remittances. Issue #5; the contract between the
// workers is in the spec (four linked pending legs, result codes in send's check order).
import { type CborValue, CodecError, readMap } from '../../codec/index.ts';
import type { SignatureCheck } from '../../crypto/suite.ts';
import type { BlockContext, Module } from '../../execution/index.ts';
import { quoteSignatureCheck } from '../../modules/fx/index.ts';
import { readSignedQuote, type SignedQuote } from '../../modules/fx/quote.ts';
import type { Directory } from '../../modules/identity/index.ts';
import { registerCorridor, setAcceptancePolicy, setKyc, setSanctions } from './admin.ts';
import {
  readCorridorInput,
  readIdInput,
  readKycInput,
  readPolicyInput,
  readRejectInput,
  readReviewInput,
  readSanctionsInput,
  readSendInput,
} from './args.ts';
import { remittanceModuleName } from './constants.ts';
import { accept, expireDue, reject, review } from './resolve.ts';
import { send } from './send.ts';
import { RemittanceStore } from './store.ts';

export type RemittanceOptions = { directory: Directory };

/** A send carries its FX provider's signature over the quote: the node checks it on arrival. */
function sendQuoteCheck(args: CborValue): readonly SignatureCheck[] {
  let quote: SignedQuote;
  try {
    quote = readSignedQuote(readMap(args, 'args').quote, 'args.quote');
  } catch (error) {
    if (error instanceof CodecError) return []; // send refuses the arguments when it runs
    throw error;
  }
  const check = quoteSignatureCheck(quote);
  return check === undefined ? [] : [check];
}

export function createRemittanceModule(options: RemittanceOptions): Module {
  const { directory } = options;
  const storeOf = (ctx: BlockContext) => new RemittanceStore(ctx.state);
  return {
    name: remittanceModuleName,
    methods: {
      register_corridor: (ctx, args) =>
        registerCorridor(ctx, directory, storeOf(ctx), readCorridorInput(args, 'args')),
      set_kyc: (ctx, args) => setKyc(ctx, directory, storeOf(ctx), readKycInput(args, 'args')),
      set_acceptance_policy: (ctx, args) =>
        setAcceptancePolicy(ctx, directory, storeOf(ctx), readPolicyInput(args, 'args')),
      load_sanctions: (ctx, args) =>
        setSanctions(ctx, directory, storeOf(ctx), readSanctionsInput(args, 'args')),
      send: (ctx, args) => send(ctx, directory, storeOf(ctx), readSendInput(args, 'args')),
      accept: (ctx, args) => accept(ctx, directory, storeOf(ctx), readIdInput(args, 'args')),
      reject: (ctx, args) => reject(ctx, directory, storeOf(ctx), readRejectInput(args, 'args')),
      review: (ctx, args) => review(ctx, directory, storeOf(ctx), readReviewInput(args, 'args')),
    },
    carriedSignatures: (method, args) => (method === 'send' ? sendQuoteCheck(args) : []),
    endBlock(ctx) {
      const store = storeOf(ctx);
      expireDue(ctx, store);
    },
  };
}
