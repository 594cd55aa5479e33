import { useEffect, useState } from 'preact/hooks';
import type { ComplaintCase } from '../../domain/case.ts';
import { entryCaseStatus, entryState, needsCase, type EntryState, type ReviewEntry, type ReviewRole } from '../../domain/review.ts';
import type { EnrolledDevice } from '../../store/device.ts';
import { recordEntryRead, watchLocalReads } from '../../store/review.ts';
import { fetchReview } from '../../sync/review.ts';
import { attesterOf, type StaffSession } from '../../sync/staff-session.ts';
import type { TransportFailure } from '../../sync/http.ts';
import { labelIn } from '../lobby/steps.tsx';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';
import { dateTime, staffName } from './format.ts';
import { writeAnswer } from '../components/write-answer.ts';

type Load = { state: 'loading' } | { state: 'failed'; reason: TransportFailure } | { state: 'loaded'; entries: ReviewEntry[]; at: number };

/** What the review says when it cannot be shown: the network, or a sign-in the server did not check. */
const REVIEW_FAILURE: Partial<Record<TransportFailure, string>> = {
  offline: 'cases.review.offline',
  unreachable: 'cases.review.offline',
  timeout: 'cases.review.offline',
  'staff-session-required': 'cases.review.needsServer',
};

/** Midnight today on the tablet's clock: the review's day. */
const startOfToday = (now: number) => new Date(now).setHours(0, 0, 0, 0);

/** The order entries need attention in: unread, then waiting for a case, then for a reply, closed last. */
const ATTENTION: readonly EntryState[] = ['unread', 'needs-case', 'awaiting-reply', 'closed'];

/**
 * The complaint manager's daily review of the opinion box (seed 002 第十條): today's entries
 * and every older one still open, each to be marked read; complaints and requests for a reply
 * become cases; an entry with contact details stays open until its case has a reply.
 *
 * The entries come from the server and live in this screen's memory only: the kiosk keeps no
 * copy of what customers wrote (decision 0007). Marks go through the outbox, so a mark made
 * with the network down is kept and sent later.
 */
export function DailyReview({ session, role, device, cases, onOpenCase, onNewCase }: {
  session: StaffSession;
  role: ReviewRole;
  device: EnrolledDevice;
  cases: readonly ComplaintCase[];
  onOpenCase: (caseId: string) => void;
  onNewCase: (from: ReviewEntry) => void;
}) {
  const { db, http, engine } = useServices();
  const { t, language } = useT();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const local = useObservable(() => watchLocalReads(db), [db]);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    const now = Date.now();
    void fetchReview(http, device.identity.token, startOfToday(now), session).then((answer) => {
      if (!live) return;
      setLoad(answer.ok ? { state: 'loaded', entries: answer.value, at: now } : { state: 'failed', reason: answer.reason });
    });
    return () => {
      live = false;
    };
  }, [http, device.identity.token, session, attempt]);

  async function markRead(entry: ReviewEntry) {
    const result = await writeAnswer(recordEntryRead(db, { opinionId: entry.opinion.id, staffId: session.staff.id, role }, { attest: attesterOf(session) }));
    if (!result.ok) setFailure(t(`errors.${result.reason}`, { defaultValue: t('errors.unknown') }));
    else engine.requestSync('new-record');
  }

  // Of two cases opened from one entry (two tablets offline), the one further along speaks for it, as on the server.
  const casesOf = (entry: ReviewEntry) => cases.filter((c) => c.opinionId === entry.opinion.id);
  const caseOf = (entry: ReviewEntry) => {
    const status = entryCaseStatus(casesOf(entry).map((c) => c.status));
    return casesOf(entry).find((c) => c.status === status);
  };
  const isRead = (entry: ReviewEntry) => entry.readAt !== null || Boolean(local?.pending.has(entry.opinion.id));

  return (
    <section class="daily-review" data-screen="daily-review" aria-labelledby="review-title">
      <div class="review-head">
        <h1 id="review-title">{t('cases.review.title')}</h1>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>{t('cases.review.refresh')}</button>
      </div>
      <p class="error" role="alert">{failure}</p>
      {load.state === 'loading' && <p aria-busy="true">{t('cases.loading')}</p>}
      {load.state === 'failed' && (
        <div class="desk-note" role="alert">
          <p>{t(REVIEW_FAILURE[load.reason] ?? 'cases.review.failed')}</p>
          <button type="button" class="primary" onClick={() => setAttempt((n) => n + 1)}>{t('cases.review.retry')}</button>
        </div>
      )}
      {load.state === 'loaded' && (() => {
        const rows = load.entries
          .map((entry) => ({ entry, state: entryState(entry.opinion, isRead(entry), caseOf(entry)?.status ?? null) }))
          .sort((a, b) => ATTENTION.indexOf(a.state) - ATTENTION.indexOf(b.state) || b.entry.receivedAt - a.entry.receivedAt);
        const count = (state: EntryState) => rows.filter((r) => r.state === state).length;
        return (
          <>
            <p class="review-counts" data-testid="review-counts">
              {ATTENTION.map((s) => t(`cases.review.count.${s}`, { count: count(s) })).join(' · ')}
            </p>
            {rows.length === 0 && <p class="desk-note">{t('cases.review.empty')}</p>}
            <ul class="entries">
              {rows.map(({ entry, state }) => (
                <EntryCard
                  key={entry.opinion.id}
                  entry={entry}
                  state={state}
                  device={device}
                  caseId={caseOf(entry)?.id ?? null}
                  refused={local?.refused.has(entry.opinion.id) ?? false}
                  onRead={() => void markRead(entry)}
                  onOpenCase={onOpenCase}
                  onNewCase={onNewCase}
                  readBy={entry.readByStaffId ? staffName(device.config, entry.readByStaffId, t) : null}
                  language={language}
                />
              ))}
            </ul>
          </>
        );
      })()}
    </section>
  );
}

