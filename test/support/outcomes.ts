// A made-up interaction outcome for tests: an AI-resolved, unrated, calm chat of account status unless told otherwise.
import type { InteractionOutcome } from '../../server/core/quality/outcome.ts';

export function outcomeWith(fields: Partial<InteractionOutcome> & Pick<InteractionOutcome, 'conversationId' | 'closedAt'>): InteractionOutcome {
  return {
    type: 'account_status',
    predictedType: 'account_status',
    correctedType: null,
    resolver: 'ai',
    escalated: false,
    escalationTrigger: null,
    escalationReason: null,
    escalatedAfterAi: false,
    control: false,
    sentimentStart: 0,
    sentimentEnd: 0,
    sentimentChange: 0,
    customerTurns: 2,
    novelTurns: 0,
    firstAnswerSeconds: 2,
    toPersonSeconds: null,
    abandoned: false,
    csat: null,
    csatComment: null,
    disposition: null,
    repeatsToPerson: 0,
    recontact: null,
    customerKey: null,
    predictedCsat: null,
    openedAt: fields.closedAt,
    ...fields,
  };
}
