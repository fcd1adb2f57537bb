// Page 3, the remittance (DESIGN "The remittance"): the HK sender's wallet (HKD) and the PH
// receiver's wallet (PHP) side by side, and the regulator's view with the decrypted Travel-Rule data.
// Quotes come from the FX provider's node, sends go through the HK wallet node's gateway.
import { useEffect, useState } from 'react';
import { Card, Notice } from '../components/common.tsx';
import { useLive } from '../lib/live.tsx';
import { nodeOf, orgWithRole } from '../lib/network.ts';
import { useSession } from '../lib/session.tsx';
import { ReceiverPanel, RegulatorPanel } from './remittance-panels.tsx';
import { applyChange, type CorridorClients, type Sent, statusChanges } from './remittance-state.ts';
import { SenderPanel } from './sender-panel.tsx';

function useCorridorClients(): CorridorClients | string {
  const session = useSession();
  const { network } = session;
  if (network === undefined) return session.notice || 'Loading the network…';
  const fx = orgWithRole(network, 'fx-provider');
  const regulator = network.orgs.find(
    (o) => o.roles.includes('regulator') && nodeOf(network, o.id),
  );
  const sender = session.clientAs('hk-wallet');
  const receiver = session.clientAs('ph-wallet');
  const quoter = fx === undefined ? undefined : session.clientAs('hk-wallet', fx.id);
  if (sender === undefined || receiver === undefined)
    return 'The remittance views need the keys of hk-wallet and ph-wallet (the demo keys, or import them under Keys).';
  if (quoter === undefined) return 'No organisation of this network provides FX quotes.';
  return {
    sender,
    receiver,
    quoter,
    regulator: regulator === undefined ? undefined : session.clientAs(regulator.id),
    regulatorOrg: regulator?.id,
  };
}

export function RemittancePage() {
  const clients = useCorridorClients();
  const live = useLive();
  const [sent, setSent] = useState<readonly Sent[]>([]);
  const [changes, setChanges] = useState(0);
  useEffect(
    () =>
      live.onTx((tx) => {
        const found = statusChanges(tx);
        if (found.length === 0) return;
        const now = Date.now();
        setSent((list) => found.reduce((l, c) => applyChange(l, c, now), list as Sent[]));
        setChanges((n) => n + 1);
      }),
    [live.onTx],
  );
  if (typeof clients === 'string')
    return (
      <>
        <h1>Remittance</h1>
        <Notice>{clients}</Notice>
      </>
    );
  const onSent = (entry: Sent) =>
    setSent((list) => [entry, ...list.filter((s) => s.id !== entry.id)]);
  const onUpdate = (entry: Sent) =>
    setSent((list) => list.map((s) => (s.id === entry.id ? entry : s)));
  // The regulator's node knows a remittance once its send is final: not while it is being sent.
  const latest = sent.find((s) => s.status !== 'sending' && s.status !== 'failed');
  return (
    <>
      <h1>Remittance: Hong Kong to the Philippines</h1>
      <div className="grid two">
        <Card title="HK e-Wallet: send (HKD)" id="sender-view">
          <SenderPanel
            clients={clients}
            sent={sent}
            onSent={onSent}
            onUpdate={onUpdate}
            changes={changes}
          />
        </Card>
        <Card title="PH e-Wallet: receive (PHP)" id="receiver-view">
          <ReceiverPanel client={clients.receiver} changes={changes} />
        </Card>
      </div>
      <Card
        title={`Regulator's view${clients.regulatorOrg ? ` (${clients.regulatorOrg})` : ''}`}
        id="regulator-view"
      >
        <RegulatorPanel client={clients.regulator} latest={latest} changes={changes} />
      </Card>
    </>
  );
}
