// The HTTP status each gateway error gets (src/api/routes/gateway-errors.ts): the caller's mistakes
// are 4xx, another server's silence 502, and this node's own failures 500, never a 502 that blames
// an upstream there is none of.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.ts';
import { toGatewayApiError } from '../../src/api/routes/gateway-errors.ts';
import { CodecError } from '../../src/codec/index.ts';
import type { AdmitRejectCode } from '../../src/mempool/results.ts';
import { TallyError } from '../../src/util/errors.ts';

function statusOf(error: unknown): { status: number; code: string } {
  const mapped = toGatewayApiError(error);
  assert.ok(mapped instanceof ApiError, String(mapped));
  return { status: mapped.statusCode, code: mapped.code };
}

/** What the gateway throws when its own node's mempool refuses the transaction it signed. */
function refused(code: string): TallyError {
  return new TallyError(code, `the gateway's transaction was refused: ${code}`);
}

describe('gateway errors as HTTP statuses', () => {
  it("the mempool's refusals of the gateway's own transaction", () => {
    const expected: Record<AdmitRejectCode, number> = {
      tx_too_large: 400,
      tx_malformed: 400,
      tx_expired: 400,
      tx_expiry_too_far: 400,
      tx_already_committed: 400,
      mempool_full: 503,
      signer_quota_exceeded: 429,
      // The node signed with a key or for a chain its own mempool refuses: its configuration.
      wrong_chain: 500,
      bad_signature: 500,
    };
    for (const [code, status] of Object.entries(expected))
      assert.deepEqual(statusOf(refused(code)), { status, code }, code);
  });

  it("the permission check's codes: the call is not the organisation's to make, or the key is gone", () => {
    assert.deepEqual(statusOf(refused('org_not_permitted')), {
      status: 403,
      code: 'org_not_permitted',
    });
    assert.deepEqual(statusOf(refused('signer_not_permitted')), {
      status: 403,
      code: 'signer_not_permitted',
    });
    assert.deepEqual(statusOf(refused('signer_revoked')), { status: 500, code: 'signer_revoked' });
    assert.deepEqual(statusOf(refused('signer_unknown')), { status: 500, code: 'signer_unknown' });
  });

  it('an unknown code is the node failing, kept by name; only the FX provider is an upstream', () => {
    assert.deepEqual(statusOf(new TallyError('not_admitted', 'no result')), {
      status: 500,
      code: 'not_admitted',
    });
    assert.deepEqual(statusOf(new TallyError('fx_provider_unreachable', 'timed out')), {
      status: 502,
      code: 'fx_provider_unreachable',
    });
  });

  it("the caller's own input: malformed bytes and out-of-range values are 400", () => {
    assert.deepEqual(statusOf(new CodecError('wrong_type', 'quote.signature', 'expected bytes')), {
      status: 400,
      code: 'bad_request',
    });
    assert.deepEqual(statusOf(new RangeError('amount: too large')), {
      status: 400,
      code: 'bad_request',
    });
  });

  it('an ApiError passes unchanged, and an error of another kind is left for the server', () => {
    const apiError = new ApiError(409, 'no_gateway', 'none');
    assert.equal(toGatewayApiError(apiError), apiError);
    const plain = new Error('boom');
    assert.equal(toGatewayApiError(plain), plain);
  });
});
