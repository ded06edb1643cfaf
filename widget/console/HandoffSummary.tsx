// The handoff summary at the top of an open conversation: what the customer wants, who they proved to be,
// what the assistant already did, why it came to a person, the signals, and a suggested first step. An older
// server sends only the plain-text summary; it is shown as it came.
import { STEP_LABELS, TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { AiStep, HandoffBrief, LanguageView, TransferView } from '../../shared/protocol.ts';
import { readableReason } from './TriageSignals.tsx';

/** "German (de)"; the tag alone when it has no English name (as the server's plain-text brief says it). */
function languageLine(language: LanguageView): string {
  return language.name === language.tag ? language.tag : `${language.name} (${language.tag})`;
}

function Customer({ customer }: { customer: HandoffBrief['customer'] }) {
  if (!customer) return <dd class="muted">Not verified</dd>;
  return (
    <dd class="brief__customer">
      <span class="brief__name">{customer.name}</span>{' '}
      <span class="brief__email">{customer.email}</span>{' '}
      <span class="step-kind" data-kind="verified">
        Verified
      </span>
    </dd>
  );
}

/** The shop account the customer was signed in to, as the shop's signed token told it. */
function SignedIn({ identity }: { identity: NonNullable<HandoffBrief['signedIn']> }) {
  return (
    <dd class="brief__customer">
      {identity.name && <span class="brief__name">{identity.name}</span>}{' '}
      {identity.email && <span class="brief__email">{identity.email}</span>}{' '}
      <span class="muted">user id {identity.userId}</span>{' '}
      <span class="step-kind" data-kind="verified">
        Verified
      </span>
    </dd>
  );
}

function AiSteps({ steps }: { steps: readonly AiStep[] }) {
  if (steps.length === 0) return <dd class="muted">Nothing yet.</dd>;
  return (
    <dd>
      <ol class="brief__steps" aria-label="What the assistant did">
        {steps.map((step, i) => (
          <li key={i}>
            <span class="step-kind" data-kind={step.kind}>
              {STEP_LABELS[step.kind] ?? step.kind}
              <span class="sr-only">:</span>
            </span>{' '}
            {step.text}
          </li>
        ))}
      </ol>
    </dd>
  );
}

/** "Transferred by Sam to the Billing dispute group": first, because it is the newest word on the conversation. */
function Transfer({ transfer }: { transfer: TransferView }) {
  const to = transfer.toAgent ? ` to ${transfer.toAgent}` : transfer.skill ? ` to the ${TYPE_LABELS[transfer.skill]} group` : '';
  return (
    <div class="brief__transfer">
      <p class="brief__transfer-head">
        Transferred by {transfer.from}
        {to}
        {transfer.note ? ':' : '.'}
      </p>
      {transfer.note && <p class="brief__transfer-note">{transfer.note}</p>}
    </div>
  );
}

function Brief({ brief }: { brief: HandoffBrief }) {
  return (
    <dl class="brief">
      <div class="brief__part brief__part--wants">
        <dt>Wants</dt>
        <dd class="brief__wants">{brief.wants || 'Not recorded.'}</dd>
      </div>
      {/* Second, so the most actionable line is in view even when the summary has to scroll. */}
      <div class="brief__part brief__part--next">
        <dt>Suggested next step</dt>
        <dd class="brief__next">{brief.nextStep || 'Read the transcript below.'}</dd>
      </div>
      <div class="brief__part">
        <dt>Customer</dt>
        <Customer customer={brief.customer} />
      </div>
      {brief.signedIn && (
        <div class="brief__part">
          <dt>Signed in at the shop</dt>
          <SignedIn identity={brief.signedIn} />
        </div>
      )}
      {brief.language && (
        <div class="brief__part">
          <dt>Language</dt>
          <dd class="brief__language">{languageLine(brief.language)}</dd>
        </div>
      )}
      <div class="brief__part">
        <dt>What the assistant did</dt>
        <AiSteps steps={brief.aiSteps ?? []} />
      </div>
      <div class="brief__part">
        <dt>Why a person</dt>
        {brief.reasons?.length ? (
          <dd>
            <ul class="reasons" aria-label="Why a person">
              {brief.reasons.map((reason, i) => (
                <li key={i}>{readableReason(reason)}</li>
              ))}
            </ul>
          </dd>
        ) : (
          <dd class="muted">Not recorded.</dd>
        )}
      </div>
      <div class="brief__part">
        {/* One flowing line with a dot between signals, so a signal's own closing full stop is dropped. */}
        <dt>Signals</dt>
        {brief.signals?.length ? (
          <dd>
            <ul class="brief__signals" aria-label="Signals">
              {brief.signals.map((signal, i) => (
                <li key={i}>{readableReason(signal).replace(/\.$/, '')}</li>
              ))}
            </ul>
          </dd>
        ) : (
          <dd class="muted">None.</dd>
        )}
      </div>
    </dl>
  );
}

/** The "Handoff summary" region: the brief in parts, or the plain-text summary from an older server. */
export function HandoffSummary({ brief, summary }: { brief: HandoffBrief | null; summary: string }) {
  return (
    // Focusable: it scrolls when long (in a narrow column most of all), and keyboard users must be able to scroll it.
    <section class="summary" aria-label="Handoff summary" tabIndex={0}>
      <h2 class="summary__title">Handoff summary</h2>
      {brief?.transfer && <Transfer transfer={brief.transfer} />}
      {brief ? <Brief brief={brief} /> : <p class="summary__text">{summary || 'No summary.'}</p>}
    </section>
  );
}
