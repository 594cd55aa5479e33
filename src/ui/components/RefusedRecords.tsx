import type { TFunction } from 'i18next';
import { useEffect, useState } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import { isLanguage } from '../../domain/language.ts';
import { REJECT_REASONS, type ConflictReason, type RejectReason } from '../../domain/wire.ts';
import type { QuarantineRow } from '../../store/db.ts';
import { discardQuarantined, removedAfter, tabletRetentionIn, watchQuarantine } from '../../store/quarantine.ts';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';
import { addStaffLocales } from './staff-locales.ts';

/**
 * Why a record is in the quarantine: a refusal (REJECT_REASONS) or a changed re-send. Each has
 * words (tests/ui/locales.test.ts); any other code a newer server sends reads as `other`, with the code.
 */
export const QUARANTINE_REASONS = [...REJECT_REASONS, 'changed-resend'] as const satisfies readonly (RejectReason | ConflictReason)[];
const KNOWN_REASONS = new Set<string>(QUARANTINE_REASONS);

/** Why the server refused a record, in the reader's language: reasons are stable codes (domain/wire.ts). */
export const refusalText = (t: TFunction, reason: string): string =>
  KNOWN_REASONS.has(reason) ? t(`quarantine.reason.${reason}`) : t('quarantine.reason.other', { code: reason });

/**
 * "Refused records", for staff signed in on a tablet (the counter's staff menu, the lobby's
 * staff mode): what the server refused and the tablet keeps in its quarantine, newest first.
 * Each row says what kind of record it is, when it was made, why it was refused and when the
 * tablet removes it by itself; staff may discard it sooner, after a confirmation. It shows
 * nothing a customer wrote: of an opinion-box entry only its kind, its topic and whether
 * contact details were given, and not the server's message, which may quote the record.
 */
