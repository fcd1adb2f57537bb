// Readers for the building blocks that pacs.008 and pacs.002 share: amounts, postal addresses,
// parties, accounts and agents (ISO 20022 PostalAddress24, PartyIdentification135, CashAccount38, ...).
import { compact } from './compact.ts';
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
import type { XmlElement } from './xml-read.ts';

/** PostalAddress24 parts in XSD order: key, element, maximum length (Ctry is checked apart). */
export const addressParts = [
  ['department', 'Dept', 70],
  ['subDepartment', 'SubDept', 70],
  ['street', 'StrtNm', 70],
  ['buildingNumber', 'BldgNb', 16],
  ['buildingName', 'BldgNm', 35],
  ['floor', 'Flr', 70],
  ['postBox', 'PstBx', 16],
  ['room', 'Room', 70],
  ['postCode', 'PstCd', 16],
  ['town', 'TwnNm', 35],
  ['townLocation', 'TwnLctnNm', 35],
  ['district', 'DstrctNm', 35],
  ['countrySubDivision', 'CtrySubDvsn', 35],
] as const;
export const addressLinesMax = 7;

export const text =
  (max: number) =>
  (value: string, path: string): string =>
    checkText(value, max, path);

export function readAmount(e: XmlElement): Amount {
  const currency = checkCurrency(e.needAttr('Ccy'), `${e.path}/@Ccy`);
  return { currency, amount: checkAmount(e.text(), e.path) };
}

/** A `Cd | Prtry` choice; `codeMax` is the code list's maximum length. */
export function readCodeOrProprietary(e: XmlElement, codeMax: number): CodeOrProprietary {
  const code = e.optText('Cd', text(codeMax));
  const proprietary = e.optText('Prtry', text(35));
  if (code !== undefined && proprietary !== undefined)
    throw new Iso20022Error('invalid_field', e.path, 'holds both Cd and Prtry');
  if (code !== undefined) return { code };
  if (proprietary !== undefined) return { proprietary };
  throw new Iso20022Error('missing_field', `${e.path}/Cd`, 'Cd or Prtry is mandatory');
}

function optChoice(
  parent: XmlElement,
  name: string,
  codeMax: number,
): CodeOrProprietary | undefined {
  const e = parent.child(name);
  return e === undefined ? undefined : readCodeOrProprietary(e, codeMax);
}

export function readAddress(e: XmlElement): PostalAddress {
  const out: PostalAddress = {};
  for (const [key, tag, max] of addressParts) {
    const value = e.optText(tag, text(max));
    if (value !== undefined) out[key] = value;
  }
  const country = e.optText('Ctry', checkCountry);
  if (country !== undefined) out.country = country;
  const lines = e.children('AdrLine');
  if (lines.length > addressLinesMax)
    throw new Iso20022Error(
      'invalid_field',
      `${e.path}/AdrLine`,
      `at most ${addressLinesMax} lines`,
    );
  if (lines.length > 0) out.lines = lines.map((l) => checkText(l.text(), 70, l.path));
  return out;
}

function readOtherIds(e: XmlElement): OtherId[] {
  return e.children('Othr').map((o) =>
    compact({
      id: o.needText('Id', text(35)),
      scheme: optChoice(o, 'SchmeNm', 4),
      issuer: o.optText('Issr', text(35)),
    }),
  );
}

function readPartyId(e: XmlElement): PartyId {
  const org = e.child('OrgId');
  const person = e.child('PrvtId');
  if (org !== undefined && person !== undefined)
    throw new Iso20022Error('invalid_field', e.path, 'holds both OrgId and PrvtId');
  if (org !== undefined)
    return compact({
      kind: 'organisation' as const,
      anyBic: org.optText('AnyBIC', checkBic),
      lei: org.optText('LEI', checkLei),
      others: readOtherIds(org),
    });
  if (person === undefined)
    throw new Iso20022Error('missing_field', `${e.path}/OrgId`, 'OrgId or PrvtId is mandatory');
  const b = person.child('DtAndPlcOfBirth');
  const birth =
    b === undefined
      ? undefined
      : compact({
          date: b.needText('BirthDt', checkDate),
          province: b.optText('PrvcOfBirth', text(35)),
          city: b.needText('CityOfBirth', text(35)),
          country: b.needText('CtryOfBirth', checkCountry),
        });
  return compact({ kind: 'person' as const, birth, others: readOtherIds(person) });
}

export function readParty(e: XmlElement): Party {
  const address = e.child('PstlAdr');
  const id = e.child('Id');
  return compact({
    name: e.optText('Nm', text(140)),
    postalAddress: address === undefined ? undefined : readAddress(address),
    id: id === undefined ? undefined : readPartyId(id),
    country: e.optText('CtryOfRes', checkCountry),
  });
}

export function readAccount(e: XmlElement): Account {
  const idElement = e.need('Id');
  const iban = idElement.optText('IBAN', checkIban);
  const other = idElement.child('Othr');
  if (iban !== undefined && other !== undefined)
    throw new Iso20022Error('invalid_field', idElement.path, 'holds both IBAN and Othr');
  let id: Account['id'];
  if (iban !== undefined) id = { iban };
  else if (other !== undefined)
    id = compact({
      other: other.needText('Id', text(34)),
      scheme: optChoice(other, 'SchmeNm', 4),
      issuer: other.optText('Issr', text(35)),
    });
  else
    throw new Iso20022Error('missing_field', `${idElement.path}/Othr`, 'IBAN or Othr is mandatory');
  const proxy = e.child('Prxy');
  return compact({
    id,
    currency: e.optText('Ccy', checkCurrency),
    name: e.optText('Nm', text(70)),
    proxy:
      proxy === undefined
        ? undefined
        : compact({ id: proxy.needText('Id', text(2048)), type: optChoice(proxy, 'Tp', 4) }),
  });
}

/** An agent must be identified somehow: by BIC, clearing member id, LEI or name. */
export function readAgent(e: XmlElement): Agent {
  const fi = e.need('FinInstnId');
  const member = fi.child('ClrSysMmbId');
  const address = fi.child('PstlAdr');
  const agent: Agent = compact({
    bic: fi.optText('BICFI', checkBic),
    clearingMember:
      member === undefined
        ? undefined
        : compact({
            memberId: member.needText('MmbId', text(35)),
            system: optChoice(member, 'ClrSysId', 5),
          }),
    lei: fi.optText('LEI', checkLei),
    name: fi.optText('Nm', text(140)),
    postalAddress: address === undefined ? undefined : readAddress(address),
  });
  const identified = [agent.bic, agent.clearingMember, agent.lei, agent.name];
  if (identified.every((v) => v === undefined))
    throw new Iso20022Error(
      'missing_field',
      `${fi.path}/BICFI`,
      'an agent needs a BIC, member id, LEI or name',
    );
  return agent;
}
