import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { secretsDetector } from '../../../src/detectors/secrets.js';
import { scanText } from '../../../src/scan-text.js';
import { found, texts } from './helpers.js';

const secrets = secretsDetector();
const named = secretsDetector({ highEntropy: false });

const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\nq9Zm\n-----END RSA PRIVATE KEY-----';

describe('secretsDetector: known shapes', () => {
  it('reports an AWS key id in a sentence with its exact span', () => {
    expect(scanText('my key is AKIAIOSFODNN7EXAMPLE, rotate it', [named])).toEqual([
      { type: 'SECRET', start: 10, end: 30, confidence: 0.95, detector: 'secrets' },
    ]);
  });

  it('reports each provider prefix', () => {
    const samples = [
      jwt,
      'ASIAY34FZKBOKMUTVV7A',
      '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',
      'gho_16C7e42F292c6912E7710c838347Ae178B4a',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP',
      'glpat-xYz12AbC34dEf56GhI78jK',
      'xoxb-2712345678-3612345678901-AbCdEfGhIjKlMnOpQrStUvWx',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      'rk_live_51H8aB2CdEfGhIjKlMn0pQr',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI',
      'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ',
      'sk-ant-api03-Xy9AbCdEfGhIjKlMnOpQrStUv12345',
      'npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
    ];
    for (const sample of samples) {
      expect(found(named, `here: ${sample} ok`), sample).toEqual([['SECRET', sample, 0.95]]);
    }
  });

  it('reports a PEM block header to footer, and a cut block to the end of the text', () => {
    expect(found(named, `key:\n${pem}\nthanks`)).toEqual([['SECRET', pem, 0.99]]);
    const cut = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA';
    expect(texts(named, `oops ${cut}`)).toEqual([cut]);
    expect(texts(named, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toEqual([]);
  });

  it('does not report look-alikes', () => {
    expect(
      texts(
        named,
        'use sk-learn-classification-tools, task-force, AKIA123, ghp_short, eyJhbGciOi only, xoxb-short, npm_install',
      ),
    ).toEqual([]);
  });
});

describe('secretsDetector: high-entropy tokens', () => {
  it('reports random base64 and hex tokens, raised near context words', () => {
    expect(found(secrets, 'token = Zk3pQ9vR2mXw7LbT4nHs8yJd')).toEqual([
      ['SECRET', 'Zk3pQ9vR2mXw7LbT4nHs8yJd', 0.9],
    ]);
    expect(found(secrets, 'see Zk3pQ9vR2mXw7LbT4nHs8yJd there')).toEqual([
      ['SECRET', 'Zk3pQ9vR2mXw7LbT4nHs8yJd', 0.6],
    ]);
    expect(found(secrets, 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8')).toEqual([
      ['SECRET', '9fceb02d0ae598e95dc970b74767f19372d61af8', 0.5],
    ]);
  });

  it('does not report words, identifiers, UUIDs, paths, dates or low-entropy runs', () => {
    const text = [
      'internationalization',
      'internationalization2024',
      'user_profile_settings_v2_final',
      '550e8400-e29b-41d4-a716-446655440000',
      '550E8400-E29B-41D4-A716-446655440000',
      '/usr/local/lib/node_modules/pkg',
      '2024-01-01T12:00:00Z',
      'aaaaaaaaaaaaaaaaaaaaaaa1',
      '0000000000000000000000000000000000001f',
      'ABCDEFGHJKLMNPQRSTUVWXYZ234567AB',
      'deadbeef',
    ].join(' ');
    expect(texts(secrets, text)).toEqual([]);
  });

  it('can be switched off, and refuses unknown options', () => {
    expect(texts(named, 'token = Zk3pQ9vR2mXw7LbT4nHs8yJd')).toEqual([]);
    expect(() => secretsDetector({ entropy: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    try {
      secretsDetector({ highEntropy: 'yes' } as never);
    } catch (error) {
      expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
    }
  });
});
