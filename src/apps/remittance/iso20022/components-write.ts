// Writers for the shared building blocks (amounts, addresses, parties, accounts, agents), in XSD
// sequence order; each value is checked as it is written, so a builder never emits an invalid field.
import { addressLinesMax, addressParts } from './components-read.ts';
import { Iso20022Error } from './errors.ts';
import {
  checkAmount,
  checkBic,
  checkCountry,
  checkCurrency,
  checkDate,
  checkIban,
  checkLei,
  checkText,
} from './fields.ts';
import type {
  Account,
  Agent,
  Amount,
  CodeOrProprietary,
  OtherId,
  Party,
  PartyId,
  PostalAddress,
} from './types.ts';
import { amountNode, el, leaf, type XmlNode } from './xml-write.ts';

/** A checked optional text element. */
export function optLeaf(
  name: string,
  value: string | undefined,
  check: (v: string, path: string) => string,
  path: string,
): XmlNode | undefined {
  return value === undefined ? undefined : leaf(name, check(value, `${path}/${name}`));
}

export const maxText =
  (max: number) =>
  (value: string, path: string): string =>
    checkText(value, max, path);

export function writeAmount(name: string, a: Amount, path: string): XmlNode {
  checkCurrency(a.currency, `${path}/${name}/@Ccy`);
  checkAmount(a.amount, `${path}/${name}`);
  return amountNode(name, a);
}

export function writeChoice(
  name: string,
  c: CodeOrProprietary | undefined,
  codeMax: number,
  path: string,
): XmlNode | undefined {
  if (c === undefined) return undefined;
  const p = `${path}/${name}`;
  if ('code' in c) return el(name, [leaf('Cd', checkText(c.code, codeMax, `${p}/Cd`))]);
  return el(name, [leaf('Prtry', checkText(c.proprietary, 35, `${p}/Prtry`))]);
}

export function writeAddress(
  name: string,
  a: PostalAddress | undefined,
  path: string,
): XmlNode | undefined {
  if (a === undefined) return undefined;
  const p = `${path}/${name}`;
  const lines = a.lines ?? [];
  if (lines.length > addressLinesMax)
    throw new Iso20022Error('invalid_field', `${p}/AdrLine`, `at most ${addressLinesMax} lines`);
  return el(name, [
    ...addressParts.map(([key, tag, max]) => optLeaf(tag, a[key], maxText(max), p)),
    optLeaf('Ctry', a.country, checkCountry, p),
    ...lines.map((l, i) => leaf('AdrLine', checkText(l, 70, `${p}/AdrLine[${i + 1}]`))),
  ]);
}

function writeOthers(others: readonly OtherId[], path: string): XmlNode[] {
  return others.map((o, i) => {
    const p = `${path}/Othr[${i + 1}]`;
    return el('Othr', [
      leaf('Id', checkText(o.id, 35, `${p}/Id`)),
      writeChoice('SchmeNm', o.scheme, 4, p),
      optLeaf('Issr', o.issuer, maxText(35), p),
    ]);
  });
}

function writePartyId(id: PartyId | undefined, path: string): XmlNode | undefined {
  if (id === undefined) return undefined;
  const p = `${path}/Id`;
  if (id.kind === 'organisation') {
    const q = `${p}/OrgId`;
    return el('Id', [
      el('OrgId', [
        optLeaf('AnyBIC', id.anyBic, checkBic, q),
        optLeaf('LEI', id.lei, checkLei, q),
        ...writeOthers(id.others, q),
      ]),
    ]);
  }
  const q = `${p}/PrvtId`;
  const b = id.birth;
  const bp = `${q}/DtAndPlcOfBirth`;
  const birth =
    b === undefined
      ? undefined
      : el('DtAndPlcOfBirth', [
          leaf('BirthDt', checkDate(b.date, `${bp}/BirthDt`)),
          optLeaf('PrvcOfBirth', b.province, maxText(35), bp),
          leaf('CityOfBirth', checkText(b.city, 35, `${bp}/CityOfBirth`)),
          leaf('CtryOfBirth', checkCountry(b.country, `${bp}/CtryOfBirth`)),
        ]);
  return el('Id', [el('PrvtId', [birth, ...writeOthers(id.others, q)])]);
}

export function writeParty(
  name: string,
  party: Party | undefined,
  path: string,
): XmlNode | undefined {
  if (party === undefined) return undefined;
  const p = `${path}/${name}`;
  return el(name, [
    optLeaf('Nm', party.name, maxText(140), p),
    writeAddress('PstlAdr', party.postalAddress, p),
    writePartyId(party.id, p),
    optLeaf('CtryOfRes', party.country, checkCountry, p),
  ]);
}

export function writeAccount(
  name: string,
  a: Account | undefined,
  path: string,
): XmlNode | undefined {
  if (a === undefined) return undefined;
  const p = `${path}/${name}`;
  const id =
    'iban' in a.id
      ? leaf('IBAN', checkIban(a.id.iban, `${p}/Id/IBAN`))
      : el('Othr', [
          leaf('Id', checkText(a.id.other, 34, `${p}/Id/Othr/Id`)),
          writeChoice('SchmeNm', a.id.scheme, 4, `${p}/Id/Othr`),
          optLeaf('Issr', a.id.issuer, maxText(35), `${p}/Id/Othr`),
        ]);
  const proxy =
    a.proxy === undefined
      ? undefined
      : el('Prxy', [
          writeChoice('Tp', a.proxy.type, 4, `${p}/Prxy`),
          leaf('Id', checkText(a.proxy.id, 2048, `${p}/Prxy/Id`)),
        ]);
  return el(name, [
    el('Id', [id]),
    optLeaf('Ccy', a.currency, checkCurrency, p),
    optLeaf('Nm', a.name, maxText(70), p),
    proxy,
  ]);
}

export function writeAgent(name: string, a: Agent | undefined, path: string): XmlNode | undefined {
  if (a === undefined) return undefined;
  const p = `${path}/${name}/FinInstnId`;
  if ([a.bic, a.clearingMember, a.lei, a.name].every((v) => v === undefined))
    throw new Iso20022Error(
      'missing_field',
      `${p}/BICFI`,
      'an agent needs a BIC, member id, LEI or name',
    );
  const m = a.clearingMember;
  const member =
    m === undefined
      ? undefined
      : el('ClrSysMmbId', [
          writeChoice('ClrSysId', m.system, 5, `${p}/ClrSysMmbId`),
          leaf('MmbId', checkText(m.memberId, 35, `${p}/ClrSysMmbId/MmbId`)),
        ]);
  return el(name, [
    el('FinInstnId', [
      optLeaf('BICFI', a.bic, checkBic, p),
      member,
      optLeaf('LEI', a.lei, checkLei, p),
      optLeaf('Nm', a.name, maxText(140), p),
      writeAddress('PstlAdr', a.postalAddress, p),
    ]),
  ]);
}
