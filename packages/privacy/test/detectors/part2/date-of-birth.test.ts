import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { dateOfBirthDetector } from '../../../src/detectors/date-of-birth.js';
import { scanText } from '../../../src/scan-text.js';
import { texts } from './helpers.js';

const now = () => Date.UTC(2026, 10, 26, 12);
const dob = dateOfBirthDetector({ now });

describe('dateOfBirthDetector', () => {
  it('reports a written date near "born" with its exact span', () => {
    expect(scanText('I was born on 12 March 1985.', [dob])).toEqual([
      { type: 'DATE_OF_BIRTH', start: 14, end: 27, confidence: 0.85, detector: 'date-of-birth' },
    ]);
  });

  it('reads numeric and written forms near every context word', () => {
    expect(texts(dob, 'DOB: 1990-04-21')).toEqual(['1990-04-21']);
    expect(texts(dob, 'date of birth 21/04/1990, thanks')).toEqual(['21/04/1990']);
    expect(texts(dob, 'birthday is 04/21/1990')).toEqual(['04/21/1990']);
    expect(texts(dob, 'd.o.b. 21.04.1990')).toEqual(['21.04.1990']);
    expect(texts(dob, 'Born April 21, 1990 in Leeds')).toEqual(['April 21, 1990']);
    expect(texts(dob, 'my birthdate: 21st of Apr. 1990')).toEqual(['21st of Apr. 1990']);
    expect(texts(dob, 'bday Sept 3rd 2001')).toEqual(['Sept 3rd 2001']);
  });

  it('ignores dates without a context word nearby', () => {
    expect(texts(dob, 'the meeting is on 12 March 2025, bring the report')).toEqual([]);
    expect(texts(dob, `born ${'.'.repeat(60)} 1990-04-21`)).toEqual([]);
    expect(texts(dateOfBirthDetector({ now, window: 80 }), `born ${'.'.repeat(60)} 1990-04-21`)).toEqual([
      '1990-04-21',
    ]);
  });

  it('ignores impossible, future and too-old dates, and two-digit years', () => {
    expect(texts(dob, 'born 30/02/1990, born 1990-13-01, born 31 April 1990')).toEqual([]);
    expect(texts(dob, 'born on 2027-01-01 (future)')).toEqual([]);
    expect(texts(dob, 'born 1890-05-01 and born 0090-05-01')).toEqual([]);
    expect(texts(dob, 'born 21/04/90')).toEqual([]);
    expect(texts(dob, 'born 1896-11-26')).toEqual(['1896-11-26']);
    expect(texts(dob, 'born 1896-11-25')).toEqual([]);
  });

  it('refuses bad options with CONFIG_INVALID', () => {
    const bad = (options: object) => {
      try {
        dateOfBirthDetector(options as never);
      } catch (error) {
        return isSecbotError(error, 'CONFIG_INVALID') ? error.message : 'wrong error';
      }
      return 'no error';
    };
    expect(bad({ window: 0 })).toContain('window');
    expect(bad({ now: 5 })).toContain('now');
    expect(bad({ extra: true })).toContain('extra');
  });
});
