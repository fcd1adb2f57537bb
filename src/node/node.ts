// One place wires the node (CONVENTIONS rule 5, after lodestar's BeaconNode.init): storage, execution,
// mempool, peer transport, the consensus driver and the API are built in order, each with a child
// logger, and closed in reverse order.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { type ApiServer, createApiServer } from '../api/server.ts';
import type { ConsensusConfig } from '../consensus/index.ts';
import { ed25519Backend } from '../crypto/libsodium.ts';
import type { KeyPair } from '../crypto/suite.ts';
import { getSuite } from '../crypto/suites.ts';
import { VerifiedSignatures } from '../crypto/verified-signatures.ts';
import { verifyPool } from '../crypto/verify-batch.ts';
import { BlockExecutor } from '../execution/block-executor.ts';
import { createRegistry } from '../execution/registry.ts';
import type { VerifyFn } from '../ledger/certificate.ts';
import { EpochStore } from '../ledger/epoch-store.ts';
import { createMempool, type Mempool } from '../mempool/index.ts';
import type { Transport } from '../p2p/types.ts';
import { isStorageFailure, openStore, type Store } from '../storage/index.ts';
import { AdmissionLimit } from './admission.ts';
import { BlockChecker } from './block-check.ts';
import { createNodeOutbound } from './byzantine/index.ts';
import { Catchup, restoreState } from './catchup/index.ts';
import {
  carriedSignaturesOf,
  chainModules,
  genesisDirectory,
  governanceSetup,
} from './chain-modules.ts';
import { CommitPipeline } from './commits.ts';
import { type NodeConfig, treeWorkerEnabled } from './config.ts';
import { checkDataFormat } from './data-format.ts';
import { ConsensusDriver } from './driver.ts';
import { Epochs } from './epochs.ts';
import { EvidenceStore, recordEvidence } from './evidence-store.ts';
import { closeConsensus, FatalStop } from './fatal.ts';
import { createNodeGateway, loadOrgKeys, type OrgKeys } from './gateway/index.ts';
import {
  createGenesisBlock,
  type Genesis,
  type GenesisNode,
  genesisToJson,
  genesisValidatorSet,
  loadGenesis,
} from './genesis.ts';
import { addStorageMetrics, createNodeMetrics, type NodeMetrics } from './metrics.ts';
import { NodeNetwork } from './network.ts';
import { findSelf, loadNodeKey, readPassphrase } from './node-key.ts';
import { ExecutionCost, PayloadBuilder } from './payload.ts';
import { createKeyRegistry } from './permissions.ts';
import { createServices, latestState } from './services.ts';
import { createNodeTransport } from './transport.ts';
import { ConsensusLog } from './wal.ts';

/** Committed blocks kept in memory to answer peers' consensus sync; older ones come from disk. */
const syncWindowBlocks = 16;
const syncBlocksMax = 8;
/** How long a proposal may wait for this node's execution to reach the state it certifies. */
const executionWaitMs = 2000;
/** A block's execution may take up to this fraction of a round timeout (PayloadBuilder). */
const executionBudgetPerRoundTimeout = 2;
const walCompactEveryBlocks = 64;

export type NodeDeps = {
  /** Where logs go (default: stdout as JSON lines). */
  readonly logger?: Logger;
  /** The key file's passphrase, when not in TALLY_KEY_PASSPHRASE or the config's passphraseFile. */
  readonly passphrase?: string;
};

export type TallyNode = {
  readonly genesis: Genesis;
  readonly self: GenesisNode;
  readonly apiUrl: string;
  readonly p2pPort: number;
  readonly metrics: NodeMetrics;
  readonly executor: BlockExecutor;
  /** Stops everything in reverse order of construction; safe to call twice. */
  close(): Promise<void>;
};

const verify: VerifyFn = (suite, message, signature, publicKey) =>
  getSuite(suite).verify(message, signature, publicKey);

