/**
 * Whether a string of ASCII digits passes the Luhn (mod 10) check used by payment card numbers.
 *
 * @param digits - Only the digits `0-9`, at least two.
 * @returns `true` when the check digit holds.
 */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether an IBAN in compact form (no spaces, upper-case letters) passes the ISO 7064 mod-97-10
 * check: move the first four characters to the end, read letters as 10-35, and the number mod 97
 * must be 1.
 *
 * @param iban - `[A-Z]{2}[0-9]{2}[A-Z0-9]+`, compact.
 * @returns `true` when the check digits hold.
 */
export function ibanMod97Valid(iban: string): boolean {
  if (iban.length < 5) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let index = 0; index < rearranged.length; index++) {
    const code = rearranged.charCodeAt(index);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * Whether ten digits form a valid UK NHS number: weights 10 down to 2 on the first nine digits,
 * `11 - (sum mod 11)` is the check digit (11 reads as 0; 10 means no valid number exists).
 *
 * @param digits - Exactly ten ASCII digits.
 * @returns `true` when the tenth digit is the check digit.
 */
export function nhsCheckValid(digits: string): boolean {
  if (digits.length !== 10) return false;
  let sum = 0;
  for (let index = 0; index < 9; index++) {
    const digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += digit * (10 - index);
  }
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === digits.charCodeAt(9) - 48;
}
