// The console's session: the keys held in memory, the network read from the genesis, and clients that
// sign with a chosen organisation's key against a chosen node. One React context for every page.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { type Client, createClient } from '../../../src/sdk/index.ts';
import { errorText } from './format.ts';
import { type ConsoleKey, loadDemoKeys } from './keys.ts';
import { type NetworkInfo, nodeOf, parseNetwork } from './network.ts';

export type Session = {
  readonly keys: readonly ConsoleKey[];
  readonly network: NetworkInfo | undefined;
  /** Why the network or keys are not there yet, for the page to say. */
  readonly notice: string;
  readonly loading: boolean;
  /** This page's node: the one that served the console. */
  readonly home: Client;
  addKey(key: ConsoleKey): Promise<void>;
  forgetKeys(): void;
  keyOf(orgId: string): ConsoleKey | undefined;
  /** A client signing as `orgId` on `nodeOrgId`'s node (default its own); undefined without a key. */
  clientAs(orgId: string, nodeOrgId?: string): Client | undefined;
  /** A client on this page's node that signs with any key held (reads). */
  reader(): Client | undefined;
};

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession: outside SessionProvider');
  return session;
}

const homeUrl = window.location.origin;

async function fetchNetwork(keys: readonly ConsoleKey[]): Promise<NetworkInfo> {
  const key = keys.find((k) => k.roles.includes('read')) ?? keys[0];
  const client = createClient({ url: homeUrl, ...(key ? { account: key.account } : {}) });
  const { body } = await client.request({
    method: 'GET',
    path: '/console/genesis.json',
    signed: key !== undefined,
  });
  return parseNetwork(body, window.location.hostname);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [keys, setKeys] = useState<readonly ConsoleKey[]>([]);
  const [network, setNetwork] = useState<NetworkInfo | undefined>();
  const [notice, setNotice] = useState('loading keys…');
  const [loading, setLoading] = useState(true);

  const connect = useCallback(async (next: readonly ConsoleKey[]) => {
    if (next.length === 0) {
      setNotice('No API key loaded: public pages only. Import a key under Keys.');
      return;
    }
    try {
      setNetwork(await fetchNetwork(next));
      setNotice('');
    } catch (error) {
      setNotice(`Cannot read the genesis with these keys: ${errorText(error)}`);
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const demo = await loadDemoKeys();
      if (cancelled) return;
      setKeys(demo.keys);
      await connect(demo.keys);
      if (!cancelled) setLoading(false);
    })();
    return () => {
      cancelled = true;
    };
  }, [connect]);

  const addKey = useCallback(
    async (key: ConsoleKey) => {
      const next = [
        ...keys.filter((k) => k.account.publicKeyHex !== key.account.publicKeyHex),
        key,
      ];
      setKeys(next);
      await connect(next);
    },
    [keys, connect],
  );

  const session: Session = {
    keys,
    network,
    notice,
    loading,
    home: createClient({ url: homeUrl }),
    addKey,
    forgetKeys: () => {
      setKeys([]);
      setNetwork(undefined);
      setNotice('Keys forgotten. Import a key under Keys.');
    },
    keyOf: (orgId) => keys.find((k) => k.orgId === orgId),
    clientAs: (orgId, nodeOrgId) => {
      const key = keys.find((k) => k.orgId === orgId);
      const node = network === undefined ? undefined : nodeOf(network, nodeOrgId ?? orgId);
      if (key === undefined || node === undefined) return undefined;
      return createClient({ url: node.apiUrl, account: key.account });
    },
    reader: () => {
      const key = keys.find((k) => k.roles.includes('read'));
      return key === undefined ? undefined : createClient({ url: homeUrl, account: key.account });
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
