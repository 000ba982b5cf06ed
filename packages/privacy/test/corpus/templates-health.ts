// Health service support chats (GP surgeries, hospitals, US insurers).
import { type Draft, m, pii } from './labelled.js';
import type { Labeller } from './labeller.js';

export const health: readonly ((l: Labeller) => Draft)[] = [
  (l) => m`Hi, I need to move my appointment on 12/03/2026. My NHS number is ${l.nhs()}.`,
  (l) => m`Patient: John Smith, date of birth ${l.dob()}, NHS no ${l.nhs()}`,
  (l) => m`hello can the surgery call me on ${l.gbPhone()} about my test results`,
  (l) => m`I was born on ${l.dob()} and my GP says I'm eligible for the flu jab`,
  (l) => m`My insurance claim was denied. Member ID HX-${String(l.rng.int(100000, 999999))}, SSN ${l.ssn()}.`,
  (l) => m`please send the prescription confirmation to ${l.email()}`,
  (l) => m`The pharmacy number is ${l.usPhone()}, they said the refill is ready at 3:30pm`,
  (l) => m`DOB: ${l.dob()}
Phone: ${l.phone()}
Email: ${l.email()}`,
  (l) => m`my daughter's appointment is at 10:45 tomorrow, reach me at ${l.email()} or ${l.gbPhone()}`,
  (l) => m`I paid the copay of $40.00 with card ${l.card()} but the portal still shows a balance`,
  (l) => m`Hi
I've moved house. New contact: ${l.gbPhone()}
Old one ${l.gbPhone()} no longer works.
Thanks, Aoife`,
  (l) =>
    m`The hospital billing office asked for my social security number ${l.ssn()} over the phone, is that normal?`,
  (l) => m`${l.usPhone()} is my mobile, please text the appointment reminder there`,
  (l) => m`Can you update my record: email ${l.email()}, NHS number ${l.nhs()}, d.o.b. ${l.dob()}`,
  () => m`The lab results for sample 2025-0412-77 should go to ${pii('EMAIL', 'dr.khan@nhs.net')} and to me`,
  (l) => m`My medicare claim number is in the letter. For billing, my card is ${l.card()}, exp 11/27.`,
  (l) => m`im locked out of the patient portal, the code goes to ${l.email()} but i never get it`,
  (l) => m`Refund for the cancelled physio sessions please, to my account ${l.iban()}`,
  (l) => m`Blood pressure 128/82 at 09:15, next review in 6 weeks. Questions? Call ${l.gbPhone()}.`,
  (l) => m`Hi, I'm calling about my mum. Her birthday is ${l.dob()} and her NHS number is ${l.nhs()}.`,
  (l) => m`Dental plan renewal: please charge ${l.card()} and email the receipt to ${l.email()}`,
  (l) => m`The nurse line ${l.usPhone()} keeps ringing out, is there another number?`,
  (l) => m`Hello, my SSN is ${l.ssn()} and the insurer has my date of birth wrong, it should be ${l.dob()}.`,
  (l) => m`Emergency contact: my husband, ${l.phone()}`,
  (l) => m`can i get a copy of my vaccination record sent to ${l.email()}`,
];
