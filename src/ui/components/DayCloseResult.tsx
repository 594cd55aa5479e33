import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'preact/hooks';
import { closeGaps, type CloseState, type DayCloseDevice, type DayCloseStatus } from '../../domain/day-close.ts';
import type { SessionStaff } from '../../domain/staff-session.ts';
import { closeDay, type DayCloseOutcome, type TabletOutcome } from '../../sync/day-close.ts';
import type { StaffSession } from '../../sync/staff-session.ts';
import { useServices, useT } from '../services.tsx';
import { addDayCloseLocales } from './day-close-locales.ts';

/**
 * The day close as staff see it on a tablet, counter or lobby: it runs the close as
 * soon as it is shown, says "Syncing…" meanwhile, then how this tablet's own sync went and
 * where every device of the branch stands, the gaps first. "Sync again" runs it once more:
 * after a tablet named as a gap has synced, its line turns to "synced".
 */
export function DayCloseResult({ session, onDone }: { session: StaffSession; onDone: () => void }) {
  const { db, engine, http, i18n } = useServices();
  // The screen's texts come with its chunk: added once, before the first text is read.
  useState(() => addDayCloseLocales(i18n));
  const { t, language } = useT();
  const [outcome, setOutcome] = useState<DayCloseOutcome | null>(null);
  const [run, setRun] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // A run whose answer comes after the screen was left, or after a newer run, is dropped.
    let current = true;
    setOutcome(null);
    void closeDay({ db, engine, http }, session).then((next) => {
      if (current) setOutcome(next);
    });
    return () => {
      current = false;
    };
  }, [db, engine, http, session, run]);
  // The screen's title takes the focus once the answer is in, so a screen reader starts from the top.
  useEffect(() => {
    if (outcome) heading.current?.focus();
  }, [outcome]);

  const time = (at: number) => clockTime(at, language);
  return (
    <section class="day-close" data-screen="day-close" aria-labelledby="day-close-title" aria-busy={outcome === null}>
      <h1 id="day-close-title" tabIndex={-1} ref={heading}>{t('dayClose.title')}</h1>
      <div class="day-close-summary">
        <div role="status" aria-live="polite" class="day-close-outcome">
          {outcome === null ? (
            <p class="day-close-syncing">{t('dayClose.syncing')}</p>
          ) : outcome.ok ? (
            <Summary status={outcome.value.status} t={t} />
          ) : (
            <div class="day-close-failed" data-reason={outcome.reason}>
              <h2>{t('dayClose.notClosed')}</h2>
              <p>{failureText(t, outcome, session.staff)}</p>
            </div>
          )}
        </div>
        {outcome && (
          <>
            <h2>{t('dayClose.tablet.title')}</h2>
            <p class="day-close-tablet" data-testid="day-close-tablet">{tabletText(t, outcome.ok ? outcome.value.tablet : outcome.tablet, outcome.ok, time)}</p>
          </>
        )}
        {outcome?.ok && <CloseDay status={outcome.value.status} time={time} language={language} />}
      </div>
      {outcome?.ok && <Devices status={outcome.value.status} thisDevice={outcome.value.tablet.deviceId} time={time} />}
      <div class="actions">
        <button type="button" onClick={() => setRun((n) => n + 1)} disabled={outcome === null}>{t('dayClose.syncAgain')}</button>
        <button type="button" class="primary" onClick={onDone}>{t('dayClose.done')}</button>
      </div>
    </section>
  );
}

function Summary({ status, t }: { status: DayCloseStatus; t: TFunction }) {
  const gaps = closeGaps(status.devices).length;
  return <h2 class={gaps ? 'day-close-gaps' : 'day-close-clean'}>{gaps ? t('dayClose.gaps', { count: gaps }) : t('dayClose.allSynced')}</h2>;
}

/** The branch's day, who began the close and when, and who confirmed it. */
function CloseDay({ status, time, language }: { status: DayCloseStatus; time: (at: number) => string; language: string }) {
  const { t } = useT();
  return (
    <>
      <p class="day-close-day">{t('dayClose.day', { day: dayText(status.day, language) })}</p>
      {status.startedAt !== null && (
        <p class="day-close-day">
          {status.startedBy
            ? t(status.startedBy.attestation === 'server' ? 'dayClose.startedByChecked' : 'dayClose.startedBy', { time: time(status.startedAt), name: status.startedBy.name })
            : t('dayClose.started', { time: time(status.startedAt) })}
        </p>
      )}
      {status.confirmation && <p class="day-close-confirmed">{t('dayClose.confirmed', { name: status.confirmation.name, time: time(status.confirmation.at) })}</p>}
    </>
  );
}

