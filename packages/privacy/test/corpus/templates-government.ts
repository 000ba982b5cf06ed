// Government services chats (tax, benefits, licences, councils).
import { type Draft, m } from './labelled.js';
import type { Labeller } from './labeller.js';

export const government: readonly ((l: Labeller) => Draft)[] = [
  (l) => m`My National Insurance number is ${l.nino()} and my tax code looks wrong`,
  (l) => m`I'm filing for unemployment. SSN ${l.ssn()}, phone ${l.usPhone()}.`,
  (l) => m`Hi, my passport renewal hasn't arrived. You can email me at ${l.email()}.`,
  (l) => m`Council tax refund to ${l.iban()} please, account holder Mrs P Patel`,
  (l) => m`NI number: ${l.nino()}
Date of birth: ${l.dob()}
Phone: ${l.gbPhone()}`,
  (l) => m`my social is ${l.ssn()} and I never got the stimulus check`,
  (l) =>
    m`The DMV website says my license is suspended but I paid the fine with ${l.card()} on the 3rd of May`,
  (l) => m`Pls call me ${l.usPhone()} about the building permit, application 2025-BP-00417`,
  (l) => m`I need a replacement social security card. My number is ${l.ssn()} and I was born ${l.dob()}.`,
  (l) => m`Universal Credit payment should go to ${l.iban()}, not my old account`,
  (l) =>
    m`Good morning, I applied for the blue badge on 2025-01-14 and haven't heard back. ${l.email()} / ${l.gbPhone()}`,
  (l) => m`Tax return question: my ITIN is ${l.itin()} and my spouse's SSN is ${l.ssn()}`,
  (l) => m`hi there my email changed to ${l.email()} can you update my gov account`,
  (l) => m`${l.gbPhone()} - that's my number, call after 6pm`,
  (l) => m`Voter registration: I moved from 14 Elm Street to flat 3B. Contact ${l.email()}.`,
  (l) =>
    m`I paid the parking fine PCN ${String(l.rng.int(10000000, 99999999))} with card ${l.card()} but got a reminder letter`,
  (l) => m`My NINO is ${l.nino()}, I need to check my state pension forecast`,
  (l) =>
    m`Could someone from the benefits office ring me on ${l.gbPhone()}? I tried ${l.gbPhone()} but no answer`,
  (l) => m`Form W-9 asks for my SSN (${l.ssn()}). Is it safe to put it in this chat?`,
  (l) => m`please send the decision letter to ${l.email()} and a copy to my solicitor ${l.email()}`,
  (l) => m`Child benefit: my bank details changed, new IBAN ${l.iban()}`,
  (l) => m`I'm a US citizen living in the UK, my US number is ${l.usPhone()} and UK mobile ${l.gbPhone()}`,
  (l) => m`Hi! Appointment for biometrics at 14:30 on 22/04/2026. My phone: ${l.phone()}`,
  (l) => m`My ssn ${l.ssn()}`,
  (l) => m`The renewal fee ($130.00) was charged to ${l.card()} twice, please refund one`,
];
