import { useId, useMemo, useState } from 'preact/hooks';
import type { TFunction } from 'i18next';
import { ACCOUNT_ROLES } from '../../../domain/access.ts';
import type { LocalDay } from '../../../domain/period.ts';
import { AUDIT_PAGE_MAX, type AuditPage, type AuditRecord } from '../../../domain/privacy.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { count, dateTime, rangeLabel } from '../format.ts';
import { auditDaysProblem, compactDetail, defaultAuditDays, RETENTION_ORDER, shortId, type AuditDaysProblem } from '../privacy.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';

const dayOf = (at: number, language: string, timeZone: string) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone }).format(at);
const timeOf = (at: number, language: string, timeZone: string) => new Intl.DateTimeFormat(language, { timeStyle: 'short', timeZone }).format(at);

/** Roles of the audit log beyond the dashboard's accounts: the CLI's operator and the server's own purge. */
const MACHINE_ROLES = ['operator', 'scheduler'] as const;

/** A role in the reader's language; one this dashboard does not know, as the server wrote it. */
function roleName(role: string, t: TFunction): string {
  if ((ACCOUNT_ROLES as readonly string[]).includes(role)) return t(`dashboard.role.${role}`);
  if ((MACHINE_ROLES as readonly string[]).includes(role)) return t(`dashboard.privacy.auditRole.${role}`);
  return role;
}

/** The subject of a customer's request is how they were found ("by phone"), never the phone: said in the reader's language. */
function subjectText(subject: string, t: TFunction): string {
  const by = /^by (reference|phone|email)$/.exec(subject)?.[1];
  return by ? t(`dashboard.privacy.subjectBy.${by}`) : subject;
}

/**
 * The audit log (docs/privacy.md, "Audit"): who saw, exported or erased customers' data, when,
 * as the server checked them, from where. Whole UTC days, the last 30 by default; reading it is
 * itself recorded, so it is asked for when the page opens and when Show is pressed, never on
 * each keystroke in a day field.
 */