/** Every device of the branch, gaps first. */
function Devices({ status, thisDevice, time }: { status: DayCloseStatus; thisDevice: string | null; time: (at: number) => string }) {
  const { t } = useT();
  const devices = [...status.devices].sort(byGapFirst(t));
  return (
    <div class="day-close-branch">
      <h2 id="day-close-devices">{t('dayClose.devices')}</h2>
      <ul class="day-close-devices" aria-labelledby="day-close-devices">
        {devices.map((d) => (
          <li key={d.id} class={d.state === 'synced' ? 'device synced' : 'device gap'} data-state={d.state} data-device-id={d.id}>
            <span class="device-name">
              {deviceName(t, d)}
              {d.id === thisDevice && <span class="device-this"> {t('dayClose.thisTablet')}</span>}
            </span>
            <span class="device-state">{stateText(t, d, time)}</span>
            {(d.quarantined ?? 0) > 0 && <span class="device-note">{t('dayClose.quarantined', { count: d.quarantined })}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

// Gaps first: records known to be waiting, then devices not heard from, then never synced.
const STATE_ORDER: Record<CloseState, number> = { waiting: 0, 'not-heard': 1, never: 2, synced: 3 };

const byGapFirst = (t: TFunction) => (a: DayCloseDevice, b: DayCloseDevice) =>
  STATE_ORDER[a.state] - STATE_ORDER[b.state] || deviceName(t, a).localeCompare(deviceName(t, b));

/**
 * "Counter 2", "Lobby tablet": what staff call the tablet. The label a tablet enrolled under is
 * left out: setup sends the browser's user agent, which tells staff nothing.
 */
export function deviceName(t: TFunction, d: DayCloseDevice): string {
  return d.mode === 'counter' ? (d.counterName ?? t('dayClose.counterTablet')) : t('dayClose.lobbyTablet');
}

/** Where a device stands, in plain words: "not heard from since 09:40", "3 records waiting, oldest 14:02". */
export function stateText(t: TFunction, d: DayCloseDevice, time: (at: number) => string): string {
  switch (d.state) {
    case 'synced':
      return t('dayClose.state.synced', { time: time(d.lastSeenAt ?? 0) });
    case 'waiting':
      return d.oldestUnsyncedAt === null
        ? t('dayClose.state.waiting', { count: d.outboxDepth ?? 0, seen: time(d.lastSeenAt ?? 0) })
        : t('dayClose.state.waitingSince', { count: d.outboxDepth ?? 0, oldest: time(d.oldestUnsyncedAt), seen: time(d.lastSeenAt ?? 0) });
    case 'not-heard':
      return t('dayClose.state.notHeard', { time: time(d.lastSeenAt ?? 0) });
    case 'never':
      return t('dayClose.state.never');
  }
}

function tabletText(t: TFunction, tablet: TabletOutcome, synced: boolean, time: (at: number) => string): string {
  const parts: string[] = [];
  if (synced && tablet.pushed > 0) parts.push(t('dayClose.tablet.pushed', { count: tablet.pushed }));
  if (tablet.waiting === 0) parts.push(t('dayClose.tablet.allSent'));
  else if (tablet.oldestWaitingAt === null) parts.push(t('dayClose.tablet.waiting', { count: tablet.waiting }));
  else parts.push(t('dayClose.tablet.waitingSince', { count: tablet.waiting, oldest: time(tablet.oldestWaitingAt) }));
  if (tablet.rejected > 0) parts.push(t('dayClose.tablet.rejected', { count: tablet.rejected }));
  return parts.join(' ');
}

const UNREACHABLE = new Set(['offline', 'unreachable', 'timeout']);

/** Why the close did not go through, and what to do about it. */
function failureText(t: TFunction, outcome: Extract<DayCloseOutcome, { ok: false }>, staff: SessionStaff): string {
  if (UNREACHABLE.has(outcome.reason)) return t(outcome.stage === 'sync' ? 'dayClose.failed.unreachable' : 'dayClose.failed.lost');
  if (outcome.reason === 'forbidden') return t('dayClose.failed.forbidden', { name: staff.name, number: staff.staffNumber });
  if (outcome.reason === 'staff-session-required') return t('dayClose.failed.needsServer');
  return t(`errors.${outcome.reason}`, { defaultValue: t('errors.unknown') });
}

/** A time in the tablet's language; with the date when it is not today. */
export function clockTime(at: number, language: string, now = Date.now()): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return new Intl.DateTimeFormat(language, sameDay ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(at);
}

/** The branch's business day, "Monday 23 November 2026": a calendar day, so read as UTC to stay the same day everywhere. */
function dayText(day: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'full', timeZone: 'UTC' }).format(Date.parse(`${day}T00:00:00Z`));
}
