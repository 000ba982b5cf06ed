import { describe, expect, it } from 'vitest';
import { urlCredentialsDetector } from '../../../src/detectors/url-credentials.js';
import { scanText } from '../../../src/scan-text.js';
import { texts } from './helpers.js';

const url = urlCredentialsDetector();

describe('urlCredentialsDetector', () => {
  it('reports the user:password span of a URL, keeping scheme and host out of it', () => {
    const text = 'use redis://app:s3cret@cache:6379 for now';
    expect(scanText(text, [url])).toEqual([
      { type: 'URL_CREDENTIALS', start: 12, end: 22, confidence: 0.95, detector: 'url-credentials' },
    ]);
    expect(texts(url, 'DATABASE_URL=postgres://admin:p%40ss:w0rd@db.internal:5432/app')).toEqual([
      'admin:p%40ss:w0rd',
    ]);
    expect(texts(url, '"https://bot:tok@api.example.com/x" and <ftp://u:p@h>')).toEqual(['bot:tok', 'u:p']);
  });

  it('does not report URLs without a password, without a scheme, or with @ only in the path', () => {
    expect(texts(url, 'ssh://git@github.com/org/repo.git')).toEqual([]);
    expect(texts(url, 'https://user:@host/ and https://:pw@host/')).toEqual([]);
    expect(texts(url, 'https://example.com/users/@bob:1 and ://a:b@c and 1://a:b@c')).toEqual([]);
    expect(texts(url, 'https://host:8080/path?x=a:b@c mail me at a:b @ c')).toEqual([]);
  });

  it('does not run past 256 characters of user or password', () => {
    expect(texts(url, `https://u:${'p'.repeat(600)}@host`)).toEqual([]);
    expect(texts(url, `https://u:${'p'.repeat(200)}@host`)).toEqual([`u:${'p'.repeat(200)}`]);
  });
});
