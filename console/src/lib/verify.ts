// What the console checks in the browser, with the SDK's light-client functions: a transaction's
// block is final (its commit certificate signed by a quorum of the genesis validators) and the
// transaction is in it (a Merkle inclusion proof to the certified txRoot); a state value's proof.
import { decode } from '../../../src/codec/index.ts';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../../src/crypto/merkle.ts';
import { quorumSize } from '../../../src/ledger/validator-set.ts';
import {
  type CborValue,
  type Client,
  fromHex,
  type GetBlockReturnType,
  getBlock,
  getProof,
  toHex,
  verifyBlockResponse,
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
  readonly signers: readonly Signer[];
  readonly quorum: number;
};

/** Which validators of the trusted set signed the QC (bit i of the bitmap: validator i). */
function signersOf(block: GetBlockReturnType, network: NetworkInfo): Signer[] {
  const bitmap = block.qc?.signers ?? new Uint8Array(0);
  return network.validatorSet.validators.map((v, i) => ({
    orgId: v.orgId,
    publicKey: toHex(v.publicKey),
    signed: ((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) !== 0,
  }));
}

/** Throws the SDK's TallyError (certificate_invalid, validator_set_mismatch, ...) when not final. */
export function checkCertificate(
  block: GetBlockReturnType,
  network: NetworkInfo,
): CertificateCheck {
  verifyBlockResponse({ block, validatorSet: network.validatorSet, chainId: network.chainId });
  const signers = signersOf(block, network);
  return {
    height: block.height,
    blockHash: block.hash,
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
 * against the genesis validators, and a Merkle path from the txId leads to the certified txRoot.
 */
export async function checkInclusion(
  client: Client,
  network: NetworkInfo,
  txId: string,
  height: number,
  index: number,
): Promise<InclusionCheck> {
  const block = await getBlock(client, { height });
  const certificate = checkCertificate(block, network);
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
};

/** A state value with its proof checked to a header that a quorum of the genesis validators signed. */
export async function checkState(
  client: Client,
  network: NetworkInfo,
  keyHex: string,
): Promise<StateCheck> {
  const response = await getProof(client, { key: keyHex });
  const value = verifyStateProofResponse({
    response,
    validatorSet: network.validatorSet,
    key: keyHex,
    chainId: network.chainId,
  });
  return {
    value: value === null ? null : decode(value, { field: 'value' }),
    stateHeight: response.height,
    blockHeight: response.blockHeight,
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
