// Says plainly what the browser checked: which validators' signatures, against which set, and the
// inclusion or state proof, or why a check failed.
import { Badge, Hex } from '../components/common.tsx';
import type { CertificateCheck } from '../lib/verify.ts';

/** Which set the browser checked against, and why it trusts it. */
function setLabel(epoch: number): string {
  if (epoch === 1) return 'the validator set of epoch 1 (the genesis set)';
  const handOvers = epoch === 2 ? 'one verified hand-over' : `${epoch - 1} verified hand-overs`;
  return `the validator set of epoch ${epoch}, followed from the genesis set through ${handOvers}`;
}

export function SignersList({ check }: { check: CertificateCheck }) {
  const signed = check.signers.filter((s) => s.signed).length;
  return (
    <>
      <p>
        Commit certificate of block {check.height} (<Hex value={check.blockHash} />) carries valid
        signatures of{' '}
        <strong>
          {signed} of {check.signers.length}
        </strong>{' '}
        validators (quorum {check.quorum}), checked in this browser against {setLabel(check.epoch)}:
      </p>
      <ul className="signers">
        {check.signers.map((s) => (
          <li key={s.publicKey}>
            <code>{s.orgId}</code> <Hex value={s.publicKey} />{' '}
            <span className={s.signed ? 'good-text' : 'muted'}>
              {s.signed ? 'signed' : 'not in this certificate'}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function VerifyFailed({ what, error }: { what: string; error: string }) {
  return (
    <div className="verify bad" role="alert">
      <Badge status="failed" /> <strong>{what} could not be verified:</strong> {error}
    </div>
  );
}
