import type { TFunction } from 'i18next';
import type { FlagEvidence, FlagKind, FlaggedRating } from '../../domain/queue.ts';
import { timeOfDay } from './alert-view.ts';
import { percent } from './format.ts';

/**
 * The Flags page's pure parts: what the server saw of a flagged rating, in plain words in the
 * reader's language, on the branch's clock: "3 ratings in 58 s at this counter", "No ticket
 * was being served: A031 ended at 10:02 and was rated already; A032 started at 10:09".
 */

/** A span of seconds as people say it: "58 s", "2.5 min". */
function span(ms: number, language: string): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const unit = (value: number, name: 'second' | 'minute') => new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
  return seconds < 120 ? unit(seconds, 'second') : unit(seconds / 60, 'minute');
}

/** One flag's evidence as a sentence; the kind alone when the server sent none. */
export function evidenceText(kind: FlagKind, evidence: FlagEvidence, t: TFunction, language: string, zone: string): string {
  const time = (at: number) => timeOfDay(at, language, zone);
  switch (kind) {
    case 'no-ticket': {
      const seen = evidence['no-ticket'];
      if (!seen) return t('dashboard.flags.evidence.noTicketBare');
      const { previous, next } = seen;
      const before =
        previous === null
          ? t('dashboard.flags.evidence.noPrevious')
          : previous.endedAt === null
            ? previous.startedAt === null
              ? t('dashboard.flags.evidence.previousOpen', { ticket: previous.ticket })
              : t('dashboard.flags.evidence.previousStarted', { ticket: previous.ticket, time: time(previous.startedAt) })
            : t(previous.ratedBy === null ? 'dashboard.flags.evidence.previousEnded' : 'dashboard.flags.evidence.previousRated', { ticket: previous.ticket, time: time(previous.endedAt) });
      const after = next === null ? t('dashboard.flags.evidence.noNext') : t('dashboard.flags.evidence.next', { ticket: next.ticket, time: time(next.startedAt) });
      return t('dashboard.flags.evidence.noTicket', { before, after });
    }
    case 'burst': {
      const seen = evidence.burst;
      if (!seen) return t('dashboard.flags.evidence.burstBare');
      return t('dashboard.flags.evidence.burst', { count: seen.ratings, span: span(seen.lastAt - seen.firstAt, language), gap: span(seen.shortestGapMs, language), from: time(seen.firstAt), to: time(seen.lastAt) });
    }
    case 'same-score-run': {
      const seen = evidence['same-score-run'];
      if (!seen) return t('dashboard.flags.evidence.runBare');
      return t('dashboard.flags.evidence.run', { count: seen.length, score: t(`counter.score.${seen.score}`), share: percent(seen.share, language), from: time(seen.firstAt), to: time(seen.lastAt) });
    }
  }
}

/** A rating's time to the second on its branch's clock: a burst's ratings are seconds apart. "23 Nov 2026, 09:40:05". */
export const ratingTime = (at: number, language: string, timeZone: string): string =>
  new Intl.DateTimeFormat(language, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }).format(at);

/** The time of day to the second: "09:40:05", naming a rating on a button. */
export const secondOfDay = (at: number, language: string, timeZone: string): string =>
  new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }).format(at);

/** Whether the tablet's clock was off enough to show the corrected time beside its own (a second or more). */
export const clockCorrected = (rating: Pick<FlaggedRating, 'createdAt' | 'correctedAt'>): boolean => Math.abs(rating.correctedAt - rating.createdAt) >= 1000;
