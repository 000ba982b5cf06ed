import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mattermostChannel } from '../../../src/channels/http/mattermost-channel.js';
import { alert, context, notification } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

interface MattermostMessage {
  text: string;
  attachments: { fallback: string; color: string; text: string }[];
}

describe('mattermostChannel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const lastMessage = (): MattermostMessage =>
    JSON.parse(receiver.requests.at(-1)!.body) as MattermostMessage;

  it('POSTs a bold title and one attachment coloured by severity', async () => {
    const channel = mattermostChannel({ url: `${receiver.url}/hooks/abc123` });
    expect(channel.name).toBe('mattermost');
    await channel.send(notification(), context);
    expect(receiver.requests.at(-1)).toMatchObject({ method: 'POST', path: '/hooks/abc123' });
    const message = lastMessage();
    expect(message.text).toBe('**\\[FIRING:1\\] HIGH auth.brute-force.user \\(user=a\\*\\*\\*e\\)**');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]?.color).toBe('#e65100');
    expect(message.attachments[0]?.text).toContain('25 failed logins');
    expect(receiver.requests.at(-1)!.body).not.toContain('alice@example.com');
    await channel.send(
      notification({ status: 'resolved', alerts: [alert({ status: 'resolved', severity: 'critical' })] }),
      context,
    );
    expect(lastMessage().attachments[0]?.color).toBe('#2e7d32');
  });

  it('escapes Markdown and breaks @mentions in alert content', async () => {
    const summary =
      '@channel @all ![x](https://evil.example/p.png) [click](https://evil.example) <b>hi</b> | # _';
    await mattermostChannel({ url: `${receiver.url}/hooks/k` }).send(
      notification({ alerts: [alert({ summary })] }),
      context,
    );
    const text = lastMessage().attachments[0]?.text ?? '';
    expect(text).toContain('@\u200bchannel @\u200ball \\!\\[x\\]\\(https://evil.example/p.png\\)');
    expect(text).toContain('\\[click\\]\\(https://evil.example\\) \\<b\\>hi\\</b\\> \\| \\# \\_');
    expect(text).not.toMatch(/@(?!\u200b)/);
    expect(text).not.toMatch(/(?<!\\)[[\]()<>]/);
  });

  it('bounds the attachment text and counts the alerts left out', async () => {
    const alerts = Array.from({ length: 12 }, (_, i) => alert({ id: `a${i}`, summary: '*'.repeat(20_000) }));
    await mattermostChannel({ url: `${receiver.url}/hooks/k` }).send(notification({ alerts }), context);
    const text = lastMessage().attachments[0]?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(12_000);
    expect(text).toMatch(/\\\*…$/);
    const few = Array.from({ length: 12 }, (_, i) => alert({ id: `a${i}` }));
    await mattermostChannel({ url: `${receiver.url}/hooks/k` }).send(notification({ alerts: few }), context);
    expect(lastMessage().attachments[0]?.text).toMatch(/… and 2 more alerts$/);
  });
});