function EntryCard({ entry, state, device, caseId, refused, readBy, language, onRead, onOpenCase, onNewCase }: {
  entry: ReviewEntry;
  state: EntryState;
  device: EnrolledDevice;
  caseId: string | null;
  refused: boolean;
  readBy: string | null;
  language: string;
  onRead: () => void;
  onOpenCase: (caseId: string) => void;
  onNewCase: (from: ReviewEntry) => void;
}) {
  const { t } = useT();
  const o = entry.opinion;
  const topic = device.config.topics.find((tp) => tp.id === o.topicId);
  const counter = o.visit?.counterId ? device.config.counters.find((c) => c.id === o.visit!.counterId)?.name : null;
  const titleId = `entry-${o.id}`;
  return (
    <li class={`entry entry-${state}`} data-entry-id={o.id} data-state={state} aria-labelledby={titleId}>
      <p class="entry-head" id={titleId}>
        <strong>{o.referenceCode}</strong> · {t(`lobby.kind.${o.opinionKind}`)} · {topic ? labelIn(topic.labels, language) : o.topicId} · {dateTime(entry.receivedAt, language)}
        <span class={`chip entry-state ${state}`}>{t(`cases.review.state.${state}`)}</span>
      </p>
      <p class="entry-text" lang={o.language}>{o.text}</p>
      {(o.visit?.score || counter) && (
        <p class="hint">{[o.visit?.score && t(`cases.review.score.${o.visit.score}`), counter].filter(Boolean).join(' · ')}</p>
      )}
      {o.contact && (
        <dl class="contact">
          {o.contact.name && <><dt>{t('cases.review.name')}</dt><dd>{o.contact.name}</dd></>}
          {o.contact.phone && <><dt>{t('cases.review.phone')}</dt><dd><a href={`tel:${o.contact.phone.replace(/[^+0-9]/g, '')}`}>{o.contact.phone}</a></dd></>}
          {o.contact.email && <><dt>{t('cases.review.email')}</dt><dd>{o.contact.email}</dd></>}
          {o.contact.wantsReply && <><dt>{t('cases.review.wantsReply')}</dt><dd>{t('cases.review.yes')}</dd></>}
        </dl>
      )}
      {readBy && <p class="hint">{t('cases.review.readBy', { name: readBy, at: dateTime(entry.readAt!, language) })}</p>}
      {refused && <p class="refusal" role="alert">{t('cases.review.readRefused')}</p>}
      <div class="entry-actions">
        {state === 'unread' && <button type="button" class="primary" onClick={onRead}>{t('cases.review.markRead')}</button>}
        {caseId ? (
          <button type="button" onClick={() => onOpenCase(caseId)}>{t('cases.review.viewCase')}</button>
        ) : (
          (needsCase(o) || state === 'awaiting-reply') && <button type="button" onClick={() => onNewCase(entry)}>{t('cases.review.openCase')}</button>
        )}
      </div>
    </li>
  );
}
