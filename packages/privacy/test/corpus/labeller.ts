// Labelled value makers over a seeded source: each call draws a fresh synthetic value.
import { type Pii, pii } from './labelled.js';
import * as values from './values.js';

/** Fresh labelled values for templates; `raw` gives the unlabelled source for near misses. */
export interface Labeller {
  readonly rng: values.Rng;
  card(): Pii;
  iban(): Pii;
  ssn(separator?: string): Pii;
  itin(): Pii;
  usPhone(): Pii;
  gbPhone(): Pii;
  phone(): Pii;
  /** A GB mobile in one block of digits. */
  mobileBlock(): Pii;
  email(): Pii;
  nhs(): Pii;
  nino(): Pii;
  ip(): Pii;
  dob(): Pii;
  /** A 16-digit number failing Luhn (unlabelled). */
  order(): string;
  /** An IBAN with a wrong check digit (unlabelled). */
  badIban(): string;
}

export function createLabeller(seed: number): Labeller {
  const rng = values.createRng(seed);
  return {
    rng,
    card: () => pii('CREDIT_CARD', values.card(rng)),
    iban: () => pii('IBAN', values.iban(rng)),
    ssn: (separator) => pii('US_SSN', values.ssn(rng, separator)),
    itin: () => pii('US_ITIN', values.itin(rng)),
    usPhone: () => pii('PHONE', values.usPhone(rng)),
    gbPhone: () => pii('PHONE', values.gbPhone(rng)),
    phone: () => pii('PHONE', rng.next() < 0.5 ? values.usPhone(rng) : values.gbPhone(rng)),
    mobileBlock: () => pii('PHONE', values.gbMobileBlock(rng)),
    email: () => pii('EMAIL', values.email(rng)),
    nhs: () => pii('UK_NHS', values.nhs(rng)),
    nino: () => pii('UK_NINO', values.nino(rng)),
    ip: () => pii('IP_ADDRESS', values.ip(rng)),
    dob: () => pii('DATE_OF_BIRTH', values.dob(rng)),
    order: () => values.nonLuhn16(rng),
    badIban: () => values.badIban(rng),
  };
}
