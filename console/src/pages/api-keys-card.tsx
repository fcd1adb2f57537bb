// Administration, "API keys": the signed-in organisation's keys on chain (status, roles), a new key
// made in this tab and registered with chosen roles (signed by the session's key, which needs role
// operator), its key file offered for download, and revocation after a confirmation. A key that one
// of the organisation's nodes' gateways signs with is marked and not offered for revoking.
import { type FormEvent, useState } from 'react';
import {
  createClient,
  type GeneratedAccount,
  generateAccount,
  type KeyRole,
} from '../../../src/sdk/index.ts';
import { Card, Hex, Notice } from '../components/common.tsx';
import { download } from '../lib/csr.ts';
import { errorText } from '../lib/format.ts';
import { type ConsoleKey, createKeyFile } from '../lib/keys.ts';
import {
  type GatewayKeys,
  gatewayKeysOf,
  listOrgKeys,
  type OrgKey,
  registerOrgKey,
  revokeOrgKey,
} from '../lib/org-keys.ts';
import { useSession } from '../lib/session.tsx';
import { useAsync } from '../lib/use-async.ts';

const roleChoices: readonly KeyRole[] = ['submit', 'read', 'operator'];

/** The held key that speaks for `orgId`: one with role operator when the tab holds several. */
function sessionKeyOf(keys: readonly ConsoleKey[], orgId: string): ConsoleKey | undefined {
  const own = keys.filter((k) => k.orgId === orgId);
  return own.find((k) => k.roles.includes('operator')) ?? own[0];
}

type NewKey = { name: string; publicKeyHex: string; file: string };

function RegisterForm(props: {
  enabled: boolean;
  register: (account: GeneratedAccount, name: string, roles: KeyRole[]) => Promise<void>;
}) {
  const [name, setName] = useState('teller-2');
  const [roles, setRoles] = useState<KeyRole[]>(['submit', 'read']);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [created, setCreated] = useState<NewKey | undefined>();
  const toggle = (role: KeyRole) =>
    setRoles((now) => (now.includes(role) ? now.filter((r) => r !== role) : [...now, role]));
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setCreated(undefined);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
      return setError('name: 1 to 64 letters, digits, dots, dashes or underscores');
    if (roles.length === 0) return setError('roles: choose at least one');
    if (passphrase.length < 8) return setError('passphrase: at least 8 characters');
    setBusy(true);
    try {
      const account = generateAccount('ed25519');
      const file = await createKeyFile(account, passphrase);
      await props.register(
        account,
        name,
        roleChoices.filter((r) => roles.includes(r)),
      );
      setCreated({ name, publicKeyHex: account.publicKeyHex, file });
      setPassphrase('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Register a new API key">
      <label htmlFor="new-key-name">Key name</label>
      <input id="new-key-name" value={name} onChange={(e) => setName(e.target.value)} />
      <fieldset>
        <legend>Roles</legend>
        {roleChoices.map((role) => (
          <label key={role} className="inline">
            <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} />{' '}
            {role}
          </label>
        ))}
      </fieldset>
      <label htmlFor="new-key-passphrase">Passphrase for the key file</label>
      <input
        id="new-key-passphrase"
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
      />
      <button
        type="submit"
        disabled={!props.enabled || busy}
        aria-disabled={!props.enabled || busy}
      >
        {busy ? 'Registering…' : 'Create and register key'}
      </button>
      {error !== '' && <Notice tone="error">{error}</Notice>}
      {created !== undefined && (
        <div data-testid="new-key">
          <Notice>
            Key {created.name} is registered: <Hex value={created.publicKeyHex} />. Its secret is in
            this tab only; download the key file now.
          </Notice>
          <button
            type="button"
            onClick={() => download(`${created.name}.key`, created.file, 'application/json')}
          >
            Download key file
          </button>
        </div>
      )}
    </form>
  );
}

/** Why a gateway key is not offered for revoking, and the one way to revoke it on purpose. */
function GatewayKeyNotice(props: {
  orgId: string;
  keys: readonly OrgKey[];
  gateways: GatewayKeys;
}) {
  const used = props.keys.filter((k) => k.status === 'live' && props.gateways.has(k.publicKey));
  if (used.length === 0) return null;
  const which = used.map((k) => `${k.name} (${props.gateways.get(k.publicKey)!.join(', ')})`);
  return (
    <Notice>
      Gateway {used.length === 1 ? 'key' : 'keys'} {which.join(', ')}: the node signs with it when
      it acts for {props.orgId}. Revoked, it could never act for {props.orgId} again (a gateway key
      must be a genesis key; it cannot be rotated on chain). To revoke one anyway, for instance if
      it leaked, remove <code>org</code> from the config of each node holding it and restart them
      first.
    </Notice>
  );
}