export function RefusedRecords({ config, onBack }: { config: DeviceConfig; onBack?: () => void }) {
  const { db, i18n } = useServices();
  useState(() => addStaffLocales(i18n));
  const { t, language } = useT();
  const rows = useObservable(() => watchQuarantine(db), [db]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [largeText, setLargeText] = useState(false);
  const [notice, setNotice] = useState<{ text: string; failed: boolean } | null>(null);
  // Where the focus goes after a step: the confirmation's safe button, back to a row's
  // Discard, or the title once a row has gone (its buttons go with it). Opened over the
  // counter's staff menu, whose button it replaces, the screen starts at its title.
  const [focus, setFocus] = useState<string | null>(onBack ? 'refused-title' : null);
  const retention = tabletRetentionIn(config);
  useEffect(() => {
    if (focus) document.getElementById(focus)?.focus();
    setFocus(null);
  }, [focus]);

  async function discard(recordId: string) {
    try {
      await discardQuarantined(db, recordId);
      setConfirming(null);
      setNotice({ text: t('quarantine.discarded'), failed: false });
      setFocus('refused-title');
    } catch (error) {
      console.error(error);
      setNotice({ text: t('quarantine.discardFailed'), failed: true });
    }
  }

  return (
    <section class={largeText ? 'refused-records large-text' : 'refused-records'} data-screen="refused-records" aria-labelledby="refused-title">
      <div class="refused-head">
        <h1 id="refused-title" tabIndex={-1}>{t('quarantine.title')}</h1>
        <div class="actions">
          <button type="button" class="refused-large" aria-pressed={largeText} onClick={() => setLargeText(!largeText)}>{t('quarantine.largeText')}</button>
          {onBack && <button type="button" onClick={onBack}>{t('quarantine.back')}</button>}
        </div>
      </div>
      <p class="refused-intro">{t('quarantine.intro', { count: retention.quarantineDays })}</p>
      <p role="status" class={notice?.failed ? 'error' : 'saved'}>{notice?.text ?? ''}</p>
      {rows === undefined ? (
        <p aria-busy="true">{t('quarantine.loading')}</p>
      ) : rows.length === 0 ? (
        <p class="desk-note refused-empty">{t('quarantine.empty')}</p>
      ) : (
        <ul class="refused-list">
          {rows.map((row) => {
            const id = `refused-${row.recordId}`;
            return (
              <li key={row.recordId} class="refused-record" data-record-id={row.recordId} data-reason={row.reason} aria-labelledby={`${id}-kind`}>
                <h2 id={`${id}-kind`}>{kindText(t, row)}</h2>
                {whatText(t, row, config, language).map((line) => <p key={line} class="refused-what">{line}</p>)}
                <dl class="refused-facts">
                  <div>
                    <dt>{t('quarantine.made')}</dt>
                    <dd>{dateTime(row.record.createdAt, language)}</dd>
                  </div>
                  <div>
                    <dt>{t('quarantine.why')}</dt>
                    <dd>{refusalText(t, row.reason)}</dd>
                  </div>
                  <div>
                    <dt>{t('quarantine.removed')}</dt>
                    <dd>{date(removedAfter(row, retention), language)}</dd>
                  </div>
                </dl>
                {row.kind !== 'opinion' && row.message && (
                  <details class="refused-detail">
                    <summary>{t('quarantine.serverMessage')}</summary>
                    <p lang="en">{row.message}</p>
                  </details>
                )}
                {confirming === row.recordId ? (
                  // Escape answers the question with its safe choice, Keep, before it could close a dialog around it.
                  <div class="refused-confirm" role="group" aria-labelledby={`${id}-question`} onKeyDown={(event) => {
                    if (event.key !== 'Escape' || event.defaultPrevented) return;
                    event.preventDefault();
                    setConfirming(null);
                    setFocus(`${id}-discard`);
                  }}>
                    <p id={`${id}-question`}>{t('quarantine.confirmQuestion')}</p>
                    <div class="actions">
                      <button type="button" id={`${id}-keep`} onClick={() => { setConfirming(null); setFocus(`${id}-discard`); }}>{t('quarantine.keep')}</button>
                      <button type="button" class="danger" onClick={() => void discard(row.recordId)}>{t('quarantine.confirm')}</button>
                    </div>
                  </div>
                ) : (
                  <div class="actions">
                    <button type="button" id={`${id}-discard`} aria-describedby={`${id}-kind`} onClick={() => { setConfirming(row.recordId); setNotice(null); setFocus(`${id}-keep`); }}>
                      {t('quarantine.discard')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const kindText = (t: TFunction, row: QuarantineRow): string =>
  t(`quarantine.kind.${row.kind}`, { defaultValue: t('quarantine.kind.other') });

/**
 * What else a row says of its record, beyond its kind: never a customer's words. An entry: its
 * kind and topic, and whether contact details came with it (never what they are); a rating: the
 * face; a shift: what the teller did; a case step: the step (staff mode's own texts, on a lobby
 * tablet), never its text.
 */
function whatText(t: TFunction, row: QuarantineRow, config: DeviceConfig, language: string): string[] {
  const record = row.record;
  switch (record.kind) {
    case 'opinion':
      return [
        t('quarantine.opinion', { kind: t(`quarantine.opinionKind.${record.opinionKind}`), topic: topicLabel(config, record.topicId, language) }),
        record.contact ? t('quarantine.contactGiven') : t('quarantine.noContact'),
      ];
    case 'rating':
      return [t(`counter.score.${record.score}`)];
    case 'shift':
      return [t(`quarantine.shift.${record.type}`)];
    case 'case-event': {
      const step = t(`cases.action.${record.type}`, { defaultValue: '' });
      return step ? [step] : [];
    }
    default:
      return [];
  }
}

/** A topic of the branch in the reader's language; one no longer in the configuration shows as its id. */
function topicLabel(config: DeviceConfig, id: string, language: string): string {
  const topic = config.topics.find((x) => x.id === id);
  return topic ? topic.labels[isLanguage(language) ? language : config.branch.defaultLanguage] : id;
}

const dateTime = (at: number, language: string): string => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
const date = (at: number, language: string): string => new Intl.DateTimeFormat(language, { dateStyle: 'long' }).format(at);
