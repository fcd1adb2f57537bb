// Errors of the gateway's calls as API errors: each code keeps its name and gets its HTTP status.
import { CodecError } from '../../codec/index.ts';
import { TallyError } from '../../util/errors.ts';
import { ApiError } from '../errors.ts';
import type { RemittanceGateway } from '../gateway.ts';
import type { ApiServices } from '../services.ts';

const statusByCode: Readonly<Record<string, number>> = {
  not_found: 404,
  corridor_not_found: 404,
  not_fx_provider: 409,
  no_gateway: 409,
  wrong_organization: 403,
  unsupported_pair: 400,
  fx_rate_unavailable: 400,
  iso20022_invalid: 400,
  range_too_large: 400,
  // A statement whose range may begin before the oldest block this node keeps; a read at a state
  // version it has pruned.
  block_height_unavailable: 404,
  state_height_unavailable: 404,
  no_encryption_key: 409,
  // The one code about another server: the FX provider's node did not answer.
  fx_provider_unreachable: 502,
  mempool_full: 503,
  signer_quota_exceeded: 429,
  // The call is one the caller's organisation, or its gateway key's roles, may not make.
  org_not_permitted: 403,
  signer_not_permitted: 403,
};

/**
 * Any other code is this node's own failure, which the caller cannot mend by asking again
 * differently: its own mempool refusing the transaction its gateway signed (`bad_signature`,
 * `wrong_chain`, `signer_revoked`: a key or a configuration to fix) and the like. 500, with the
 * code kept. A code of the transaction's own (`tx_*`) is the request's: 400.
 */
function statusOf(code: string): number {
  return statusByCode[code] ?? (code.startsWith('tx_') ? 400 : 500);
}

export function toGatewayApiError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof CodecError)
    return new ApiError(400, 'bad_request', error.message, { details: { field: error.field } });
  if (error instanceof TypeError || error instanceof RangeError)
    return new ApiError(400, 'bad_request', error.message);
  if (error instanceof TallyError) {
    return new ApiError(statusOf(error.code), error.code, error.message, {
      details: error.details ?? {},
    });
  }
  return error;
}

/** Runs a gateway call, turning its errors into API errors. */
export async function viaGateway<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toGatewayApiError(error);
  }
}

/** The node's gateway, if the caller belongs to the node's organisation. */
export function gatewayFor(
  services: ApiServices,
  callerOrg: string | undefined,
): RemittanceGateway {
  const gateway = services.gateway;
  if (gateway === undefined)
    throw new ApiError(409, 'no_gateway', 'this node holds no organisation keys (config `org`)');
  if (callerOrg !== gateway.orgId)
    throw new ApiError(
      403,
      'wrong_organization',
      `this node acts for ${gateway.orgId}; ${callerOrg ?? 'an unknown caller'} must use its own node`,
      { details: { nodeOrg: gateway.orgId, callerOrg } },
    );
  return gateway;
}
