// Public node information: GET /v1/status, GET /v1/validators, and the operator's probes /health,
// /ready and /metrics (Prometheus text format); docs/api.md, Endpoints.
import type { FastifyInstance } from 'fastify';
import { encodeValidatorSet, quorumSize, type ValidatorSet } from '../../ledger/validator-set.ts';
import { toHex } from '../../util/bytes.ts';
import { notFound } from '../errors.ts';
import { errorResponses, hash32Hex, heightQuery, hexString } from '../schemas.ts';
import type { ApiServices, NodeInfo } from '../services.ts';

const statusResponse = {
  type: 'object',
  properties: {
    chainId: { type: 'string' },
    nodeId: { type: 'string' },
    orgId: { type: 'string' },
    kind: { type: 'string', enum: ['validator', 'observer'] },
    height: { type: 'integer' },
    executedHeight: { type: 'integer' },
    stateRoot: hash32Hex,
    epoch: { type: 'integer' },
    round: { type: 'integer' },
    peers: {
      type: 'array',
      items: {
        type: 'object',
        properties: { nodeId: { type: 'string' }, orgId: { type: 'string' } },
      },
    },
    mempool: {
      type: 'object',
      properties: { txs: { type: 'integer' }, bytes: { type: 'integer' } },
    },
    syncing: { type: 'boolean' },
    retained: {
      type: 'object',
      description:
        'the lowest block height this node holds and the oldest state version it can prove (config `prune`)',
      properties: { blocksFrom: { type: 'integer' }, stateFrom: { type: 'integer' } },
    },
    version: { type: 'string' },
    gateway: {
      type: 'object',
      description:
        'present when the node acts for its organisation (config `org`): the key its gateway signs with',
      properties: { orgId: { type: 'string' }, suite: { type: 'string' }, publicKey: hexString },
    },
  },
} as const;

const validatorsResponse = {
  type: 'object',
  required: ['epoch', 'quorum', 'validators', 'setHex'],
  properties: {
    epoch: { type: 'integer' },
    quorum: { type: 'integer' },
    validators: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          nodeId: { type: 'string', description: 'the genesis node holding this key' },
          orgId: { type: 'string' },
          suite: { type: 'string' },
          publicKey: hexString,
        },
      },
    },
    setHex: { ...hexString, description: 'canonical encoding; headers carry its hash' },
  },
} as const;

function statusToJson(services: ApiServices) {
  const s = services.status();
  return {
    chainId: s.chainId,
    nodeId: s.nodeId,
    orgId: s.orgId,
    kind: s.kind,
    height: s.height,
    executedHeight: s.executedHeight,
    stateRoot: toHex(s.stateRoot),
    epoch: s.epoch,
    round: s.round,
    peers: s.peers.map((p) => ({ nodeId: p.nodeId, orgId: p.orgId })),
    mempool: { txs: s.mempoolTxs, bytes: s.mempoolBytes },
    syncing: s.syncing,
    ...retainedToJson(services),
    version: s.version,
    ...gatewayToJson(services),
  };
}

/** What pruning has left: absent on a node with no block yet. */
function retainedToJson(services: ApiServices) {
  const blocksFrom = services.blocks.baseHeight();
  const stateFrom = services.state.oldestHeight;
  if (blocksFrom === undefined || stateFrom === undefined) return {};
  return { retained: { blocksFrom, stateFrom } };
}

/** Public like the rest: every transaction the gateway signs already names this key on chain. */
function gatewayToJson(services: ApiServices) {
  const gateway = services.gateway;
  if (gateway === undefined) return {};
  const { suite, publicKey } = gateway.signingKey;
  return { gateway: { orgId: gateway.orgId, suite, publicKey: toHex(publicKey) } };
}

function optionalNodeId(nodeId: string | undefined) {
  return nodeId === undefined ? {} : { nodeId };
}

function validatorsToJson(set: ValidatorSet, nodes: readonly NodeInfo[]) {
  const nodeIds = new Map(nodes.map((n) => [toHex(n.publicKey), n.nodeId]));
  return {
    epoch: set.epoch,
    quorum: quorumSize(set.validators.length),
    validators: set.validators.map((v) => ({
      ...optionalNodeId(nodeIds.get(toHex(v.publicKey))),
      orgId: v.orgId,
      suite: v.suite,
      publicKey: toHex(v.publicKey),
    })),
    setHex: toHex(encodeValidatorSet(set)),
  };
}

export function registerStatusRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get(
    '/v1/status',
    {
      schema: {
        summary: "The node's chain, heights, peers and mempool",
        tags: ['node'],
        response: { 200: statusResponse, ...errorResponses },
      },
    },
    async () => statusToJson(services),
  );
  app.get<{ Querystring: { height?: number } }>(
    '/v1/validators',
    {
      schema: {
        summary: 'The validator set in force at a height (latest by default)',
        tags: ['node'],
        querystring: heightQuery,
        response: { 200: validatorsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { height } = request.query;
      const latest = services.blocks.latestHeight();
      if (height !== undefined && (latest === undefined || height > latest)) {
        throw notFound(`block ${height}`);
      }
      return validatorsToJson(services.validators(height), services.nodes?.() ?? []);
    },
  );
  registerProbes(app, services);
}

function registerProbes(app: FastifyInstance, services: ApiServices): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, height: { type: 'integer' } },
          },
        },
      },
    },
    async () => ({ status: 'ok', height: services.status().height }),
  );
  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: started, caught up and connected to enough validators',
        tags: ['operations'],
        response: {
          200: {
            type: 'object',
            properties: { ready: { type: 'boolean' }, height: { type: 'integer' } },
          },
          503: {
            type: 'object',
            properties: {
              ready: { type: 'boolean' },
              reason: { type: 'string' },
              height: { type: 'integer' },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      // The height beside the answer shows what a node that says ready can serve.
      const readiness = services.readiness();
      const height = services.finalHeight();
      if (readiness.ready) return { ready: true, height };
      return reply.code(503).send({ ready: false, reason: readiness.reason, height });
    },
  );
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics, text exposition format',
        tags: ['operations'],
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const text = await services.metrics.metrics();
      return reply.type(services.metrics.contentType).send(text);
    },
  );
}
