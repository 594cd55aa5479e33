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

/** The kinds whose evidence many ratings share: every rating of a burst or a run carries the same. */
export type GroupKind = 'burst' | 'same-score-run';
const GROUP_KINDS: readonly GroupKind[] = ['burst', 'same-score-run'];

/** Ratings flagged by one burst or one run at one counter: one entry on the page, one decision. */
export interface FlagGroup {
  key: string;
  kind: GroupKind;
  /** Newest first, as the server listed them. */
  rows: FlaggedRating[];
  firstAt: number;
  lastAt: number;
}

/** The same burst or run at the same counter: same kind, same first and last rating. */
function groupKeyOf(row: FlaggedRating, kind: GroupKind): string | null {
  const seen = row.kinds.includes(kind) ? row.evidence[kind] : undefined;
  return seen ? `${kind}|${row.branchId}|${row.counterId}|${seen.firstAt}|${seen.lastAt}` : null;
}

/**
 * The list as the page shows it: the ratings that share a burst's or a run's evidence with
 * another, grouped (a rating in both goes with its burst), and every other rating on its own,
 * in the server's order (newest first); a group stands where its newest rating would.
 */
export function groupFlags(rows: readonly FlaggedRating[]): { groups: FlagGroup[]; singles: FlaggedRating[] } {
  const shared = new Map<string, number>();
  for (const row of rows)
    for (const kind of GROUP_KINDS) {
      const key = groupKeyOf(row, kind);
      if (key) shared.set(key, (shared.get(key) ?? 0) + 1);
    }
  const groups = new Map<string, FlagGroup>();
  const singles: FlaggedRating[] = [];
  for (const row of rows) {
    const kind = GROUP_KINDS.find((k) => (shared.get(groupKeyOf(row, k) ?? '') ?? 0) >= 2);
    if (!kind) {
      singles.push(row);
      continue;
    }
    const key = groupKeyOf(row, kind)!;
    const seen = row.evidence[kind]!;
    const group = groups.get(key) ?? { key, kind, rows: [], firstAt: seen.firstAt, lastAt: seen.lastAt };
    group.rows.push(row);
    groups.set(key, group);
  }
  return { groups: [...groups.values()], singles };
}
