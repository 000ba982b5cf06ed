// Banking support chats. Each template draws fresh values every time it is instantiated.
import { type Draft, m, pii } from './labelled.js';
import type { Labeller } from './labeller.js';

export const banking: readonly ((l: Labeller) => Draft)[] = [
  (l) => m`Hi, my card ${l.card()} was declined at the supermarket this morning. Can you check?`,
  (l) => m`${l.card()} is the card that got charged twice`,
  (l) => m`hello
i think someone used my debit card ${l.card()} online, i didnt buy anything from that shop!!
please block it`,
  (l) => m`Please send the refund to ${l.iban()} instead of the card.`,
  (l) => m`IBAN: ${l.iban()}
BIC: ${l.rng.pick(['DEUTDEFF', 'NWBKGB2L', 'ABNANL2A'])}
Reference: invoice 2291`,
  (l) => m`I want to set up a standing order to my landlord, his account is ${l.iban()}, monthly on the 1st`,
  (l) => m`good evening, transfer to ${l.iban()} is still pending since tuesday, can you tell me why`,
  (l) => m`You can reach me on ${l.usPhone()} or by email at ${l.email()}.`,
  (l) => m`my new number is ${l.gbPhone()}, please update it on my account`,
  (l) => m`Hi there. Email: ${l.email()}
Phone: ${l.phone()}
Card: ${l.card()}`,
  (l) => m`For the mortgage application I need to confirm my SSN, it's ${l.ssn()}.`,
  (l) => m`ssn ${l.ssn()} dob ${l.dob()}`,
  (l) =>
    m`Hey, I got a text saying my account was locked. I called ${l.usPhone()} and they asked for my card number ${l.card()} - was that you guys??`,
  (l) => m`Can you change the email on file from ${l.email()} to ${l.email()}? Thanks`,
  (l) =>
    m`Salary goes into ${l.iban()}, savings are in ${l.iban()}. Why was the transfer between them blocked?`,
  (l) => m`Thanks for the help earlier! My cell is ${l.usPhone()} if you need anything else`,
  (l) =>
    m`The charge of $${String(l.rng.int(12, 999))}.${String(l.rng.int(10, 99))} on card ${l.card()} is not mine.`,
  (l) =>
    m`hiya, card no. ${l.card()} expiry 0${String(l.rng.int(1, 9))}/2${String(l.rng.int(6, 9))}, i lost it on the train`,
  (l) =>
    m`I'm opening a joint account with my wife. Her social security number is ${l.ssn()} and mine is ${l.ssn()}.`,
  (l) => m`${l.email()}`,
  (l) => m`Order ${l.order()} was paid with ${l.card()} but the shop says it never arrived.`,
  (l) => m`please call me back on ${l.phone()} between 9 and 5, ref 44182`,
  (l) =>
    m`I sent €${String(l.rng.int(100, 5000))} to ${l.iban()} by mistake, the right one was ${l.iban()}. Can it be recalled?`,
  (l) => m`Dear support,

I am writing about my credit card ending ${String(l.rng.int(1000, 9999))}. The full number is ${l.card()}.
Please contact me at ${l.email()}.

Kind regards`,
  (l) => m`my taxpayer id (ITIN) is ${l.itin()}, I don't have an SSN yet`,
  (l) => m`Login from ${l.ip()} wasn't me, please lock my online banking`,
  (l) => m`Wire details: beneficiary ACME Ltd, IBAN ${l.iban()}, amount 12,400.00 EUR, value date 2025-03-14`,
  (l) => m`can u send the statement to ${l.email()} pls`,
  (l) => m`SSN: ${l.ssn(' ')}`,
  (l) => m`Text me on ${l.gbPhone()} when the new card ${l.card()} is posted`,
  () =>
    m`My Amex ${pii('CREDIT_CARD', '3782 822463 10005')} shows a foreign transaction fee I didn't agree to.`,
  () =>
    m`test card ${pii('CREDIT_CARD', '4111111111111111')} works in sandbox but ${pii('CREDIT_CARD', '5555 5555 5555 4444')} fails, any idea?`,
  (l) => m`new payee: ${pii('IBAN', l.iban().value.replace(/ /g, '').toLowerCase())} (my sister)`,
  (l) => m`text me 2day on ${l.mobileBlock()} plz, cant talk at work`,
  (l) => m`my social security number is ${l.ssn('')}`,
  (l) => m`EMAIL ${pii('EMAIL', l.email().value.toUpperCase())} PLEASE`,
  (l) => m`Call the branch at ${l.usPhone()} ext. 204 and ask for Dana`,
];
