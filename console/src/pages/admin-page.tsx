// Page 4, administration: the organisation's API keys on chain (api-keys-card.tsx), the validator
// set and proposals to change it (validator-set-card.tsx), the genesis keys, a config for a new node
// to download, a CSR for a new organisation made in the browser.
import { type FormEvent, useState } from 'react';
import { Card, Hex, Notice } from '../components/common.tsx';
import { type CsrResult, createCsr, download } from '../lib/csr.ts';
import { errorText } from '../lib/format.ts';
import { useSession } from '../lib/session.tsx';
import { ApiKeysCard } from './api-keys-card.tsx';
import { ValidatorSetCard } from './validator-set-card.tsx';

/** The shape `tally network init` writes (src/cli/network/node-config.ts), paths relative to it. */
function nodeConfig(nodeId: string, apiPort: number, p2pPort: number, host: string) {
  return {
    version: 1,
    nodeId,
    genesis: 'genesis.json',
    dataDir: 'data',
    keyFile: 'consensus.key',
    tls: { certFile: 'tls.crt', keyFile: 'tls.key' },
    p2p: { host, port: p2pPort },
    api: { host, port: apiPort },
    log: { level: 'info' },
    prune: { keepBlocks: 0 },
  };
}

function NodeConfigForm() {
  const { network } = useSession();
  const [nodeId, setNodeId] = useState('new-org-1');
  const [host, setHost] = useState('127.0.0.1');
  const [apiPort, setApiPort] = useState('8090');
  const [p2pPort, setP2pPort] = useState('26610');
  const [error, setError] = useState('');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const api = Number(apiPort);
    const p2p = Number(p2pPort);
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(nodeId))
      return setError('node id: lower-case letters, digits and dashes');
    if (![api, p2p].every((p) => Number.isInteger(p) && p > 0 && p < 65_536))
      return setError('ports: 1 to 65535');
    setError('');
    download('config.json', `${JSON.stringify(nodeConfig(nodeId, api, p2p, host), null, 2)}\n`);
  };
  return (
    <form className="stack" onSubmit={onSubmit}>
      <label htmlFor="node-id">Node id</label>
      <input id="node-id" value={nodeId} onChange={(e) => setNodeId(e.target.value)} />
      <label htmlFor="node-host">Listen address</label>
      <input id="node-host" value={host} onChange={(e) => setHost(e.target.value)} />
      <label htmlFor="node-api-port">API port</label>
      <input
        id="node-api-port"
        inputMode="numeric"
        value={apiPort}
        onChange={(e) => setApiPort(e.target.value)}
      />
      <label htmlFor="node-p2p-port">Peer port</label>
      <input
        id="node-p2p-port"
        inputMode="numeric"
        value={p2pPort}
        onChange={(e) => setP2pPort(e.target.value)}
      />
      <div className="actions">
        <button type="submit">Download config.json</button>
        <button
          type="button"
          className="secondary"
          disabled={network === undefined}
          onClick={() =>
            download('genesis.json', `${JSON.stringify(network?.genesisJson, null, 2)}\n`)
          }
        >
          Download genesis.json
        </button>
      </div>
      {error !== '' && <Notice tone="error">{error}</Notice>}
      <p className="muted">
        Put both in the node’s folder with its consensus key and TLS certificate (
        <code>tally keys generate</code>), then <code>tally node start --config config.json</code>.
        It joins as an observer until the genesis lists it.
      </p>
    </form>
  );
}

function CsrForm() {
  const [orgId, setOrgId] = useState('sg-wallet');
  const [orgName, setOrgName] = useState('SG e-Wallet');
  const [country, setCountry] = useState('SG');
  const [result, setResult] = useState<CsrResult | undefined>();
  const [error, setError] = useState('');
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    try {
      setResult(await createCsr({ orgId, orgName, country }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form className="stack" onSubmit={onSubmit}>
      <label htmlFor="csr-org">Organisation id</label>
      <input id="csr-org" value={orgId} onChange={(e) => setOrgId(e.target.value)} />
      <label htmlFor="csr-name">Name</label>
      <input id="csr-name" value={orgName} onChange={(e) => setOrgName(e.target.value)} />
      <label htmlFor="csr-country">Country (ISO 3166)</label>
      <input
        id="csr-country"
        value={country}
        maxLength={2}
        onChange={(e) => setCountry(e.target.value.toUpperCase())}
      />
      <button type="submit">Generate key and CSR</button>
      {error !== '' && <Notice tone="error">{error}</Notice>}
      {result !== undefined && (
        <div data-testid="csr">
          <pre>{result.csrPem}</pre>
          <div className="actions">
            <button
              type="button"
              onClick={() => download(`${orgId}.csr`, result.csrPem, 'application/pkcs10')}
            >
              Download CSR
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => download(`${orgId}-ca.key`, result.privateKeyPem, 'application/pkcs8')}
            >
              Download private key
            </button>
          </div>
          <p className="muted">
            The private key never left this browser; keep it offline. Send the CSR to the
            consortium.
          </p>
        </div>
      )}
    </form>
  );
}

export function AdminPage() {
  const { network, notice } = useSession();
  return (
    <>
      <h1>Administration</h1>
      {notice !== '' && <Notice>{notice}</Notice>}
      <ApiKeysCard />
      <ValidatorSetCard />
      <Card title="API keys in the genesis">
        {network === undefined ? (
          <p className="muted">Load a key with role read to list them.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  <th scope="col">Name</th>
                  <th scope="col">Suite</th>
                  <th scope="col">Public key</th>
                  <th scope="col">Roles</th>
                </tr>
              </thead>
              <tbody>
                {network.keys.map((k) => (
                  <tr key={k.publicKey}>
                    <td>{k.orgId}</td>
                    <td>{k.name}</td>
                    <td>{k.suite}</td>
                    <td>
                      <Hex value={k.publicKey} />
                    </td>
                    <td>{k.roles.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted">
          The initial set every node starts from; keys added or revoked on chain are listed above.
        </p>
      </Card>
      <div className="grid two">
        <Card title="Add a node">
          <NodeConfigForm />
        </Card>
        <Card title="Add an organisation">
          <CsrForm />
        </Card>
      </div>
    </>
  );
}
