// How text is escaped and bounded for each receiver's format (chat markup, cards, plain text).

/** Turns one character (a code point) into what the format needs. */
export type CharEscape = (char: string) => string;

/** No escaping: plain text (SMS, PagerDuty, Opsgenie, Adaptive Card `TextRun`s). */
export const plainText: CharEscape = (char) => char;

const slackEntities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack `mrkdwn`: `&`, `<` and `>` as entities, so no link, mention (`<!channel>`) or markup gets in. */
export const slackMrkdwn: CharEscape = (char) => slackEntities[char] ?? char;

const markdownSpecials = new Set([
  '\\',
  '`',
  '*',
  '_',
  '~',
  '#',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '|',
  '!',
  '&',
]);

/**
 * Mattermost Markdown: punctuation that starts emphasis, code, links, images, tables, headings or
 * HTML gets a backslash; `@` gets a zero-width space after it, so `@channel`, `@all` or `@user`
 * in alert text notify nobody.
 */
export const mattermostMarkdown: CharEscape = (char) => {
  if (char === '@') return '@\u200b';
  return markdownSpecials.has(char) ? `\\${char}` : char;
};

/** Adaptive Card text: `{{` (date/time functions) is broken with a zero-width space. */
export const adaptiveCardText: CharEscape = (char) => (char === '{' ? '{\u200b' : char);

/**
 * Escape `text` and bound the result to `max` UTF-16 code units; a cut text ends with `…`. Whole
 * escaped characters are kept or dropped, so a cut never splits an escape sequence (`&amp;`,
 * `\*`) or a surrogate pair.
 *
 * @param text - The text.
 * @param max - The receiver's limit (at least 1).
 * @param format - The format's escaping; plain text by default.
 * @returns The escaped, bounded text.
 */
export function bounded(text: string, max: number, format: CharEscape = plainText): string {
  const pieces: string[] = [];
  let length = 0;
  for (const char of text) {
    const piece = format(char);
    if (length + piece.length > max) {
      // Drop whole pieces until the ellipsis fits too.
      while (pieces.length > 0 && length + 1 > max) length -= (pieces.pop() as string).length;
      return `${pieces.join('')}…`;
    }
    pieces.push(piece);
    length += piece.length;
  }
  return pieces.join('');
}
