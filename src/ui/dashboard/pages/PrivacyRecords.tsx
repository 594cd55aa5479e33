import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { CaseEvent } from '../../../domain/case.ts';
import { isLanguage } from '../../../domain/language.ts';
import type { CustomerCase, CustomerData, CustomerEntry } from '../../../domain/privacy.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { DEFAULT_TOPICS } from '../../../domain/topic.ts';
import { count, dateTime } from '../format.ts';
import { isBlanked, shortId, wordsOf } from '../privacy.ts';
import { useT } from '../services.tsx';

/**
 * What is held about one customer, as a person reads it: each entry with its words, contact
 * details and the consent text they agreed to, and each case with its history of steps. The
 * same view goes on paper (Print / save as PDF). Words that retention or an erasure blanked
 * say so in the reader's language, never as a dash alone.
 */
export function CustomerRecords({ data, branches }: { data: CustomerData; branches: BranchRef[] }) {
  const { t, language } = useT();
  const ids = { entries: useId(), cases: useId() };
  const branchName = (id: string) => branches.find((b) => b.id === id)?.name ?? shortId(id);
  const referenceOf = (entryId: string) => data.entries.find((e) => e.id === entryId)?.referenceCode ?? null;
  return (
    <div class="held">
      <section aria-labelledby={ids.entries}>
        <h3 id={ids.entries}>{t('dashboard.privacy.entries', { count: data.entries.length, n: count(data.entries.length, language) })}</h3>
        {data.entries.length === 0 ? (
          <p class="muted">{t('dashboard.privacy.noEntries')}</p>
        ) : (
          <ul class="held-list">
            {data.entries.map((entry) => (
              <li key={entry.id}>
                <EntryCard entry={entry} branch={branchName(entry.branchId)} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby={ids.cases}>
        <h3 id={ids.cases}>{t('dashboard.privacy.cases', { count: data.cases.length, n: count(data.cases.length, language) })}</h3>
        {data.cases.length === 0 ? (
          <p class="muted">{t('dashboard.privacy.noCases')}</p>
        ) : (
          <ul class="held-list">
            {data.cases.map((c) => (
              <li key={c.id}>
                <CaseCard found={c} branch={branchName(c.branchId)} referenceOf={referenceOf} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** A topic by its name in the reader's language where it is one of the defaults; a branch's own by its id. */
function topicName(id: string, language: string): string {
  const topic = DEFAULT_TOPICS.find((t) => t.id === id);
  return topic ? (isLanguage(language) ? topic.labels[language] : topic.labels.en) : id;
}

/** A customer's words, or the note that they were blanked (the dash kept, for what the record holds). */
export function Words({ text }: { text: string }) {
  const { t } = useT();
  if (isBlanked(text)) {
    return (
      <span class="blanked">
        <span aria-hidden="true">{text} </span>
        {t('dashboard.privacy.blanked')}
      </span>
    );
  }
  return <span class="words">{text}</span>;
}

function Fact({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

function When({ at }: { at: number }) {
  const { language } = useT();
  return <time dateTime={new Date(at).toISOString()}>{dateTime(at, language)}</time>;
}

function EntryCard({ entry, branch }: { entry: CustomerEntry; branch: string }) {
  const { t, language } = useT();
  const title = useId();
  const { contact } = entry;
  return (
    <article class="held-card" aria-labelledby={title}>
      <h4 id={title}>{t('dashboard.privacy.entry.title', { reference: entry.referenceCode })}</h4>
      <dl class="facts">
        <Fact name={t('dashboard.privacy.entry.kind')}>{t(`dashboard.privacy.entryKind.${entry.opinionKind}`)}</Fact>
        <Fact name={t('dashboard.privacy.entry.topic')}>{topicName(entry.topicId, language)}</Fact>
        <Fact name={t('dashboard.privacy.entry.branch')}>{branch}</Fact>
        <Fact name={t('dashboard.privacy.entry.when')}>
          <When at={entry.createdAt} />
          <span class="sub">
            <time dateTime={new Date(entry.receivedAt).toISOString()}>{t('dashboard.privacy.entry.received', { at: dateTime(entry.receivedAt, language) })}</time>
          </span>
        </Fact>
        <Fact name={t('dashboard.privacy.entry.language')}>{t(`language.names.${entry.language}`)}</Fact>
        {entry.visit?.score && <Fact name={t('dashboard.privacy.entry.visit')}>{t(`counter.score.${entry.visit.score}`)}</Fact>}
        <Fact name={t('dashboard.privacy.entry.words')}>
          <Words text={entry.text} />
        </Fact>
        <Fact name={t('dashboard.privacy.entry.contact')}>
          {contact ? (
            <ul class="contact-lines">
              {contact.name && <li>{t('dashboard.privacy.contact.name', { value: contact.name })}</li>}
              {contact.phone && <li>{t('dashboard.privacy.contact.phone', { value: contact.phone })}</li>}
              {contact.email && <li>{t('dashboard.privacy.contact.email', { value: contact.email })}</li>}
              <li>{contact.wantsReply ? t('dashboard.privacy.contact.wantsReply') : t('dashboard.privacy.contact.noReply')}</li>
            </ul>
          ) : (
            <span class="muted">{t('dashboard.privacy.contact.none')}</span>
          )}
        </Fact>
        {entry.consentGiven && (
          <Fact name={t('dashboard.privacy.entry.consent')}>
            <span class="consent-version">{t('dashboard.privacy.consent.version', { version: entry.consentGiven.version })}</span>
            {entry.consentGiven.text === null ? (
              <span class="muted">{t('dashboard.privacy.consent.unknown')}</span>
            ) : (
              <blockquote class="consent-text" lang={entry.language}>
                {entry.consentGiven.text}
              </blockquote>
            )}
          </Fact>
        )}
      </dl>
    </article>
  );
}

function CaseCard({ found, branch, referenceOf }: { found: CustomerCase; branch: string; referenceOf: (entryId: string) => string | null }) {
  const { t } = useT();
  const title = useId();
  const steps = useId();
  const opened = found.events.find((e) => e.type === 'opened');
  const fromEntry = opened?.type === 'opened' && opened.opinionId ? referenceOf(opened.opinionId) : null;
  return (
    <article class="held-card" aria-labelledby={title}>
      <h4 id={title}>{t('dashboard.privacy.case.title', { id: shortId(found.id) })}</h4>
      <dl class="facts">
        <Fact name={t('dashboard.privacy.case.status')}>{t(`dashboard.caseStatus.${found.status}`)}</Fact>
        <Fact name={t('dashboard.privacy.entry.branch')}>{branch}</Fact>
        <Fact name={t('dashboard.privacy.case.foundBy')}>
          {found.foundBy === 'entry' && fromEntry ? t('dashboard.privacy.case.fromEntry', { reference: fromEntry }) : t(`dashboard.privacy.case.foundByWhy.${found.foundBy}`)}
        </Fact>
      </dl>
      <h5 id={steps}>{t('dashboard.privacy.case.steps')}</h5>
      <ol class="steps" aria-labelledby={steps}>
        {found.events.map((event) => (
          <li key={event.id}>
            <Step event={event} />
          </li>
        ))}
      </ol>
    </article>
  );
}

function Step({ event }: { event: CaseEvent }) {
  const { t, language } = useT();
  const words = wordsOf(event);
  const facts = stepFacts(event, t, language);
  return (
    <>
      <p class="step-head">
        <strong>{t(`dashboard.privacy.step.${event.type}`)}</strong>
        <span class="step-meta">
          <When at={event.createdAt} /> · {t(`dashboard.role.${event.role}`)}
        </span>
      </p>
      {facts.length > 0 && <p class="step-facts">{facts.join(' · ')}</p>}
      {words !== null && (
        <p class="step-words">
          <Words text={words} />
        </p>
      )}
    </>
  );
}

/** What a step says besides its words: how the case came in, the deadline, how the reply went, the fault, the follow-up. */
function stepFacts(event: CaseEvent, t: ReturnType<typeof useT>['t'], language: string): string[] {
  switch (event.type) {
    case 'opened':
      return [t(`dashboard.channel.${event.channel}`), ...(event.topicId ? [topicName(event.topicId, language)] : [])];
    case 'deadline-agreed':
      return [t('dashboard.privacy.fact.due', { at: dateTime(event.dueAt, language) })];
    case 'replied':
      return [t(`dashboard.privacy.replyChannel.${event.channel}`)];
    case 'fault-decided':
      return [event.atFault ? t('dashboard.privacy.fact.atFault') : t('dashboard.privacy.fact.notAtFault')];
    case 'followed-up':
      return [t(`dashboard.privacy.outcome.${event.outcome}`)];
    default:
      return [];
  }
}
