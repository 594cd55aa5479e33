import { useRef, useState } from 'preact/hooks';
import type { EnrollmentSheet, EnrollmentSheetCode } from '../../../domain/manage.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { zonedDateTime } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import type { PageProps } from './page.ts';

/**
 * Enroll tablets: a fresh one-time code for every counter of a branch and one for its lobby
 * opinion box, as a sheet to print (decision 0020): each place's QR code (drawn by the server),
 * its name and its code in large type. Head office picks the branch in the filter; a branch
 * manager's is theirs. Only the sheet prints.
 */
export function Enroll({ branch }: PageProps) {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('dashboard.nav.enroll')} branch={branch} />
      <p class="page-intro no-print">{t('dashboard.enroll.intro')}</p>
      {branch ? <EnrollBranch branch={branch} key={branch.id} /> : <p class="empty">{t('dashboard.enroll.pickBranch')}</p>}
    </>
  );
}

function EnrollBranch({ branch }: { branch: BranchRef }) {
  const { api, print } = useDashboard();
  const { t, language } = useT();
  const [sheet, setSheet] = useState<EnrollmentSheet | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const make = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const result = await api.enrollmentSheet(branch.id);
    setBusy(false);
    if (!result.ok) return setProblem(t(`dashboard.errors.${result.reason}`));
    setSheet(result.value);
    // The sheet is what was asked for: a screen reader goes on from its heading.
    setTimeout(() => heading.current?.focus(), 0);
  };

  // In the branch's zone, named: head office may print another city's sheet.
  const expires = sheet ? zonedDateTime(sheet.expiresAt, language, branch.timeZone) : null;
  return (
    <>
      <section class="enroll-make no-print" aria-labelledby="enroll-make-title">
        <h2 id="enroll-make-title">{t('dashboard.enroll.makeTitle', { branch: branch.name })}</h2>
        <ul class="enroll-rules">
          <li>{t('dashboard.enroll.once')}</li>
          <li>{t('dashboard.enroll.expiry')}</li>
          <li>{t('dashboard.enroll.key')}</li>
          <li>{t('dashboard.enroll.again')}</li>
        </ul>
        <div class="enroll-actions">
          <button type="button" class="primary" onClick={() => void make()} disabled={busy} aria-busy={busy}>
            {busy ? t('dashboard.enroll.making') : t('dashboard.enroll.make')}
          </button>
          {sheet && (
            <button type="button" class="secondary" onClick={print}>
              {t('dashboard.enroll.print')}
            </button>
          )}
        </div>
        <p class="error" role="alert">
          {problem}
        </p>
      </section>
      {sheet && (
        <section class="enroll-sheet" aria-labelledby="enroll-sheet-title" data-testid="enroll-sheet">
          <h2 id="enroll-sheet-title" ref={heading} tabIndex={-1}>
            {t('dashboard.enroll.sheetTitle', { branch: sheet.branch.name })}
          </h2>
          <p class="enroll-sheet-note">
            <strong>{t('dashboard.enroll.expires', { at: expires })}</strong> {t('dashboard.enroll.sheetNote')}
          </p>
          <ul class="enroll-cards">
            {sheet.codes.map((code) => (
              <EnrollCard key={code.code} code={code} expires={expires!} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function EnrollCard({ code, expires }: { code: EnrollmentSheetCode; expires: string }) {
  const { t } = useT();
  const place = code.place ?? t('dashboard.enroll.lobby');
  return (
    <li class="enroll-card" data-mode={code.mode}>
      <img
        class="enroll-qr"
        src={'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(code.qrSvg)}
        alt={t('dashboard.enroll.qrAlt', { place })}
      />
      <div class="enroll-card-text">
        <h3 class="enroll-place">{place}</h3>
        <p class="enroll-kind">{t(`dashboard.enroll.kind.${code.mode}`)}</p>
        <p class="enroll-code-label">{t('dashboard.enroll.code')}</p>
        <p class="enroll-code" lang="en">
          {code.code}
        </p>
        <p class="enroll-card-expires">{t('dashboard.enroll.expires', { at: expires })}</p>
        <p class="enroll-how">{t('dashboard.enroll.how')}</p>
      </div>
    </li>
  );
}
