// Administration, "Validator set": the set in force (epoch, nodes in leader order, quorum), the
// governance module's proposals with their approvals, a form to propose a new set chosen among the
// genesis nodes, and Approve / Withdraw, all signed by the session's key (which needs role operator).
import { type FormEvent, useState } from 'react';
import { createClient } from '../../../src/sdk/index.ts';
import { Badge, Card, Notice } from '../components/common.tsx';
import { errorText } from '../lib/format.ts';
import {
  approveProposal,
  type CurrentSet,
  loadCurrentSet,
  loadProposals,
  type Proposal,
  proposeValidators,
  withdrawProposal,
} from '../lib/governance.ts';
import type { ConsoleKey } from '../lib/keys.ts';
import type { NetworkNode } from '../lib/network.ts';
import { useSession } from '../lib/session.tsx';
import { useAsync } from '../lib/use-async.ts';

const noteLengthMax = 280;

/** The held key that speaks for `orgId`: one with role operator when the tab holds several. */
function sessionKeyOf(keys: readonly ConsoleKey[], orgId: string): ConsoleKey | undefined {
  const own = keys.filter((k) => k.orgId === orgId);
  return own.find((k) => k.roles.includes('operator')) ?? own[0];
}

function CurrentSetView({ set }: { set: CurrentSet }) {
  const n = set.validators.length;
  return (
    <>
      <p data-testid="validator-set-summary">
        Epoch {set.epoch}: {n} validator{n === 1 ? '' : 's'}, quorum {set.quorum} of {n}.
      </p>
      <div className="table-wrap">
        <table data-testid="validator-set">
          <thead>
            <tr>
              <th scope="col">Leader order</th>
              <th scope="col">Node</th>
              <th scope="col">Organisation</th>
            </tr>
          </thead>
          <tbody>
            {set.validators.map((v, i) => (
              <tr key={v.publicKey}>
                <td>{i + 1}</td>
                <td>{v.nodeId ?? 'not in the genesis'}</td>
                <td>{v.orgId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ProposalStatus({ proposal }: { proposal: Proposal }) {
  if (proposal.status === 'approved')
    return <span className="good-text">approved at block {proposal.approvedHeight}</span>;
  return <Badge status={proposal.status} />;
}

type ProposalAction = (proposal: Proposal) => Promise<void>;

function ProposalRows(props: {
  proposals: readonly Proposal[];
  orgId: string;
  canSign: boolean;
  approve: ProposalAction;
  withdraw: ProposalAction;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const act = async (action: ProposalAction, proposal: Proposal) => {
    setBusy(true);
    setError('');
    try {
      await action(proposal);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (props.proposals.length === 0) return <p className="muted">No proposals yet.</p>;
  return (
    <>
      <div className="table-wrap">
        <table data-testid="proposals">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Status</th>
              <th scope="col">Approvals</th>
              <th scope="col">Validators</th>
              <th scope="col">Proposed by</th>
              <th scope="col">Note</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.proposals.map((p) => (
              <tr key={p.id} data-proposal-id={p.id}>
                <td>{p.id}</td>
                <td>
                  <ProposalStatus proposal={p} />
                </td>
                <td>
                  {p.approvals.length} of {p.approvalsNeeded} needed
                  {p.approvals.length > 0 && (
                    <span className="muted"> ({p.approvals.join(', ')})</span>
                  )}
                </td>
                <td>{p.validators.map((v) => v.nodeId).join(', ')}</td>
                <td>
                  {p.proposerOrg} at block {p.proposedHeight}
                </td>
                <td>{p.note}</td>
                <td>
                  {p.status === 'open' && (
                    <span className="actions">
                      {!p.approvals.includes(props.orgId) && (
                        <button
                          type="button"
                          disabled={!props.canSign || busy}
                          aria-label={`Approve proposal ${p.id}`}
                          onClick={() => void act(props.approve, p)}
                        >
                          Approve
                        </button>
                      )}
                      {p.proposerOrg === props.orgId && (
                        <button
                          type="button"
                          className="secondary"
                          disabled={!props.canSign || busy}
                          aria-label={`Withdraw proposal ${p.id}`}
                          onClick={() => void act(props.withdraw, p)}
                        >
                          Withdraw
                        </button>
                      )}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {busy && <p className="muted">Waiting for the block…</p>}
      {error !== '' && <Notice tone="error">{error}</Notice>}
    </>
  );
}

/** Moves `nodeId` one place earlier in `list`. */
function moveUp(list: readonly string[], nodeId: string): string[] {
  const i = list.indexOf(nodeId);
  if (i <= 0) return [...list];
  const next = [...list];
  [next[i - 1], next[i]] = [nodeId, list[i - 1]!];
  return next;
}

function ProposeForm(props: {
  nodes: readonly NetworkNode[];
  initial: readonly string[];
  enabled: boolean;
  propose: (nodeIds: readonly string[], note: string) => Promise<void>;
}) {
  const [edited, setEdited] = useState<readonly string[] | undefined>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const chosen = edited ?? props.initial;
  const others = props.nodes.filter((n) => !chosen.includes(n.nodeId));
  const orgOf = (nodeId: string) => props.nodes.find((n) => n.nodeId === nodeId)?.orgId ?? '?';
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setDone('');
    if (chosen.length === 0) return setError('validators: choose at least one node');
    setBusy(true);
    try {
      await props.propose(chosen, note);
      setDone(`Proposed ${chosen.join(', ')}. Approvals open 4 blocks after the proposal.`);
      setEdited(undefined);
      setNote('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Propose a validator set">
      <fieldset>
        <legend>New set, in leader order</legend>
        {chosen.length === 0 && <p className="muted">No node chosen.</p>}
        <ol className="keys" data-testid="proposed-nodes">
          {chosen.map((nodeId, i) => (
            <li key={nodeId}>
              {nodeId} <span className="muted">({orgOf(nodeId)})</span>
              <span className="actions">
                <button
                  type="button"
                  className="secondary"
                  disabled={i === 0}
                  aria-label={`Move ${nodeId} up`}
                  onClick={() => setEdited(moveUp(chosen, nodeId))}
                >
                  Up
                </button>
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Remove ${nodeId}`}
                  onClick={() => setEdited(chosen.filter((id) => id !== nodeId))}
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
      </fieldset>
      {others.length > 0 && (
        <fieldset>
          <legend>Other genesis nodes</legend>
          {others.map((n) => (
            <button
              key={n.nodeId}
              type="button"
              className="secondary"
              aria-label={`Add ${n.nodeId}`}
              onClick={() => setEdited([...chosen, n.nodeId])}
            >
              + {n.nodeId} ({n.orgId}, {n.kind})
            </button>
          ))}
        </fieldset>
      )}
      <label htmlFor="proposal-note">Note: why the set changes</label>
      <input
        id="proposal-note"
        value={note}
        maxLength={noteLengthMax}
        onChange={(e) => setNote(e.target.value)}
      />
      <button
        type="submit"
        disabled={!props.enabled || busy}
        aria-disabled={!props.enabled || busy}
      >
        {busy ? 'Proposing…' : 'Propose this set'}
      </button>
      {error !== '' && <Notice tone="error">{error}</Notice>}
      {done !== '' && <Notice>{done}</Notice>}
    </form>
  );
}

export function ValidatorSetCard() {
  const { keys, network, home } = useSession();
  const orgIds = [...new Set(keys.map((k) => k.orgId))];
  const [picked, setPicked] = useState<string | undefined>();
  const orgId = picked ?? keys.find((k) => k.roles.includes('operator'))?.orgId ?? orgIds[0] ?? '';
  const sessionKey = sessionKeyOf(keys, orgId);
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);
  const current = useAsync(() => loadCurrentSet(home), `set/${version}`);
  const client =
    sessionKey === undefined
      ? undefined
      : createClient({ url: window.location.origin, account: sessionKey.account });
  const proposals = useAsync(
    async () => (client === undefined ? [] : loadProposals(client)),
    `${orgId}/${sessionKey?.account.publicKeyHex ?? ''}/${version}`,
  );
  const isOperator = sessionKey?.roles.includes('operator') ?? false;
  return (
    <Card title="Validator set">
      {current.state === 'loading' && <p className="muted">Loading the validator set…</p>}
      {current.state === 'failed' && <Notice tone="error">{current.error}</Notice>}
      {current.state === 'done' && <CurrentSetView set={current.value} />}
      <h3>Proposals</h3>
      <p className="muted">
        Members change the set by transaction: an operator proposes it, and it passes when operators
        of more than two thirds of the organisations approve it (the proposer’s included).
      </p>
      {sessionKey === undefined || client === undefined ? (
        <p className="muted">Load an API key of your organisation (Keys page) to see proposals.</p>
      ) : (
        <>
          {orgIds.length > 1 && (
            <>
              <label htmlFor="governance-org">Sign as organisation</label>{' '}
              <select id="governance-org" value={orgId} onChange={(e) => setPicked(e.target.value)}>
                {orgIds.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </>
          )}
          {!isOperator && (
            <Notice>
              Proposing and approving needs a key with role operator; {sessionKey.name} of {orgId}{' '}
              has {sessionKey.roles.join(', ') || 'no roles'}. Import an operator key on the Keys
              page.
            </Notice>
          )}
          {proposals.state === 'loading' && <p className="muted">Loading proposals…</p>}
          {proposals.state === 'failed' && <Notice tone="error">{proposals.error}</Notice>}
          {proposals.state === 'done' && (
            <ProposalRows
              proposals={proposals.value}
              orgId={orgId}
              canSign={isOperator}
              approve={async (p) => {
                await approveProposal(client, p.id);
                refresh();
              }}
              withdraw={async (p) => {
                await withdrawProposal(client, p.id);
                refresh();
              }}
            />
          )}
          <h3>Propose a new set</h3>
          {network === undefined ? (
            <p className="muted">Load a key with role read to list the genesis nodes.</p>
          ) : (
            <ProposeForm
              nodes={network.nodes}
              initial={
                current.state === 'done'
                  ? current.value.validators.flatMap((v) =>
                      v.nodeId === undefined ? [] : [v.nodeId],
                    )
                  : []
              }
              enabled={isOperator}
              propose={async (nodeIds, note) => {
                await proposeValidators(client, nodeIds, note);
                refresh();
              }}
            />
          )}
        </>
      )}
    </Card>
  );
}
