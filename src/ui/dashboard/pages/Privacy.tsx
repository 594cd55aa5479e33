import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { CustomerData, CustomerQuery, Erasure } from '../../../domain/privacy.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { count, dateTime } from '../format.ts';
import { customerQueryOf, QUERY_KINDS, shortId, type QueryKind, type QueryProblem } from '../privacy.ts';
import { useDashboard, useT } from '../services.tsx';
import type { PageProps } from './page.ts';
import { AuditLog, RetentionPeriods } from './PrivacyAudit.tsx';
import { CustomerRecords } from './PrivacyRecords.tsx';

/**
 * Head office's privacy desk (docs/privacy.md, decision 0019): a customer's request (find what
 * is held by their reference code, phone or e-mail; hand it to them as JSON or on paper; erase
 * it), the audit log of who handled customers' data, and how long the network keeps it. Head
 * office only: the nav does not offer it to anyone else, and the server answers them 403.
 */
export function Privacy({ me, today }: PageProps) {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('dashboard.nav.privacy')} />
      <p class="page-intro no-print">{t('dashboard.privacy.intro')}</p>
      <CustomerRequest branches={me.branches} today={today} />
      <AuditLog branches={me.branches} />
      <RetentionPeriods />
    </>
  );
}

/** What the page holds of one request: the query as sent (export and erasure repeat it, whatever is typed since) and the answer. */
interface Found {
  query: CustomerQuery;
  by: QueryKind;
  data: CustomerData;
  /** When the search answered: the time on paper for a search printed as it is. */
  foundAt: number;
  /** When the answer on screen came from the export endpoint: the time printed on paper. */
  exportedAt: number | null;
}

type Busy = 'search' | 'export' | 'print' | 'erase' | null;

const INPUT_TYPE: Record<QueryKind, { type: string; inputMode: 'text' | 'tel' | 'email' }> = {
  reference: { type: 'text', inputMode: 'text' },
  phone: { type: 'tel', inputMode: 'tel' },
  email: { type: 'email', inputMode: 'email' },
};

