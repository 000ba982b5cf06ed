import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsChannel } from '../../../src/channels/http/teams-channel.js';
import { alert, context, notification } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

interface Inline {
  type: string;
  text: string;
  color?: string;
}
interface Card {
  type: string;
  version: string;
  body: { type: string; inlines: Inline[] }[];
}
interface TeamsMessage {
  type: string;
  attachments: { contentType: string; content: Card }[];
}

describe('teamsChannel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver((_request, response) => {
      response.writeHead(202);
      response.end();
    });
  });
  afterAll(async () => {
    await receiver.close();
  });

  const lastMessage = (): TeamsMessage => JSON.parse(receiver.requests.at(-1)!.body) as TeamsMessage;
  const path = '/workflows/w1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s1g';

  it('POSTs a message with one Adaptive Card 1.4 to the Workflows URL', async () => {
    const channel = teamsChannel({ url: `${receiver.url}${path}` });
    expect(channel.name).toBe('teams');
    await channel.send(notification(), context);
    expect(receiver.requests.at(-1)).toMatchObject({ method: 'POST', path });
    const message = lastMessage();
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = message.attachments[0]!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body.every((element) => element.type === 'RichTextBlock')).toBe(true);
    expect(card.body[0]?.inlines[0]).toMatchObject({ type: 'TextRun', color: 'Attention' });
    expect(card.body[1]?.inlines[0]?.text).toContain('25 failed logins');
    expect(receiver.requests.at(-1)!.body).not.toContain('alice@example.com');
  });

  it('keeps alert content plain: no Markdown block, date functions broken', async () => {
    const summary = '**bold** [x](https://evil.example) {{DATE(2017-02-14T06:08:39Z, SHORT)}}';
    await teamsChannel({ url: `${receiver.url}${path}` }).send(
      notification({ alerts: [alert({ summary })] }),
      context,
    );
    const text = lastMessage().attachments[0]?.content.body[1]?.inlines[0]?.text ?? '';
    expect(text).toContain('**bold** [x](https://evil.example) {\u200b{\u200bDATE(');
    expect(text).not.toContain('{{');
  });

  it('bounds the card (about 20 KB) and counts the alerts left out', async () => {
    const alerts = Array.from({ length: 20 }, (_, i) => alert({ id: `a${i}`, summary: 'y'.repeat(50_000) }));
    await teamsChannel({ url: `${receiver.url}${path}` }).send(notification({ alerts }), context);
    const card = lastMessage().attachments[0]!.content;
    expect(card.body).toHaveLength(1 + 8 + 1);
    expect(card.body.at(-1)?.inlines[0]?.text).toBe('… and 12 more alerts');
    expect(receiver.requests.at(-1)!.body.length).toBeLessThan(28_000);
  });
});
