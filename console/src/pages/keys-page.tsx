// Keys: which keys this browser holds (in memory only, gone on reload) and the import of an API key
// file, decrypted here with its passphrase; nothing is sent to any server.
import { type FormEvent, useState } from 'react';
import { Card, Hex, Notice } from '../components/common.tsx';
import { errorText } from '../lib/format.ts';
import { decryptKeyFile } from '../lib/keys.ts';
import { useSession } from '../lib/session.tsx';

function ImportForm() {
  const session = useSession();
  const [file, setFile] = useState<File | undefined>();
  const [passphrase, setPassphrase] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (file === undefined) return setMessage('choose a key file first');
    setBusy(true);
    setMessage('');
    try {
      const account = await decryptKeyFile(await file.text(), passphrase);
      const registered = session.network?.keys.find((k) => k.publicKey === account.publicKeyHex);
      await session.addKey({
        orgId: registered?.orgId ?? '(unknown)',
        name: registered?.name ?? file.name,
        roles: registered?.roles ?? ['read', 'submit'],
        account,
        source: 'imported',
      });
      setPassphrase('');
      setMessage(
        `imported ${account.publicKeyHex.slice(0, 16)}…${registered ? ` (${registered.orgId})` : ''}`,
      );
    } catch (error) {
      setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={onSubmit}>
      <label htmlFor="key-file">API key file (e.g. orgs/hk-wallet/clients/hk-wallet-api.key)</label>
      <input
        id="key-file"
        type="file"
        accept=".key,.json,application/json"
        onChange={(e) => setFile(e.target.files?.[0])}
      />
      <label htmlFor="key-passphrase">Passphrase</label>
      <input
        id="key-passphrase"
        type="password"
        autoComplete="off"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Decrypting…' : 'Import key'}
      </button>
      {message !== '' && (
        <p role="status" data-testid="import-result">
          {message}
        </p>
      )}
    </form>
  );
}

export function KeysPage() {
  const session = useSession();
  return (
    <>
      <h1>Keys</h1>
      <Card title="Keys in this browser">
        {session.keys.length === 0 ? (
          <Notice>{session.notice || 'No keys loaded.'}</Notice>
        ) : (
          <ul className="keys">
            {session.keys.map((k) => (
              <li key={k.account.publicKeyHex} data-testid={`key-${k.orgId}`}>
                <strong>{k.orgId}</strong> {k.name} <Hex value={k.account.publicKeyHex} />{' '}
                <span className="muted">
                  {k.roles.join(', ')} ·{' '}
                  {k.source === 'demo' ? 'demo key from this node' : 'imported'}
                </span>
              </li>
            ))}
          </ul>
        )}
        <button
          type="button"
          className="secondary"
          onClick={session.forgetKeys}
          disabled={session.keys.length === 0}
        >
          Forget all keys
        </button>
        <p className="muted">
          Keys stay in this tab’s memory and sign each request (docs/api.md Authentication).
        </p>
      </Card>
      <Card title="Import an API key">
        <ImportForm />
      </Card>
    </>
  );
}