function KeyRows(props: {
  keys: readonly OrgKey[];
  gateways: GatewayKeys;
  canRevoke: boolean;
  revoke: (key: OrgKey) => Promise<void>;
}) {
  const [confirming, setConfirming] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const confirm = async (key: OrgKey) => {
    setBusy(true);
    setError('');
    try {
      await props.revoke(key);
      setConfirming(undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div className="table-wrap">
        <table data-testid="org-keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Roles</th>
              <th scope="col">Added</th>
              <th scope="col">Public key</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((k) => (
              <tr key={k.publicKey} data-key-name={k.name}>
                <td>{k.name}</td>
                <td>{k.status === 'live' ? 'live' : `revoked at ${k.revokedHeight}`}</td>
                <td>{k.roles.join(', ')}</td>
                <td>{k.addedHeight === 0 ? 'genesis' : `block ${k.addedHeight}`}</td>
                <td>
                  <Hex value={k.publicKey} />
                </td>
                <td>
                  {k.status === 'live' && props.gateways.has(k.publicKey) && (
                    <span className="muted">
                      gateway of {props.gateways.get(k.publicKey)!.join(', ')}
                    </span>
                  )}
                  {k.status === 'live' &&
                    !props.gateways.has(k.publicKey) &&
                    confirming !== k.publicKey && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={!props.canRevoke}
                        aria-label={`Revoke ${k.name}`}
                        onClick={() => setConfirming(k.publicKey)}
                      >
                        Revoke
                      </button>
                    )}
                  {confirming === k.publicKey && (
                    <span className="actions">
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`Confirm revoking ${k.name}`}
                        onClick={() => void confirm(k)}
                      >
                        Revoke for good
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => setConfirming(undefined)}
                      >
                        Cancel
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error !== '' && <Notice tone="error">{error}</Notice>}
    </>
  );
}

export function ApiKeysCard() {
  const { keys, network } = useSession();
  const orgIds = [...new Set(keys.map((k) => k.orgId))];
  const [picked, setPicked] = useState<string | undefined>();
  const orgId = picked ?? keys.find((k) => k.roles.includes('operator'))?.orgId ?? orgIds[0] ?? '';
  const sessionKey = sessionKeyOf(keys, orgId);
  const [version, setVersion] = useState(0);
  const client =
    sessionKey === undefined
      ? undefined
      : createClient({ url: window.location.origin, account: sessionKey.account });
  const listed = useAsync(
    async () => (client === undefined ? [] : listOrgKeys(client, orgId)),
    `${orgId}/${sessionKey?.account.publicKeyHex ?? ''}/${version}`,
  );
  const gateways = useAsync(
    async (): Promise<GatewayKeys> =>
      network === undefined ? new Map() : gatewayKeysOf(network, orgId),
    `${orgId}/${network?.chainId ?? ''}/${version}`,
  );
  if (sessionKey === undefined || client === undefined)
    return (
      <Card title="API keys">
        <p className="muted">
          Load an API key of your organisation (Keys page) to manage its keys.
        </p>
      </Card>
    );
  const onChain =
    listed.state === 'done'
      ? listed.value.find((k) => k.publicKey === sessionKey.account.publicKeyHex)
      : undefined;
  const isOperator = (onChain?.roles ?? sessionKey.roles).includes('operator');
  const gatewayKeys: GatewayKeys = gateways.state === 'done' ? gateways.value : new Map();
  const refresh = () => setVersion((v) => v + 1);
  return (
    <Card title="API keys">
      {orgIds.length > 1 && (
        <>
          <label htmlFor="keys-org">Organisation</label>
          <select id="keys-org" value={orgId} onChange={(e) => setPicked(e.target.value)}>
            {orgIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </>
      )}
      <p className="muted">
        Keys of {orgId} on chain, signed in as {sessionKey.name}. Changes are transactions every
        node executes; a node accepts a new key once it has executed its block.
      </p>
      {!isOperator && (
        <Notice>
          Registering and revoking keys needs a key with role operator; {sessionKey.name} has{' '}
          {(onChain?.roles ?? sessionKey.roles).join(', ') || 'no roles'}. Import an operator key on
          the Keys page.
        </Notice>
      )}
      {listed.state === 'loading' && <p className="muted">Loading keys…</p>}
      {listed.state === 'failed' && <Notice tone="error">{listed.error}</Notice>}
      {listed.state === 'done' && (
        <>
          <KeyRows
            keys={listed.value}
            gateways={gatewayKeys}
            canRevoke={isOperator && gateways.state !== 'loading'}
            revoke={async (key) => {
              await revokeOrgKey(client, key.publicKey);
              refresh();
            }}
          />
          <GatewayKeyNotice orgId={orgId} keys={listed.value} gateways={gatewayKeys} />
        </>
      )}
      <h3>Register a new key</h3>
      <RegisterForm
        enabled={isOperator}
        register={async (account, name, roles) => {
          await registerOrgKey(client, account, name, roles);
          refresh();
        }}
      />
    </Card>
  );
}
