// Synthetic values for the corpus generator: every value passes the checks a real one would
// (Luhn, mod-97, SSN structure, NHS mod-11, numbering plans), and the near misses fail them by
// construction. Nothing here belongs to a real person.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** A deterministic pseudo-random source (mulberry32), so the generated corpus is reproducible. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** `length` random decimal digits. */
  digits(length: number): string;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number],
    digits: (length) => Array.from({ length }, () => String(int(0, 9))).join(''),
  };
}

/** The Luhn check digit for `body`. */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index++) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

const cardPrefixes: readonly (readonly [string, number])[] = [
  ['4', 16],
  ['4', 16],
  ['51', 16],
  ['53', 16],
  ['55', 16],
  ['2221', 16],
  ['37', 15],
  ['34', 15],
  ['6011', 16],
  ['3528', 16],
];

/** Group card digits the way cards print them: Amex 4-6-5, others blocks of four. */
export function groupCard(digits: string, separator: string): string {
  if (digits.length === 15)
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(separator);
  return digits.match(/.{1,4}/g)?.join(separator) ?? digits;
}

/** A Luhn-valid card number of a major network, as digits. */
export function cardDigits(rng: Rng): string {
  const [prefix, length] = rng.pick(cardPrefixes);
  const body = prefix + rng.digits(length - prefix.length - 1);
  return body + luhnCheckDigit(body);
}

/** A Luhn-valid card number printed in one of the usual ways (spaces, dashes, one block). */
export function card(rng: Rng): string {
  return groupCard(cardDigits(rng), rng.pick([' ', ' ', '-', '']));
}

/** A 16-digit number that fails Luhn (an order or reference number, not a card). */
export function nonLuhn16(rng: Rng): string {
  const body = rng.pick(['4', '5', '6']) + rng.digits(14);
  const wrong = (Number(luhnCheckDigit(body)) + rng.int(1, 9)) % 10;
  return body + String(wrong);
}

/** ISO 7064 mod-97 check digits for `country` and `bban`. */
export function ibanCheckDigits(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.toUpperCase();
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return String(98 - remainder).padStart(2, '0');
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const upper = (rng: Rng, length: number): string =>
  Array.from({ length }, () => rng.pick([...letters])).join('');

const bbans: Record<string, (rng: Rng) => string> = {
  DE: (rng) => rng.digits(18),
  GB: (rng) => rng.pick(['NWBK', 'BARC', 'LOYD', 'MIDL', 'HBUK']) + rng.digits(14),
  NL: (rng) => rng.pick(['ABNA', 'RABO', 'INGB']) + rng.digits(10),
  FR: (rng) => rng.digits(21) + rng.digits(2),
  ES: (rng) => rng.digits(20),
  IE: (rng) => rng.pick(['AIBK', 'BOFI']) + rng.digits(14),
  BE: (rng) => rng.digits(12),
  IT: (rng) => upper(rng, 1) + rng.digits(22),
};

/** A valid IBAN in compact form. */
export function ibanCompact(rng: Rng, country = rng.pick(Object.keys(bbans))): string {
  const bban = (bbans[country] as (rng: Rng) => string)(rng);
  return `${country}${ibanCheckDigits(country, bban)}${bban}`;
}

/** A valid IBAN, compact or printed in groups of four. */
export function iban(rng: Rng): string {
  const compact = ibanCompact(rng);
  return rng.next() < 0.6 ? (compact.match(/.{1,4}/g)?.join(' ') ?? compact) : compact;
}

/** A valid IBAN whose last digit is changed, so mod-97 fails. */
export function badIban(rng: Rng): string {
  const compact = ibanCompact(rng, 'DE');
  const last = (Number(compact.slice(-1)) + 1) % 10;
  return (compact.slice(0, -1) + String(last)).match(/.{1,4}/g)?.join(' ') ?? compact;
}

/** Nine SSN digits that can be issued: area 001-899 but not 666, group 01-99, serial 0001-9999. */
export function ssnDigits(rng: Rng): string {
  let area = rng.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}${String(rng.int(1, 99)).padStart(2, '0')}${String(rng.int(1, 9999)).padStart(4, '0')}`;
}

/** An SSN written `AAA-GG-SSSS` (or with `separator`). */
export function ssn(rng: Rng, separator = '-'): string {
  const digits = ssnDigits(rng);
  return [digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)].join(separator);
}

/** An ITIN: 9XX-GG-SSSS with the group in 50-65, 70-88, 90-92 or 94-99. */
export function itin(rng: Rng): string {
  const group = rng.pick([rng.int(50, 65), rng.int(70, 88), rng.int(94, 99)]);
  return `9${rng.digits(2)}-${group}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
}

const usAreas = ['212', '415', '312', '617', '202', '305', '512', '646', '718', '206', '404', '713', '303'];

function validPhone(make: () => string, country: 'US' | 'GB'): string {
  for (;;) {
    const national = make();
    if (parsePhoneNumberFromString(national, country)?.isValid() === true) return national;
  }
}

