import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { microsoftTeamsReviewCreateContract } from '@hookline/contracts';
import { TEAMS_CARD_INPUT_MAX_CHARS } from '../relay.constant.js';
import { renderTeamsReviewCard } from './teams-card.renderer.js';

interface Card {
  type: string;
  attachments: { contentType: string; content: { type: string; version: string; body: Record<string, unknown>[]; actions?: { type: string; url: string }[] } }[];
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
    assert.match(String(content.body[0]?.text), /pg-billing-prod/);
    const facts = (content.body[1]?.facts as { title: string; value: string }[]).map((fact) => `${fact.title}=${fact.value}`);
    assert.deepEqual(facts, [
      'Created by=Alice Martin <alice@example.com>',
      'Approval groups=dba-team, security',
      'Session time=2025-06-02T14:30:00Z',
      'Connection=pg-billing-prod (database)',
      `Session=${review.sid}`,
    ]);
    assert.equal(content.body[3]?.type, 'CodeBlock');
    assert.equal(content.body[3]?.codeSnippet, review.input);
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
});