function CustomerRequest({ branches, today }: { branches: BranchRef[]; today: string }) {
  const { api, saveFile, print, now } = useDashboard();
  const { t, language } = useT();
  const ids = { title: useId(), legend: useId(), input: useId(), problem: useId(), hint: useId(), erased: useId() };
  const [by, setBy] = useState<QueryKind>('reference');
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<QueryProblem | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [found, setFound] = useState<Found | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  /** The live region's one line: what the last act did. */
  const [news, setNews] = useState('');
  const [asking, setAsking] = useState(false);
  const [dialogProblem, setDialogProblem] = useState<string | null>(null);
  const [erasure, setErasure] = useState<Erasure | null>(null);
  /** The branch a shared reference code's erasure is for: chosen in the dialog. */
  const [eraseBranch, setEraseBranch] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const erasedHeading = useRef<HTMLHeadingElement>(null);

  // The browser prints what is on screen: the export's answer has been drawn by now.
  useEffect(() => {
    if (!printing) return;
    setPrinting(false);
    print();
  }, [printing, print]);

  const entriesText = (n: number) => t('dashboard.privacy.n.entries', { count: n, n: count(n, language) });
  const casesText = (n: number) => t('dashboard.privacy.n.cases', { count: n, n: count(n, language) });
  const failed = (reason: string) => {
    setNews('');
    setFailure(t(`dashboard.errors.${reason}`));
  };

  const search = async (query: CustomerQuery, kind: QueryKind) => {
    if (busy) return;
    setBusy('search');
    setFailure(null);
    // What was shown answered another request (or was erased since): it goes before the new answer comes.
    setFound(null);
    setErasure(null);
    setNews(t('dashboard.privacy.searching'));
    const answer = await api.customerSearch(query);
    setBusy(null);
    if (!answer.ok) return failed(answer.reason);
    setFound({ query, by: kind, data: answer.value, foundAt: now(), exportedAt: null });
    const { entries, cases } = answer.value;
    setNews(entries.length + cases.length === 0 ? t(`dashboard.privacy.nothing.${kind}`) : t('dashboard.privacy.found', { entries: entriesText(entries.length), cases: casesText(cases.length) }));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const checked = customerQueryOf(by, typed);
    if (!checked.ok) {
      setProblem(checked.problem);
      input.current?.focus();
      return;
    }
    setProblem(null);
    void search(checked.query, by);
  };

  /** The export endpoint's answer (audited as an export), shown in place of the search's. */
  const exported = async (what: 'export' | 'print'): Promise<Found | null> => {
    if (!found || busy) return null;
    setBusy(what);
    setFailure(null);
    const answer = await api.customerExport(found.query);
    setBusy(null);
    if (!answer.ok) {
      failed(answer.reason);
      return null;
    }
    const next = { ...found, data: answer.value, exportedAt: now() };
    setFound(next);
    return next;
  };

  const downloadJson = async () => {
    const next = await exported('export');
    if (!next) return;
    const name = `customer-data-${today}.json`;
    const file = { exportedAt: new Date(next.exportedAt!).toISOString(), ...next.data };
    saveFile(name, new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));
    setNews(t('dashboard.privacy.downloaded', { file: name }));
  };

  const printView = async () => {
    if (!(await exported('print'))) return;
    setNews(t('dashboard.privacy.printing'));
    setPrinting(true);
  };

  const erase = async () => {
    if (!found || busy) return;
    // The same code at two branches is two customers: the erasure is for the one chosen.
    if (branchesOfReference > 1 && eraseBranch === null) return setDialogProblem(t('dashboard.privacy.confirm.chooseBranch'));
    setBusy('erase');
    setDialogProblem(null);
    const query = branchesOfReference > 1 && 'reference' in found.query ? { ...found.query, branchId: eraseBranch! } : found.query;
    const answer = await api.eraseCustomer(query);
    setBusy(null);
    if (!answer.ok) return setDialogProblem(t(`dashboard.errors.${answer.reason}`));
    setAsking(false);
    setErasure(answer.value);
    setNews(t('dashboard.privacy.erased.counts', { entries: entriesText(answer.value.erasedEntries.length), cases: casesText(answer.value.erasedCases.length) }));
    // The buttons that led here are gone with the records: the result takes the focus.
    setTimeout(() => erasedHeading.current?.focus(), 0);
  };

  const held = found ? found.data.entries.length + found.data.cases.length : 0;
  const openCases = found ? found.data.cases.filter((c) => c.status !== 'signed-off').length : 0;
  const branchNameOf = (id: string) => branches.find((b) => b.id === id)?.name ?? shortId(id);
  const referenceOf = (entryId: string) => found?.data.entries.find((e) => e.id === entryId)?.referenceCode ?? shortId(entryId);
  // A reference code is unique within its branch only: found at several, the entries may be different customers'.
  const branchesOfReference = found?.by === 'reference' ? new Set(found.data.entries.map((e) => e.branchId)).size : 0;
  const sharedReference =
    branchesOfReference > 1 ? (
      <p class="warn-text">
        <span aria-hidden="true">⚠ </span>
        {t('dashboard.privacy.sharedReference', { n: count(branchesOfReference, language) })}
      </p>
    ) : null;

  return (
    <section class="privacy-section privacy-request" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('dashboard.privacy.request.title')}</h2>
      <p class="section-detail no-print">{t('dashboard.privacy.request.detail')}</p>
      <form class="query-form no-print" onSubmit={submit} noValidate>
        <fieldset class="query-kinds">
          <legend id={ids.legend}>{t('dashboard.privacy.request.by')}</legend>
          {QUERY_KINDS.map((kind) => (
            <label key={kind} class="query-choice">
              <input
                type="radio"
                name="privacy-by"
                value={kind}
                checked={by === kind}
                onChange={() => {
                  setBy(kind);
                  setProblem(null);
                }}
              />
              <span>{t(`dashboard.privacy.by.${kind}`)}</span>
            </label>
          ))}
        </fieldset>
        <div class="query-field">
          <label for={ids.input}>{t(`dashboard.privacy.field.${by}`)}</label>
          <div class="query-line">
            <input
              ref={input}
              id={ids.input}
              type={INPUT_TYPE[by].type}
              inputMode={INPUT_TYPE[by].inputMode}
              autoComplete="off"
              spellcheck={false}
              value={typed}
              aria-invalid={problem !== null}
              aria-describedby={problem ? `${ids.problem} ${ids.hint}` : ids.hint}
              onInput={(event) => setTyped(event.currentTarget.value)}
            />
            <button type="submit" class="primary" aria-disabled={busy !== null}>
              {busy === 'search' ? t('dashboard.privacy.request.searching') : t('dashboard.privacy.request.search')}
            </button>
          </div>
          <span id={ids.hint} class="hint">
            {t(`dashboard.privacy.hint.${by}`)}
          </span>
        </div>
        {problem && (
          <p id={ids.problem} class="error" role="alert">
            {t(`dashboard.privacy.problem.${problem}`)}
          </p>
        )}
      </form>
      {/* The erasure's box says the same at once, and takes the focus: the line is for screen readers then. */}
      <p class={erasure ? 'privacy-news visually-hidden' : 'privacy-news no-print'} role="status">
        {news}
      </p>
      {failure && (
        <div class="problem no-print" role="alert">
          <p>{failure}</p>
        </div>
      )}
      {found && erasure && (
        <div class="erasure" aria-labelledby={ids.erased}>
          <h3 id={ids.erased} ref={erasedHeading} tabIndex={-1}>
            {t('dashboard.privacy.erased.title')}
          </h3>
          <p>{t('dashboard.privacy.erased.counts', { entries: entriesText(erasure.erasedEntries.length), cases: casesText(erasure.erasedCases.length) })}</p>
          {erasure.kept.length > 0 && (
            <>
              <p class="warn-text">
                <span aria-hidden="true">⚠ </span>
                {t('dashboard.privacy.erased.keptTitle')}
              </p>
              <ul class="kept-list">
                {erasure.kept.map((item) => (
                  <li key={`${item.kind}:${item.id}`}>
                    <strong>{item.kind === 'entry' ? t('dashboard.privacy.entry.title', { reference: referenceOf(item.id) }) : t('dashboard.privacy.case.title', { id: shortId(item.id) })}</strong>
                    {': '}
                    {t(`dashboard.privacy.kept.${item.why}`)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p class="muted">{t('dashboard.privacy.erased.figures')}</p>
          <button type="button" class="secondary" onClick={() => void search(found.query, found.by)}>
            {t('dashboard.privacy.erased.again')}
          </button>
        </div>
      )}
      {found && !erasure && held === 0 && <p class="empty">{t(`dashboard.privacy.nothing.${found.by}`)}</p>}
      {found && !erasure && held > 0 && (
        <>
          {sharedReference}
          <div class="held-actions no-print" role="group" aria-label={t('dashboard.privacy.actions')}>
            <button type="button" class="secondary" aria-disabled={busy !== null} onClick={() => void downloadJson()}>
              <span aria-hidden="true">⤓ </span>
              {busy === 'export' ? t('dashboard.privacy.working') : t('dashboard.privacy.downloadJson')}
            </button>
            <button type="button" class="secondary" aria-disabled={busy !== null} onClick={() => void printView()}>
              {busy === 'print' ? t('dashboard.privacy.working') : t('dashboard.privacy.print')}
            </button>
            <button
              type="button"
              class="danger-quiet"
              aria-disabled={busy !== null}
              onClick={() => {
                if (busy) return;
                setDialogProblem(null);
                setEraseBranch(null);
                setAsking(true);
              }}
            >
              {t('dashboard.privacy.erase')}
            </button>
          </div>
          <div class="print-only">
            <p>{t('app.name')}</p>
            <p>
              {found.exportedAt === null
                ? t('dashboard.privacy.printedFound', { at: dateTime(found.foundAt, language), by: t(`dashboard.privacy.subjectBy.${found.by}`) })
                : t('dashboard.privacy.printedAt', { at: dateTime(found.exportedAt, language), by: t(`dashboard.privacy.subjectBy.${found.by}`) })}
            </p>
          </div>
          <CustomerRecords data={found.data} branches={branches} />
        </>
      )}
      {asking && found && (
        <ConfirmDialog
          title={t('dashboard.privacy.confirm.title')}
          confirmLabel={t('dashboard.privacy.confirm.erase')}
          busy={busy === 'erase'}
          error={dialogProblem}
          onConfirm={() => void erase()}
          onCancel={() => setAsking(false)}
        >
          <p>
            <strong>{t('dashboard.privacy.confirm.undone')}</strong>
          </p>
          <p>{t('dashboard.privacy.confirm.what', { entries: entriesText(found.data.entries.length), cases: casesText(found.data.cases.length) })}</p>
          <p>{t('dashboard.privacy.confirm.figures')}</p>
          {sharedReference}
          {branchesOfReference > 1 && (
            <fieldset class="query-kinds">
              <legend>{t('dashboard.privacy.confirm.branch')}</legend>
              {[...new Set(found.data.entries.map((e) => e.branchId))].map((id) => (
                <label key={id} class="query-choice">
                  <input type="radio" name="privacy-erase-branch" value={id} checked={eraseBranch === id} onChange={() => setEraseBranch(id)} />
                  <span>{branchNameOf(id)}</span>
                </label>
              ))}
            </fieldset>
          )}
          <p class={openCases > 0 ? 'warn-text' : undefined}>
            {openCases > 0 && <span aria-hidden="true">⚠ </span>}
            {t('dashboard.privacy.confirm.open')}
            {openCases > 0 && <> {t('dashboard.privacy.confirm.openNow', { count: openCases, n: count(openCases, language) })}</>}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
