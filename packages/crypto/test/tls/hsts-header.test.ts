import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { hstsHeader } from '../../src/tls/index.js';

function issuePaths(options: unknown): string[] {
  try {
    hstsHeader(options as never);
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error.issues?.map((issue) => issue.path) ?? [];
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('hstsHeader', () => {
  it('defaults to one year with subdomains and no preload', () => {
    expect(hstsHeader()).toBe('max-age=31536000; includeSubDomains');
  });

  it('builds the variants', () => {
    expect(hstsHeader({ maxAgeSec: 86_400, includeSubDomains: false })).toBe('max-age=86400');
    expect(hstsHeader({ preload: true })).toBe('max-age=31536000; includeSubDomains; preload');
    expect(hstsHeader({ maxAgeSec: 63_072_000, preload: true })).toBe(
      'max-age=63072000; includeSubDomains; preload',
    );
  });

  it('enforces the hstspreload.org rules and a one-day floor', () => {
    expect(issuePaths({ preload: true, includeSubDomains: false })).toEqual(['includeSubDomains']);
    expect(issuePaths({ preload: true, maxAgeSec: 86_400 })).toEqual(['maxAgeSec']);
    expect(issuePaths({ maxAgeSec: 3600 })).toEqual(['maxAgeSec']);
    expect(issuePaths({ maxAgeSec: 0 })).toEqual(['maxAgeSec']);
    expect(issuePaths({ maxAgeSec: 86_400.5 })).toEqual(['maxAgeSec']);
    expect(issuePaths({ maxAgeSec: '31536000' })).toEqual(['maxAgeSec']);
    expect(issuePaths({ includeSubdomains: true })).toEqual(['']);
  });
});
