import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { LANGUAGES, type Language } from '../../../domain/language.ts';
import { localDayOf } from '../../../domain/period.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { MAX_CARDS, type SurveyCardsResponse as Cards } from '../../../domain/survey-cards.ts';
import { dayLabel } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';

/** The language of the cards' words: one of the four, or all four for a branch whose customers read several. */
type CardLanguage = Language | 'all';

/** A card's QR code: M, so a card a little worn in a wallet still reads; the quiet zone the standard asks for. */
const qrOf = (url: string): string => 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(renderSVG(url, { ecc: 'M', border: 4, pixelSize: 4 }));

/**
 * Printed survey cards: for a counter whose customers get no code on its screen, or for a
 * day the tablet is away, a sheet of cards, each with a QR code the server made for that
 * counter, used once and for a limited time, that opens on the customer's phone the survey
 * running at its branch. The invitation is in the language chosen, or all four; only the
 * cards print, several to an A4 page.
 */
export function SurveyCards({ branches, phoneRunning, ask }: {
  branches: BranchRef[];
  /** Whether a survey runs or is to run on the phone channel: a card opened with none says so. */
  phoneRunning: boolean;
  /** A survey's "Print cards": its first branch picked, and the focus brought here; `at` counts the asks. */
  ask: { branchId: string | null; at: number } | null;
}) {
  const { api, print } = useDashboard();
  const { t, language } = useT();
  const id = useId();
  const sorted = [...branches].sort((a, b) => a.name.localeCompare(b.name, language));
  const [branchId, setBranchId] = useState(sorted[0]?.id ?? '');
  const [counterId, setCounterId] = useState('');
  const [howMany, setHowMany] = useState('10');
  const [cardLanguage, setCardLanguage] = useState<CardLanguage>('all');
  const [problems, setProblems] = useState<{ counter?: string; count?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [sheet, setSheet] = useState<{ cards: Cards; language: CardLanguage; timeZone: string } | null>(null);
  const [counters] = useLoad(branchId ? `ms-cards:${branchId}` : null, () => api.setup(branchId));
  const heading = useRef<HTMLHeadingElement>(null);
  const sheetHeading = useRef<HTMLHeadingElement>(null);
  const branchSelect = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    if (!ask) return;
    if (ask.branchId && branches.some((b) => b.id === ask.branchId)) setBranchId(ask.branchId);
    heading.current?.scrollIntoView({ block: 'start' });
    branchSelect.current?.focus();
  }, [ask?.at]);

  // The branch's counters as they load; the first is picked, so two choices make a sheet.
  const counterList = counters.state === 'ok' && !counters.refreshing ? counters.value.counters : [];
  useEffect(() => {
    if (!counterList.some((c) => c.id === counterId)) setCounterId(counterList[0]?.id ?? '');
  }, [counterList.map((c) => c.id).join()]);

  const make = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const count = /^\d+$/.test(howMany.trim()) ? Number(howMany.trim()) : NaN;
    const found: typeof problems = {};
    if (!counterId) found.counter = t('dashboard.surveys.cards.errors.counter');
    if (!(count >= 1 && count <= MAX_CARDS)) found.count = t('dashboard.surveys.cards.errors.count', { max: MAX_CARDS });
    setProblems(found);
    if (found.counter || found.count) return;
    setBusy(true);
    const result = await api.surveyCards({ counterId, count });
    setBusy(false);
    if (!result.ok) {
      const own = result.reason === 'forbidden' || result.reason === 'not-found';
      setProblems({
        form: result.reason === 'bad-request' ? t('dashboard.surveys.errors.refused', { message: result.message ?? '' }) : t(own ? `dashboard.surveys.cards.errors.${result.reason}` : `dashboard.errors.${result.reason}`),
      });
      return;
    }
    setSheet({ cards: result.value, language: cardLanguage, timeZone: branches.find((b) => b.id === result.value.branch.id)?.timeZone ?? 'UTC' });
    // The sheet is what was asked for: a screen reader goes on from its heading.
    setTimeout(() => sheetHeading.current?.focus(), 0);
  };

  const counterProblem = problems.counter ?? (counters.state === 'ok' && !counters.refreshing && counterList.length === 0 ? t('dashboard.surveys.cards.noCounters') : undefined);
  return (
    <>
      <section class="setup-section ms-cards-make no-print" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          {t('dashboard.surveys.cards.title')}
        </h2>
        <p class="muted">{t('dashboard.surveys.cards.detail')}</p>
        {!phoneRunning && <p class="warn-text">{t('dashboard.surveys.cards.noPhoneSurvey')}</p>}
        <form class="staff-form ms-cards-form" onSubmit={(event) => void make(event)} noValidate>
          <div class="field">
            <label for={`${id}-branch`}>{t('dashboard.surveys.cards.branch')}</label>
            <select ref={branchSelect} id={`${id}-branch`} value={branchId} onChange={(e) => setBranchId(e.currentTarget.value)}>
              {sorted.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={`${id}-counter`}>{t('dashboard.surveys.cards.counter')}</label>
            <select
              id={`${id}-counter`}
              value={counterId}
              disabled={counterList.length === 0}
              aria-invalid={problems.counter ? true : undefined}
              aria-describedby={`${id}-counter-error`}
              onChange={(e) => setCounterId(e.currentTarget.value)}
            >
              {counterList.length === 0 && <option value="">{counters.state === 'loading' || (counters.state === 'ok' && counters.refreshing) ? t('dashboard.loading') : ''}</option>}
              {counterList.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <span id={`${id}-counter-error`} class="field-error">
              {counters.state === 'error' ? t(`dashboard.errors.${counters.reason}`) : counterProblem}
            </span>
          </div>
          <div class="field">
            <label for={`${id}-count`}>{t('dashboard.surveys.cards.count', { max: MAX_CARDS })}</label>
            <input
              id={`${id}-count`}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_CARDS}
              step={1}
              value={howMany}
              aria-invalid={problems.count ? true : undefined}
              aria-describedby={`${id}-count-error`}
              onInput={(e) => setHowMany(e.currentTarget.value)}
            />
            <span id={`${id}-count-error`} class="field-error">
              {problems.count}
            </span>
          </div>
          <div class="field">
            <label for={`${id}-language`}>{t('dashboard.surveys.cards.language')}</label>
            <select id={`${id}-language`} value={cardLanguage} onChange={(e) => setCardLanguage(e.currentTarget.value as CardLanguage)}>
              <option value="all">{t('dashboard.surveys.cards.allLanguages')}</option>
              {LANGUAGES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {t(`language.names.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="staff-form-actions">
            <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
              {busy ? t('dashboard.surveys.cards.making') : t('dashboard.surveys.cards.make')}
            </button>
          </div>
        </form>
        <p class="error" role="alert">
          {problems.form}
        </p>
      </section>
      {sheet && (
        <section class="ms-card-sheet" aria-labelledby={`${id}-sheet`} data-testid="ms-card-sheet">
          <div class="ms-card-sheet-head">
            <h2 id={`${id}-sheet`} ref={sheetHeading} tabIndex={-1}>
              {t('dashboard.surveys.cards.sheetTitle', { count: sheet.cards.cards.length, counter: sheet.cards.counter.name, branch: sheet.cards.branch.name })}
            </h2>
            <button type="button" class="primary no-print" onClick={print}>
              {t('dashboard.surveys.cards.print')}
            </button>
          </div>
          <p class="no-print">{t('dashboard.surveys.cards.sheetNote', { until: dayLabel(localDayOf(sheet.cards.expiresAt, sheet.timeZone), language) })}</p>
          <ul class="ms-card-list">
            {sheet.cards.cards.map((card, index) => (
              <Card key={card.code} card={card} number={index + 1} sheet={sheet.cards} cardLanguage={sheet.language} timeZone={sheet.timeZone} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** One card: its QR code, where it is for, and the invitation with its last day in the card's language or each of the four. */
function Card({ card, number, sheet, cardLanguage, timeZone }: { card: Cards['cards'][number]; number: number; sheet: Cards; cardLanguage: CardLanguage; timeZone: string }) {
  const { i18n } = useDashboard();
  const { t } = useT();
  const day = localDayOf(sheet.expiresAt, timeZone);
  const languages = cardLanguage === 'all' ? LANGUAGES : [cardLanguage];
  return (
    <li class="ms-card">
      <img class="ms-card-qr" src={qrOf(card.url)} alt={t('dashboard.surveys.cards.qrAlt', { number, counter: sheet.counter.name })} />
      <div class="ms-card-text">
        <p class="ms-card-place">
          <strong>{sheet.branch.name}</strong>
          <span>{sheet.counter.name}</span>
        </p>
        {languages.map((l) => {
          const inLanguage = i18n.getFixedT(l);
          return (
            <p key={l} lang={l} class="ms-card-invite">
              {inLanguage('dashboard.surveys.cards.invite')} <span class="ms-card-until">{inLanguage('dashboard.surveys.cards.until', { day: dayLabel(day, l) })}</span>
            </p>
          );
        })}
      </div>
    </li>
  );
}
