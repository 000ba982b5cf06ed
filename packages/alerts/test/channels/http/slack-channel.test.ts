import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackChannel } from '../../../src/channels/http/slack-channel.js';
import { alert, context, notification } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

const hostile = '<!channel> & <https://evil.example|click> *bold* `code`';

interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  elements?: { text: string }[];
}

describe('slackChannel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('POSTs text and Block Kit blocks to the webhook path', async () => {
    const channel = slackChannel({ url: `${receiver.url}/services/T1/B2/tok3n` });
    expect(channel.name).toBe('slack');
    await channel.send(notification(), context);
    const request = receiver.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/services/T1/B2/tok3n' });
    expect(request.headers['content-type']).toBe('application/json');
    const message = JSON.parse(request.body) as { text: string; blocks: SlackBlock[] };
    expect(message.text).toBe('[FIRING:1] HIGH auth.brute-force.user (user=a***e)');
    expect(message.blocks.map((block) => block.type)).toEqual(['header', 'section']);
    expect(message.blocks[0]?.text).toEqual({ type: 'plain_text', text: message.text, emoji: false });
    expect(message.blocks[1]?.text?.type).toBe('mrkdwn');
    expect(message.blocks[1]?.text?.text).toContain('25 failed logins for user=a***e');
    // Samples (raw evidence) never go to chat.
    expect(request.body).not.toContain('alice@example.com');
  });

  it('escapes &, < and > so alert content cannot mention, link or mark up', async () => {
    const channel = slackChannel({ url: `${receiver.url}/s`, name: 'slack-soc' });
    expect(channel.name).toBe('slack-soc');
    await channel.send(notification({ alerts: [alert({ summary: hostile })] }), context);
    const message = JSON.parse(receiver.requests.at(-1)!.body) as { blocks: SlackBlock[] };
    const section = message.blocks[1]?.text?.text ?? '';
    expect(section).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(section).not.toMatch(/<|>|&(?!amp;|lt;|gt;)/);
  });

  it('bounds sections to 3,000 characters and shows at most 10 alerts, counting the rest', async () => {
    const alerts = Array.from({ length: 30 }, (_, i) =>
      alert({ id: `a${i}`, summary: `${'<&>'.repeat(5000)} ${i}` }),
    );
    await slackChannel({ url: `${receiver.url}/s` }).send(
      notification({ alerts, truncatedAlerts: 5 }),
      context,
    );
    const message = JSON.parse(receiver.requests.at(-1)!.body) as { text: string; blocks: SlackBlock[] };
    const sections = message.blocks.filter((block) => block.type === 'section');
    expect(sections).toHaveLength(10);
    for (const section of sections) {
      const text = section.text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text.endsWith('…')).toBe(true);
      // The cut never splits an entity.
      expect(text).toMatch(/(?:&amp;|&lt;|&gt;)…$/);
    }
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '… and 25 more alerts' }],
    });
    expect(message.text).toContain('FIRING:35');
    expect(receiver.requests.at(-1)!.body.length).toBeLessThan(40_000);
  });
});