export function AuditLog({ branches }: { branches: BranchRef[] }) {
  const { api, now, saveFile, timeZone } = useDashboard();
  const { t, language } = useT();
  const ids = { title: useId(), from: useId(), to: useId(), problem: useId() };
  const initial = useMemo(() => defaultAuditDays(now()), [now]);
  const [from, setFrom] = useState<string>(initial.from);
  const [to, setTo] = useState<string>(initial.to);
  const [asked, setAsked] = useState<{ from: LocalDay; to: LocalDay }>(initial);
  const [problem, setProblem] = useState<AuditDaysProblem | null>(null);
  const [load, reload] = useLoad(`audit:${asked.from}:${asked.to}`, () => api.audit(asked));

  const show = (event: Event) => {
    event.preventDefault();
    const wrong = auditDaysProblem(from, to);
    setProblem(wrong);
    if (wrong) return;
    if (from === asked.from && to === asked.to) reload();
    else setAsked({ from, to });
  };

  const branchName = (id: string | null) => (id === null ? null : (branches.find((b) => b.id === id)?.name ?? shortId(id)));
  const actionText = (r: AuditRecord) => t(`dashboard.privacy.action.${r.action}`);
  const verifiedText = (r: AuditRecord) => t(`dashboard.privacy.verified.${r.verified}`);
  const placeText = (r: AuditRecord) => (r.deviceId ? t('dashboard.privacy.audit.device', { id: shortId(r.deviceId) }) : (r.address ?? t('dashboard.privacy.audit.nowhere')));
  // The whole device id on hover and in the CSV: the screen quotes its end.

  const columns: Column<AuditRecord>[] = [
    {
      id: 'at',
      header: t('dashboard.privacy.audit.at'),
      rowHeader: true,
      // The day, then the time below it: a narrow column breaks between them, never inside either.
      cell: (r) => (
        <time dateTime={new Date(r.at).toISOString()} title={dateTime(r.at, language, timeZone)}>
          <span class="nowrap">{dayOf(r.at, language, timeZone)}</span> <span class="sub nowrap">{timeOf(r.at, language, timeZone)}</span>
        </time>
      ),
      sort: (r) => r.at,
      csv: [
        { header: t('dashboard.privacy.audit.at'), value: (r) => dateTime(r.at, language, timeZone) },
        { header: t('dashboard.privacy.audit.atUtc'), value: (r) => new Date(r.at).toISOString() },
      ],
    },
    {
      id: 'action',
      header: t('dashboard.privacy.audit.action'),
      cell: actionText,
      sort: actionText,
      csv: [
        { header: t('dashboard.privacy.audit.action'), value: actionText },
        { header: t('dashboard.privacy.audit.actionCode'), value: (r) => r.action },
      ],
    },
    {
      id: 'who',
      header: t('dashboard.privacy.audit.who'),
      cell: (r) => (
        <>
          <span class="nowrap">{r.actor}</span>
          <span class="sub">{roleName(r.role, t)}</span>
          <span class="sub">{verifiedText(r)}</span>
        </>
      ),
      sort: (r) => r.actor,
      csv: [
        { header: t('dashboard.privacy.audit.who'), value: (r) => r.actor },
        { header: t('dashboard.privacy.audit.role'), value: (r) => roleName(r.role, t) },
        { header: t('dashboard.privacy.audit.verified'), value: verifiedText },
      ],
    },
    {
      id: 'where',
      header: t('dashboard.privacy.audit.where'),
      cell: (r) => (
        <>
          <span class="nowrap" title={r.deviceId ?? undefined}>
            {placeText(r)}
          </span>
          {r.branchId && <span class="sub">{branchName(r.branchId)}</span>}
        </>
      ),
      sort: placeText,
      csv: [
        { header: t('dashboard.privacy.audit.deviceId'), value: (r) => r.deviceId },
        { header: t('dashboard.privacy.audit.address'), value: (r) => r.address },
        { header: t('dashboard.privacy.audit.branch'), value: (r) => branchName(r.branchId) },
      ],
    },
    {
      id: 'subject',
      header: t('dashboard.privacy.audit.subject'),
      cell: (r) => (
        <>
          {subjectText(r.subject, t)}
          <span class="sub detail-text" title={compactDetail(r.detail)}>
            {compactDetail(r.detail, { brief: true })}
          </span>
        </>
      ),
      sort: (r) => r.subject,
      csv: [
        { header: t('dashboard.privacy.audit.subject'), value: (r) => subjectText(r.subject, t) },
        { header: t('dashboard.privacy.audit.detail'), value: (r) => compactDetail(r.detail) },
      ],
    },
  ];

  const downloadJson = (page: AuditPage) =>
    saveFile(`audit-log-${asked.from}-${asked.to}.json`, new Blob([JSON.stringify({ from: asked.from, to: asked.to, more: page.more, rows: page.rows }, null, 2)], { type: 'application/json' }));

  return (
    <section class="privacy-section no-print" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('dashboard.privacy.audit.title')}</h2>
      <p class="section-detail">{t('dashboard.privacy.audit.intro')}</p>
      <form class="audit-days" onSubmit={show} noValidate>
        <span class="filter">
          <label for={ids.from}>{t('dashboard.filters.from')}</label>
          <input id={ids.from} type="date" value={from} max={to || undefined} aria-invalid={problem !== null} aria-describedby={problem ? ids.problem : undefined} onInput={(e) => setFrom(e.currentTarget.value)} />
        </span>
        <span class="filter">
          <label for={ids.to}>{t('dashboard.filters.to')}</label>
          <input id={ids.to} type="date" value={to} min={from || undefined} aria-invalid={problem !== null} aria-describedby={problem ? ids.problem : undefined} onInput={(e) => setTo(e.currentTarget.value)} />
        </span>
        <button type="submit" class="primary">
          {t('dashboard.privacy.audit.show')}
        </button>
      </form>
      {problem && (
        <p id={ids.problem} class="error" role="alert">
          {t(`dashboard.privacy.audit.problem.${problem}`)}
        </p>
      )}
      <Loaded load={load} retry={reload}>
        {(page) => (
          <>
            {page.more && (
              <p class="warn-text more-rows" role="alert">
                <span aria-hidden="true">⚠ </span>
                {t('dashboard.privacy.audit.more', { max: count(AUDIT_PAGE_MAX, language) })}
              </p>
            )}
            <DataTable
              title={t('dashboard.privacy.audit.table')}
              detail={t('dashboard.privacy.audit.rows', { count: page.rows.length, n: count(page.rows.length, language), days: rangeLabel(asked.from, asked.to, language) })}
              level={3}
              rows={page.rows}
              columns={columns}
              rowKey={(r) => String(r.seq)}
              exportName={`audit-log-${asked.from}-${asked.to}`}
              empty={t('dashboard.privacy.audit.empty')}
              initialSort={{ column: 'at', direction: 'descending' }}
              actions={
                <button type="button" class="secondary" onClick={() => downloadJson(page)}>
                  <span aria-hidden="true">⤓ </span>
                  {t('dashboard.privacy.downloadJson')}
                  <span class="visually-hidden">{t('dashboard.table.exportOf', { title: t('dashboard.privacy.audit.table') })}</span>
                </button>
              }
            />
          </>
        )}
      </Loaded>
    </section>
  );
}

/** How long the network keeps each kind of personal data: read-only here (`npm run admin -- retention:set` changes it). */
export function RetentionPeriods() {
  const { api } = useDashboard();
  const { t, language } = useT();
  const title = useId();
  const [load, retry] = useLoad('privacy-retention', () => api.retention());
  const days = (n: number) => t('dashboard.privacy.days', { count: n, n: count(n, language) });
  return (
    <section class="privacy-section no-print" aria-labelledby={title}>
      <h2 id={title}>{t('dashboard.privacy.retention.title')}</h2>
      <p class="section-detail">{t('dashboard.privacy.retention.detail')}</p>
      <Loaded load={load} retry={retry}>
        {(retention) => (
          <div class="table-scroll">
            <table class="retention-table" aria-labelledby={title}>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.privacy.retention.what')}</th>
                  <th scope="col">{t('dashboard.privacy.retention.kept')}</th>
                </tr>
              </thead>
              <tbody>
                {RETENTION_ORDER.map((field) => (
                  <tr key={field}>
                    <th scope="row">{t(`dashboard.privacy.retention.field.${field}`)}</th>
                    <td>{t(`dashboard.privacy.retention.rule.${field}`, { days: days(retention[field]) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}