/** A valid US number in a common national or international format. */
export function usPhone(rng: Rng): string {
  const n = validPhone(() => rng.pick(usAreas) + String(rng.int(201, 989)) + rng.digits(4), 'US');
  const [a, b, c] = [n.slice(0, 3), n.slice(3, 6), n.slice(6)];
  return rng.pick([
    `(${a}) ${b}-${c}`,
    `${a}-${b}-${c}`,
    `${a}.${b}.${c}`,
    `${a} ${b} ${c}`,
    `+1 ${a} ${b} ${c}`,
    `+1 (${a}) ${b}-${c}`,
    `+1-${a}-${b}-${c}`,
    `+1${n}`,
    `1-${a}-${b}-${c}`,
  ]);
}

/** A valid GB number (London, Manchester, Leeds, mobile) in a national or international format. */
export function gbPhone(rng: Rng): string {
  const kind = rng.pick(['london', 'city', 'mobile', 'mobile']);
  if (kind === 'london') {
    const n = validPhone(() => `020${rng.pick(['7', '8'])}${rng.digits(7)}`, 'GB');
    const [a, b] = [n.slice(3, 7), n.slice(7)];
    return rng.pick([`020 ${a} ${b}`, `(020) ${a} ${b}`, `+44 20 ${a} ${b}`, `+44 (0)20 ${a} ${b}`]);
  }
  if (kind === 'city') {
    const n = validPhone(() => `0${rng.pick(['161', '113', '121', '131'])}${rng.digits(7)}`, 'GB');
    const [a, b, c] = [n.slice(1, 4), n.slice(4, 7), n.slice(7)];
    return rng.pick([`0${a} ${b} ${c}`, `+44 ${a} ${b} ${c}`, `0${a} ${b}${c}`]);
  }
  const n = validPhone(() => `07${rng.pick(['4', '5', '7', '8', '9'])}${rng.digits(8)}`, 'GB');
  const [a, b] = [n.slice(1, 5), n.slice(5)];
  return rng.pick([`0${a} ${b}`, `+44 ${a} ${b}`, `+44${a}${b}`, `0${a} ${b.slice(0, 3)} ${b.slice(3)}`]);
}

/** A valid GB mobile number written as one block of eleven digits (`07911123456`). */
export function gbMobileBlock(rng: Rng): string {
  return validPhone(() => `07${rng.pick(['4', '5', '7', '8', '9'])}${rng.digits(8)}`, 'GB');
}

const firstNames = [
  'jane',
  'tom',
  'sarah',
  'mohammed',
  'li',
  'aoife',
  'dave',
  'priya',
  'olu',
  'marta',
  'ken',
];
const lastNames = ['doe', 'hughes', 'obrien', 'khan', 'wei', 'murphy', 'smith', 'patel', 'adeyemi', 'nowak'];
const domains = [
  'gmail.com',
  'outlook.com',
  'yahoo.co.uk',
  'example.org',
  'nhs.net',
  'hotmail.com',
  'icloud.com',
  'proton.me',
  'mail.example.co.uk',
  'btinternet.com',
  'acme-corp.com',
];

/** An email address in one of the shapes people use. */
export function email(rng: Rng): string {
  const first = rng.pick(firstNames);
  const last = rng.pick(lastNames);
  const local = rng.pick([
    `${first}.${last}`,
    `${first}${last}${rng.int(1, 99)}`,
    `${first[0]}.${last}`,
    `${first}_${last}`,
    `${first}+bank`,
    `${first[0]?.toUpperCase()}${first.slice(1)}.${last[0]?.toUpperCase()}${last.slice(1)}`,
    `${last}-${first}`,
  ]);
  return `${local}@${rng.pick(domains)}`;
}

/** A UK NHS number (mod-11 check digit), printed 3-3-4 with spaces or as one block. */
export function nhs(rng: Rng): string {
  for (;;) {
    const body = rng.digits(9);
    let sum = 0;
    for (let index = 0; index < 9; index++) sum += Number(body[index]) * (10 - index);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    const digits = body + String(check === 11 ? 0 : check);
    return rng.next() < 0.7 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : digits;
  }
}

/** A UK National Insurance number with a valid prefix. */
export function nino(rng: Rng): string {
  const prefix = rng.pick(['AB', 'CE', 'JG', 'KM', 'PR', 'SL', 'WX', 'HE', 'NA', 'TY']);
  const digits = rng.digits(6);
  const suffix = rng.pick(['A', 'B', 'C', 'D']);
  return rng.next() < 0.5
    ? `${prefix}${digits}${suffix}`
    : `${prefix} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)} ${suffix}`;
}

/** A public-looking IPv4 or IPv6 address. */
export function ip(rng: Rng): string {
  return rng.pick([
    `192.168.${rng.int(0, 9)}.${rng.int(2, 254)}`,
    `203.0.113.${rng.int(1, 254)}`,
    `81.${rng.int(2, 199)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    `2001:db8:${rng.int(1, 9)}::${rng.int(1, 99)}`,
  ]);
}

const months = ['January', 'March', 'April', 'June', 'August', 'October', 'December'];

/** A birth date, 1940-2005, in one of the written forms. */
export function dob(rng: Rng): string {
  const year = rng.int(1940, 2005);
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  const dd = String(day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  return rng.pick([
    `${dd}/${mm}/${year}`,
    `${year}-${mm}-${dd}`,
    `${dd}.${mm}.${year}`,
    `${day} ${rng.pick(months)} ${year}`,
    `${rng.pick(months)} ${day}, ${year}`,
  ]);
}
