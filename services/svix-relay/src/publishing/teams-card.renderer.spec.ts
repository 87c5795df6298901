import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { microsoftTeamsReviewCreateContract } from '@hookline/contracts';
import { TEAMS_CARD_INPUT_MAX_CHARS } from '../relay.constant.js';
import MarkdownIt from 'markdown-it';
import { renderTeamsReviewCard } from './teams-card.renderer.js';
import { escapeTeamsMarkdown } from './teams-markdown.js';

// A real CommonMark renderer with bare-URL linking, as Teams renders TextBlocks and facts.
const markdown = new MarkdownIt({ linkify: true, html: true });
/** What an approver reads: the Markdown rendered, entities decoded. */
function shown(text: string): string {
  return markdown
    .renderInline(text)
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
const ACTIVE_MARKUP = /<(a|em|strong|ol|ul|li|h\d|img|code|pre|blockquote|s|del|hr|table)\b/;

interface Card {
  type: string;
  attachments: {
    contentType: string;
    content: { type: string; version: string; body: Record<string, unknown>[]; actions?: { type: string; url: string }[] };
  }[];
}

void describe('renderTeamsReviewCard', () => {
  const review = microsoftTeamsReviewCreateContract.example;

  void it('is a Teams message with one Adaptive Card: title, facts, the input as a code block, a link to the session', () => {
    const card = renderTeamsReviewCard(review) as unknown as Card;
    assert.equal(card.type, 'message');
    assert.equal(card.attachments.length, 1);
    const { contentType, content } = card.attachments[0]!;
    assert.equal(contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(content.type, 'AdaptiveCard');
    assert.equal(shown(String(content.body[0]?.text)), 'Review requested: pg-billing-prod');
    const facts = (content.body[1]?.facts as { title: string; value: string }[]).map((fact) => `${fact.title}=${shown(fact.value)}`);
    assert.deepEqual(facts, [
      'Created by=Alice Martin <alice@example.com>',
      'Approval groups=dba-team, security',
      'Session time=2025-06-02T14:30:00Z',
      'Connection=pg-billing-prod (database)',
      `Session=${review.sid}`,
    ]);
    assert.equal(content.body[3]?.type, 'CodeBlock');
    assert.equal(content.body[3].codeSnippet, review.input);
    assert.deepEqual(content.actions, [{ type: 'Action.OpenUrl', title: 'Open session', url: review.session_url }]);
  });

  void it('cuts a long input and leaves the link out when there is none', () => {
    const { session_url: _url, ...withoutUrl } = review;
    const card = renderTeamsReviewCard({ ...withoutUrl, input: 'y'.repeat(TEAMS_CARD_INPUT_MAX_CHARS * 3), session_time: null }) as unknown as Card;
    const content = card.attachments[0]!.content;
    assert.equal(content.actions, undefined);
    assert.ok(String(content.body[3]?.codeSnippet).length <= TEAMS_CARD_INPUT_MAX_CHARS + 2);
    assert.match(String(content.body[2]?.text), /first 4000 characters/);
    assert.ok(JSON.stringify(card).length < 28_000, 'under Teams message size limit');
  });

  const HOSTILE = [
    'Alice [**Approve now**](https://evil.example)',
    '**urgent** _now_ ~~no~~ `code` <b>html</b> <https://evil.example>',
    'see https://evil.example/approve or www.evil.example',
    '![img](https://evil.example/x.png)',
    '# Heading\n- list item\n1. first\n> quote\n---',
    '[a]: https://evil.example\n[a]',
    'back\\slash [x](javascript:alert(1))',
  ];

  void it('escapes Markdown in every user-controlled field: a name with a link stays text', () => {
    for (const hostile of HOSTILE) {
      const card = renderTeamsReviewCard({
        ...review,
        created_by: { ...review.created_by, name: hostile, email: `${hostile}@example.com` },
        connection_name: hostile,
        connection_type: hostile,
        approval_groups: [hostile, 'security'],
        sid: hostile,
        session_time: hostile,
      }) as unknown as Card;
      const content = card.attachments[0]!.content;
      const texts = [
        String(content.body[0]?.text),
        ...(content.body[1]?.facts as { value: string }[]).map((fact) => fact.value),
        (content.body[3]?.fallback as { text: string }).text,
      ];
      for (const text of texts) {
        const html = markdown.render(text);
        assert.doesNotMatch(html, ACTIVE_MARKUP, `${JSON.stringify(hostile)} rendered as ${html}`);
      }
      // Still readable: what an approver sees is the name as typed (line breaks aside).
      assert.equal(shown(escapeTeamsMarkdown(hostile)), hostile.replace(/\n/g, ' '));
    }
  });

  void it('keeps the input verbatim in the code block, which Teams shows as plain text', () => {
    const card = renderTeamsReviewCard({ ...review, input: HOSTILE.join('\n') }) as unknown as Card;
    assert.equal(card.attachments[0]!.content.body[3]?.codeSnippet, HOSTILE.join('\n'));
  });
});