export async function createNode(config: NodeConfig, deps: NodeDeps = {}): Promise<TallyNode> {
  const genesis = loadGenesis(config.genesisFile);
  const self = findSelf(genesis, config.nodeId);
  const key = loadNodeKey(config, self, deps);
  const orgKeys =
    config.org === undefined
      ? undefined
      : loadOrgKeys(config, genesis, self, readPassphrase(config, deps));
  const log = (deps.logger ?? pino({ level: config.logLevel })).child({ node: self.nodeId });
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  // Disk trouble and other fatal failures: one log line, close, a documented exit code (fatal.ts).
  const fatal = new FatalStop({
    log,
    dataDir: config.dataDir,
    close,
    exit: (code) => process.exit(code),
  });
  try {
    return await assemble(config, genesis, self, { key, orgKeys }, log, closers, close, fatal);
  } catch (error) {
    if (isStorageFailure(error)) await fatal.stop(error);
    await close();
    throw error;
  }
}

async function assemble(
  config: NodeConfig,
  genesis: Genesis,
  self: GenesisNode,
  keys: { key: KeyPair; orgKeys: OrgKeys | undefined },
  log: Logger,
  closers: (() => Promise<void> | void)[],
  close: () => Promise<void>,
  fatal: FatalStop,
): Promise<TallyNode> {
  const { key, orgKeys } = keys;
  const metrics = createNodeMetrics({ nodeId: self.nodeId, orgId: self.orgId });
  // Signature workers start now, not on the first large batch, so that batch does not wait for them.
  verifyPool()
    .warm()
    .catch((error: unknown) => log.warn({ err: error }, 'signature workers failed to start'));
  const store: Store = openStore({
    path: join(config.dataDir, 'ledger'),
    reserveBytes: config.storageReserveBytes,
    onWriteFailed: (error) => void fatal.stop(error),
  });
  closers.push(() => store.close());
  await checkDataFormat(store, config.dataDir);
  addStorageMetrics(metrics, store);
  const transport = createNodeTransport(config, genesis, self, log);
  closers.push(() => transport.close());
  // Started before the executor opens the state tree: state sync fills the empty store first.
  const p2pAddress = await transport.start();
  if (config.stateSync.enabled)
    await restoreState(
      { chainId: genesis.chainId, validators: genesisValidatorSet(genesis), verify },
      { store, transport, log: log.child({ part: 'catchup' }) },
    );
  const directory = genesisDirectory(genesis);
  const modules = createRegistry(chainModules(directory, governanceSetup(genesis)));
  // Signatures transactions carry (a send's quote), checked on arrival for execution to find.
  const carried = new VerifiedSignatures({
    onCheck: (found) =>
      metrics.carriedChecks.inc({ outcome: found ? 'pre_verified' : 'verified_now' }),
  });
  const treeWorker = treeWorkerEnabled(config.treeWorker, availableParallelism());
  const executor = new BlockExecutor(
    {
      chainId: genesis.chainId,
      execute: { verifySignature: (check) => carried.verify(check) },
      treeWorker,
    },
    { store, registry: modules },
  );
  // Before the store closes (closers run last to first): the worker holds the store open too.
  closers.push(() => executor.close());
  const genesisBlock = createGenesisBlock(genesis);
  if (executor.height === undefined) await executor.commit(genesisBlock);
  const validators = genesisValidatorSet(genesis);
  // The sets after genesis, each written with the block that ended the epoch before (epochs.ts).
  const epochs = new Epochs({
    store: new EpochStore(store, validators),
    state: executor.state,
    executedHeight: () => executor.height ?? 0,
    blockTimeAt: (height) => executor.blocks.blockAt(height)?.header.timeMs,
  });
  // Keys added and revoked on chain, rebuilt from state on every start (permissions.ts).
  const registry = createKeyRegistry(genesis, { state: latestState(executor), directory });
  let commits: CommitPipeline | undefined;
  const checker: BlockChecker = new BlockChecker({
    chainId: genesis.chainId,
    registry,
    pending: (id) => mempool.get(id),
    rootsAt: (height) => commits?.rootsAt(height),
    isCommitted: (id, expiresAtMs) => executor.blocks.hasTxExpiringAt(id, expiresAtMs),
    epochOf: (header, parent) => epochs.decide(header, parent),
    carriedSignatures: (tx) => carriedSignaturesOf(modules, tx, log),
    carriedVerified: (item) => carried.remember(item),
  });
  const mempool = createMempool(
    { chainId: genesis.chainId, txsMax: config.mempoolTxsMax },
    {
      now: Date.now,
      isCommitted: (id, expiresAtMs) => executor.blocks.hasTxExpiringAt(id, expiresAtMs),
      checkPermission: (tx) => registry.checkTransaction(tx),
      verify: (items) => checker.verifyShared(items),
      carriedSignatures: (tx) => carriedSignaturesOf(modules, tx, log),
      carriedVerified: (item) => carried.remember(item),
    },
  );
  mempool.onAdmitted((batch) => checker.markVerified(batch.txs));
  commits = new CommitPipeline({
    executor,
    decoded: (block) => checker.transactions(block),
    onFatal: (error) => void fatal.stop(error, 'executing a committed block failed'),
    epochs,
  });
  closers.push(() => commits.drained());
  commits.onExecuted((committed) =>
    registry.applyExecuted(committed.receipts, latestState(executor)),
  );

  const executionCost = new ExecutionCost();
  const payloads = new PayloadBuilder(
    {
      blockTxsMax: genesis.consensus.blockTxsMax,
      emptyBlockDelayMs: genesis.consensus.emptyBlockDelayMs,
      blockIntervalMinMs: genesis.consensus.blockIntervalMinMs,
      executionWaitMs,
      executionBacklogMax: 1,
      executionBudgetMs: genesis.consensus.roundTimeoutMs / executionBudgetPerRoundTimeout,
    },
    {
      mempool,
      executionBacklog: () => commits.queued,
      waitBacklog: (blocksMax, ms) => commits.waitBacklog(blocksMax, ms),
      now: Date.now,
      executedHeight: () => commits.height,
      rootsAt: (height) => commits.rootsAt(height),
      waitExecuted: (height, ms) => commits.waitExecuted(height, ms),
      executionMsPerTx: () => executionCost.msPerTx,
    },
  );
  const consensusLog = log.child({ part: 'consensus' });
  let network: NodeNetwork | undefined;
  const consensusConfig: ConsensusConfig = {
    chainId: genesis.chainId,
    genesis: genesisBlock,
    genesisValidators: validators,
    publicKey: key.publicKey,
    sign: (message) => getSuite(key.suite).sign(message, key.secretKey),
    verify,
    validateBlock: (block, parent) => {
      const verdict = checker.validate(block, parent);
      if (verdict.ok) payloads.inFlight.add(checker.transactions(block) ?? [], block.header.height);
      else
        consensusLog.warn({ height: block.header.height, reason: verdict.reason }, 'block refused');
      return verdict;
    },
    roundTimeoutMs: genesis.consensus.roundTimeoutMs,
    roundTimeoutDoublingsMax: genesis.consensus.roundTimeoutDoublingsMax,
    syncWindowBlocks,
    syncBlocksMax,
  };
  // A save that failed (disk full) is held until the driver is closed: see closeConsensus.
  let releaseLog = () => {};
  const wal = new ConsensusLog(store, {
    driverClosed: new Promise<void>((resolve) => {
      releaseLog = resolve;
    }),
  });
  // Byzantine test mode: honest unless testing.byzantine (fault tests only; node/byzantine/).
  const outbound = createNodeOutbound(config.testing?.byzantine, {
    genesis,
    self,
    key,
    sign: consensusConfig.sign,
    network: () => network,
    transport,
    warn: (fields, message) => consensusLog.warn(fields, message),
  });
  closers.push(() => outbound.close());
  const evidence = new EvidenceStore(store);
  const driver = new ConsensusDriver(consensusConfig, {
    log: consensusLog,
    wal,
    send: (peer, message) => outbound.send(peer, message),
    broadcast: (message) => outbound.broadcast(message),
    buildPayload: (request) => payloads.build(request),
    onCommit: (commit) => commits.push(commit),
    onEvidence: (action) => {
      metrics.evidence.inc();
      recordEvidence(
        evidence,
        action.evidence,
        {
          chainId: genesis.chainId,
          validators: driver.state.validators,
          verify,
          seenAtHeight: commits.height,
          seenAtMs: Date.now(),
        },
        consensusLog,
      );
    },
    prepareBlock: (block) => checker.prepare(block),
    onFatal: (error) => void fatal.stop(error, 'a consensus step failed'),
    onRoundTimeout: () => metrics.roundTimeouts.inc(),
  });
  closers.push(() => closeConsensus(driver, releaseLog));

  commits.onExecuted((committed, block, executeMs) => {
    metrics.executeSeconds.observe(executeMs / 1000);
    executionCost.observe(executeMs, block.txs.length);
    // From the receipts, not the checker's decoded copy: a block that arrived by catch-up was
    // never decoded here, and its transactions left in the pool would be proposed again.
    mempool.removeCommitted(committed.receipts.map((r) => r.txId));
    payloads.inFlight.settle(committed.height);
    checker.forget(block);
    recordExecuted(metrics, committed.receipts, block.txs.length);
    metrics.height.set(committed.height);
    // Empty blocks come several times a second: only blocks that carry something are news.
    (block.txs.length > 0 ? log.info : log.debug).call(
      log,
      { height: committed.height, txs: block.txs.length, executeMs: Math.round(executeMs) },
      'committed',
    );
    if (committed.height % walCompactEveryBlocks === 0)
      void wal
        .compact(committed.height)
        .catch((error: unknown) => log.warn({ err: error }, 'wal compaction failed'));
  });

  const catchup = new Catchup(
    {
      chainId: genesis.chainId,
      validators,
      verify,
      pruneKeepBlocks: config.pruneKeepBlocks,
      pruneKeepStates: config.pruneKeepStates,
      behindBlocksMax: Math.floor(syncWindowBlocks / 2),
    },
    {
      store,
      executor,
      commits,
      send: (nodeId, body) => network?.sendSync(nodeId, body) ?? false,
      bestPeer: () => network?.bestPeer(),
      forgetPeer: (nodeId) => network?.forgetPeerHeight(nodeId),
      consensusHeight: () => driver.state.root.block.header.height,
      rebase: (tip) => driver.restart({ tip, validators: epochs.current().set }),
      setOfEpoch: (epoch) => epochs.setOfEpoch(epoch),
      epochs: () => epochs.all(),
      registry: metrics.registry,
      log: log.child({ part: 'catchup' }),
    },
  );
  // Closed before the driver: a sync in progress must not restart a closed driver.
  closers.push(() => catchup.close());
  network = new NodeNetwork(
    { genesis, nodeId: self.nodeId, executionWaitMs },
    {
      transport,
      mempool,
      checker,
      commits,
      input: (input) => driver.input(input),
      onSync: (nodeId, body) => catchup.onSync(nodeId, body),
      log: consensusLog,
      countBadFrame: () => metrics.badFrames.inc(),
    },
  );
  network.start();
  closers.push(() => network?.stop());

  const tipHeight = executor.height ?? 0;
  const tipBlock = executor.blocks.blockAt(tipHeight);
  const tipQc = executor.blocks.certificateAt(tipHeight);
  await driver.restart({
    validators: epochs.current().set,
    ...(tipHeight > 0 && tipBlock !== undefined && tipQc !== undefined
      ? { tip: { block: tipBlock, qc: tipQc } }
      : {}),
  });
  catchup.start();
  let started = true;
  closers.push(() => {
    started = false;
  });

  const gauges = startGauges(metrics, { driver, mempool, transport, commits });
  closers.push(() => clearInterval(gauges));

  // Clients are held to a few seconds of what this node commits; peers' gossip to the pool's cap.
  const admission = new AdmissionLimit({
    floorTxs: Math.min(config.mempoolTxsMax, 2 * genesis.consensus.blockTxsMax),
    ceilingTxs: config.mempoolTxsMax,
  });
  commits.onExecuted((_, block) => admission.observe(block.txs.length, Date.now()));
  const admitFromClient = (txs: readonly Uint8Array[]) =>
    mempool.admit(txs, { origin: 'api', txsMax: admission.limit(Date.now()) });
  const services = createServices({
    genesis,
    evidence,
    self,
    validatorsAt: (height) => (height === undefined ? epochs.current().set : epochs.setAt(height)),
    epochs: () => epochs.all(),
    executor,
    commits,
    mempool,
    admitFromClient,
    transport,
    registry,
    metrics,
    consensus: () => ({
      epoch: driver.state.epoch,
      round: driver.state.round,
      committedHeight: driver.state.root.block.header.height,
    }),
    syncing: () => catchup.syncing,
    started: () => started,
    gateway:
      orgKeys === undefined
        ? undefined
        : createNodeGateway({
            genesis,
            keys: orgKeys,
            latest: latestState(executor),
            blocks: executor.blocks,
            state: executor.state,
            admit: admitFromClient,
            onExecuted: (listener) => commits.onExecuted((c) => listener(c.height)),
          }),
  });
  const api: ApiServer = await createApiServer(
    {
      host: config.api.host,
      port: config.api.port,
      console: { genesis: genesisToJson(genesis), demoKeysFile: config.consoleDemoKeysFile },
    },
    services,
  );
  closers.push(() => api.close());
  log.info(
    {
      api: api.url,
      p2p: p2pAddress,
      height: executor.height,
      chainId: genesis.chainId,
      ed25519: ed25519Backend,
      // 'bundle', or 'tsx' where esbuild could not bundle the verify workers (more memory each).
      verifyWorkers: verifyPool().describe().source,
      // Where state-tree versions are prepared (execution.treeWorker).
      treeWorker,
    },
    'node started',
  );
  return {
    genesis,
    self,
    apiUrl: api.url,
    p2pPort: p2pAddress?.port ?? config.p2p.port,
    metrics,
    executor,
    close,
  };
}

