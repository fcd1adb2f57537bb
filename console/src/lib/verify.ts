// What the console checks in the browser, with the SDK's light-client functions: a transaction's
// block is final (its commit certificate signed by a quorum of the validators of the block's epoch)
// and the transaction is in it (a Merkle inclusion proof to the certified txRoot); a state value's
// proof. The genesis set is the only one trusted: later sets are followed from it, hand-over by
// hand-over (GET /v1/epochs, checked with verifyEpochChain).
import { decode } from '../../../src/codec/index.ts';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../../src/crypto/merkle.ts';
import { decodeHeader } from '../../../src/ledger/block.ts';
import { quorumSize } from '../../../src/ledger/validator-set.ts';
import {
  type CborValue,
  type Client,
  fromHex,
  type GetBlockReturnType,
  getBlock,
  getEpochs,
  getProof,
  toHex,
  type ValidatorSet,
  type VerifyEpochChainReturnType,
  validatorSetOfEpoch,
  verifyBlockInEpochs,
  verifyEpochChain,
  verifyStateProofResponse,
} from '../../../src/sdk/index.ts';
import type { NetworkInfo } from './network.ts';

export type Signer = {
  readonly orgId: string;
  readonly publicKey: string;
  readonly signed: boolean;
};

export type CertificateCheck = {
  readonly height: number;
  readonly blockHash: string;
  /** The epoch whose set signed: 1 is the genesis set, later ones were followed from it. */
  readonly epoch: number;
  readonly signers: readonly Signer[];
  readonly quorum: number;
};

/** The verified epochs per network, fetched once and again only when a block names a newer epoch. */
const epochChains = new WeakMap<NetworkInfo, Promise<VerifyEpochChainReturnType>>();

function fetchEpochChain(client: Client, network: NetworkInfo) {
  const chain = getEpochs(client).then((epochs) =>
    verifyEpochChain({ chainId: network.chainId, genesisSet: network.validatorSet, epochs }),
  );
  // A failed fetch or check is not remembered: the next look tries again.
  chain.catch(() => epochChains.delete(network));
  epochChains.set(network, chain);
  return chain;
}

/** The verified sets up to at least `epoch` (the genesis set alone needs no request). */
export async function epochChainFor(
  client: Client,
  network: NetworkInfo,
  epoch: number,
): Promise<VerifyEpochChainReturnType> {
  const genesis = network.validatorSet;
  if (epoch === genesis.epoch)
    return [{ epoch: genesis.epoch, startHeight: 1, validatorSet: genesis }];
  const cached = await epochChains.get(network)?.catch(() => undefined);
  if (cached?.some((e) => e.epoch >= epoch)) return cached;
  return fetchEpochChain(client, network);
}

/** Which validators of the epoch's set signed the QC (bit i of the bitmap: validator i). */
function signersOf(block: GetBlockReturnType, set: ValidatorSet): Signer[] {
  const bitmap = block.qc?.signers ?? new Uint8Array(0);
  return set.validators.map((v, i) => ({
    orgId: v.orgId,
    publicKey: toHex(v.publicKey),
    signed: ((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) !== 0,
  }));
}

/**
 * Checks the block's QC against the verified set of the epoch its header names. Throws the SDK's
 * TallyError (certificate_invalid, epoch_proof_invalid, epoch_unknown, ...) when not final.
 */
export async function checkCertificate(
  client: Client,
  block: GetBlockReturnType,
  network: NetworkInfo,
): Promise<CertificateCheck> {
  const { epoch } = block.header;
  const epochs = await epochChainFor(client, network, epoch);
  verifyBlockInEpochs({ block, epochs, chainId: network.chainId });
  const signers = signersOf(block, validatorSetOfEpoch(epochs, epoch));
  return {
    height: block.height,
    blockHash: block.hash,
    epoch,
    signers,
    quorum: quorumSize(signers.length),
  };
}

export type InclusionCheck = {
  readonly certificate: CertificateCheck;
  readonly txRoot: string;
  readonly index: number;
  readonly txCount: number;
  readonly pathLength: number;
};

/**
 * The transaction at `index` of block `height` is included in a final block: the block's QC verifies
 * against its epoch's validators, and a Merkle path from the txId leads to the certified txRoot.
 */
export async function checkInclusion(
  client: Client,
  network: NetworkInfo,
  txId: string,
  height: number,
  index: number,
): Promise<InclusionCheck> {
  const block = await getBlock(client, { height });
  const certificate = await checkCertificate(client, block, network);
  const leaves = block.txIds.map((id) => fromHex(id, 'txId'));
  if (block.txIds[index] !== txId)
    throw new Error(`block ${height} has another transaction at ${index}`);
  if (toHex(merkleRoot(leaves)) !== toHex(block.header.txRoot))
    throw new Error('the block body does not match the certified txRoot');
  const path = merkleProof(leaves, index);
  if (!verifyMerkleProof(block.header.txRoot, leaves[index]!, index, leaves.length, path))
    throw new Error('the inclusion proof does not lead to the certified txRoot');
  return {
    certificate,
    txRoot: toHex(block.header.txRoot),
    index,
    txCount: leaves.length,
    pathLength: path.length,
  };
}

export type StateCheck = {
  readonly value: CborValue | null;
  readonly stateHeight: number;
  readonly blockHeight: number;
  /** The epoch whose validators signed the header. */
  readonly epoch: number;
};

/** A state value with its proof checked to a header that a quorum of its epoch's validators signed. */
export async function checkState(
  client: Client,
  network: NetworkInfo,
  keyHex: string,
): Promise<StateCheck> {
  const response = await getProof(client, { key: keyHex });
  // The epoch the header names picks the set; verifyStateProofResponse then checks the header with it.
  const epoch = decodeHeader(fromHex(response.headerHex, 'headerHex')).epoch;
  const epochs = await epochChainFor(client, network, epoch);
  const value = verifyStateProofResponse({
    response,
    validatorSet: validatorSetOfEpoch(epochs, epoch),
    key: keyHex,
    chainId: network.chainId,
  });
  return {
    value: value === null ? null : decode(value, { field: 'value' }),
    stateHeight: response.height,
    blockHeight: response.blockHeight,
    epoch,
  };
}

/** A CBOR value as display JSON: bytes as hex, bigints as decimal strings. */
export function cborToJson(value: CborValue | undefined): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(cborToJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, cborToJson(v as CborValue)]),
    );
  return value;
}
