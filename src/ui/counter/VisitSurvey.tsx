import type { i18n as I18n } from 'i18next';
import type { ComponentChild } from 'preact';
import { renderSVG } from 'uqr';
import type { DeviceConfig } from '../../domain/config.ts';
import { localDayOf } from '../../domain/period.ts';
import type { Rating } from '../../domain/rating.ts';
import { runningSurvey } from '../../domain/survey.ts';
import { importVisitKey, makeVisitCode, newNonce, VISIT_PATH } from '../../domain/visit-code.ts';
import { useT } from '../services.tsx';
import { addSurveyCounterLocales } from './survey-counter-locales.ts';

/**
 * A visit's survey code on the counter's thank-you screen, while a phone survey runs: made
 * here, offline, and signed with the tablet's visit key, so the customer can answer on their
 * own phone whether or not the tablet is online. A chunk of its own, loaded when the faces
 * first show (the service worker precaches it): the counter's first JavaScript has a budget.
 */

/** The quiet zone the standard asks for, in modules: a phone's camera finds the code by it. */
const QUIET_ZONE = 4;

/**
 * What the thank-you screen shows under its thanks for `rating`: the visit's code, what it is
 * for, and Done; null when no phone survey runs today or the tablet has no key.
 */
export async function visitSurvey(
  i18n: I18n,
  { config, deviceId, rating, onDone }: { config: DeviceConfig; deviceId: string; rating: Pick<Rating, 'tellerId' | 'createdAt'>; onDone: () => void },
): Promise<ComponentChild> {
  const visitKey = config.visitKey ?? null;
  // The tablet's own day: it stands in the branch, whose days a schedule counts in.
  const today = localDayOf(rating.createdAt, Intl.DateTimeFormat().resolvedOptions().timeZone);
  if (!visitKey || !config.counter || !runningSurvey(config.surveys ?? [], 'phone', today)) return null;
  addSurveyCounterLocales(i18n);
  const code = await makeVisitCode(await importVisitKey(visitKey), {
    kind: 'visit',
    deviceId,
    counterId: config.counter.id,
    tellerId: rating.tellerId,
    at: rating.createdAt,
    nonce: newNonce((n) => crypto.getRandomValues(new Uint8Array(n))),
  });
  // M: a glare on the tablet's glass may hide a fifteenth of the code and it still reads.
  const svg = renderSVG(`${location.origin}${VISIT_PATH}${code}`, { ecc: 'M', border: QUIET_ZONE, whiteColor: '#fff', blackColor: '#000' });
  // Its size in pixels too, not only a viewBox: an image without one is drawn at 300 × 150.
  const sized = svg.replace(/viewBox="0 0 (\d+) (\d+)"/, '$& width="$1" height="$2"');
  return <VisitSurvey image={`data:image/svg+xml,${encodeURIComponent(sized)}`} onDone={onDone} />;
}

/**
 * The code, what it is for, and Done for the next customer, who must never wait on a code
 * the last one did not want.
 */
function VisitSurvey({ image, onDone }: { image: string; onDone: () => void }) {
  const { t } = useT();
  return (
    <div class="visit-survey">
      <img class="visit-qr" src={image} alt={t('surveyCounter.image')} />
      <div class="visit-survey-text">
        <p class="visit-survey-caption">{t('surveyCounter.caption')}</p>
        <p class="visit-survey-note">{t('surveyCounter.note')}</p>
        <button type="button" class="primary" onClick={onDone}>{t('surveyCounter.done')}</button>
      </div>
    </div>
  );
}