/** Samples the gauges once a second (and drops expired pending transactions on the same tick). */
function startGauges(
  metrics: NodeMetrics,
  parts: {
    driver: ConsensusDriver;
    mempool: Mempool;
    transport: Transport;
    commits: CommitPipeline;
  },
): NodeJS.Timeout {
  const { driver, mempool, transport, commits } = parts;
  const gauges = setInterval(() => {
    metrics.round.set(driver.state.round);
    metrics.epoch.set(driver.state.epoch);
    metrics.validators.set(driver.state.validators.validators.length);
    metrics.mempoolTxs.set(mempool.size());
    metrics.mempoolBytes.set(mempool.bytes());
    metrics.peers.set(transport.peers().length);
    metrics.commitQueue.set(commits.queued);
    mempool.evictExpired(Date.now());
  }, 1000);
  gauges.unref();
  return gauges;
}

function recordExecuted(
  metrics: NodeMetrics,
  receipts: readonly { readonly code: string }[],
  txCount: number,
): void {
  metrics.blocks.inc();
  metrics.blockTxs.observe(txCount);
  let ok = 0;
  for (let i = 0; i < txCount; i++) if (receipts[i]?.code === 'ok') ok++;
  metrics.txs.inc({ result: 'ok' }, ok);
  metrics.txs.inc({ result: 'refused' }, txCount - ok);
}
