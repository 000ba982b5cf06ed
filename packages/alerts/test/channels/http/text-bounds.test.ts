import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../../src/channels/http/receiver-url.js';
import {
  adaptiveCardText,
  bounded,
  mattermostMarkdown,
  plainText,
  slackMrkdwn,
} from '../../../src/channels/http/text-bounds.js';

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('bounded', () => {
  it('keeps short text, cuts long text with an ellipsis', () => {
    expect(bounded('abc', 3)).toBe('abc');
    expect(bounded('abcd', 3)).toBe('ab…');
    expect(bounded('abcd', 1)).toBe('…');
    expect(bounded('a&bc', 7, slackMrkdwn)).toBe('a&amp;…');
    expect(bounded('a&b', 6, slackMrkdwn)).toBe('a…');
    expect(bounded('a&b', 7, slackMrkdwn)).toBe('a&amp;b');
  });

  it('never splits a surrogate pair', () => {
    expect(bounded('😀😀😀', 4)).toBe('😀…');
    expect(bounded('a😀b', 3)).toBe('a…');
  });

  it('escapes each format', () => {
    expect(bounded('<@U1> & >', 100, slackMrkdwn)).toBe('&lt;@U1&gt; &amp; &gt;');
    expect(bounded('@here *x* [a](b)', 100, mattermostMarkdown)).toBe('@\u200bhere \\*x\\* \\[a\\]\\(b\\)');
    expect(bounded('{{DATE(x)}}', 100, adaptiveCardText)).toBe('{\u200b{\u200bDATE(x)}}');
  });

  it('stays within the bound, well formed, with whole escapes (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom(plainText, slackMrkdwn, mattermostMarkdown, adaptiveCardText),
        (text, max, format) => {
          const out = bounded(text, max, format);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out).not.toMatch(loneSurrogate);
          if (format === slackMrkdwn) expect(out.replace(/&(?:amp|lt|gt);/g, '')).not.toMatch(/[&<>]/);
          if (format === mattermostMarkdown) expect(out.replace(/@\u200b/g, '')).not.toContain('@');
          const full = [...text].map(format).join('');
          if (full.length <= max) expect(out).toBe(full);
          else expect(full.startsWith(out.slice(0, -1)) && out.endsWith('…')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('isLoopbackHost', () => {
  it('accepts only loopback names and addresses', () => {
    for (const host of ['localhost', '127.0.0.1', '127.255.0.9', '[::1]', '[::ffff:7f00:1]']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      'localhost.example.com',
      '10.0.0.1',
      '[::]',
      '0.0.0.0',
      '[fe80::1]',
      '128.0.0.1',
      '',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
