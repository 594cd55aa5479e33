import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { QueueRejectReason } from '../../../domain/queue.ts';
import type { QueueCounterView, QueueImportResult, QueueSetup, QueueSystemKey, QueueSystemView } from '../../../domain/queue-intake.ts';
import { MAX_QUEUE_CSV_BYTES, QUEUE_CSV_COLUMNS, QUEUE_EVENT_TYPES } from '../../../domain/queue-terms.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import type { ApiFailure } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ShownOnceDialog } from '../components/ShownOnceDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { bytes, count, dateTime, relative } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** What the queue system's codes look like (domain/queue.ts QueueCounterCodeSchema), checked here before asking. */
const QUEUE_CODE = /^[0-9A-Za-z][0-9A-Za-z._-]*$/;
const QUEUE_CODE_MAX = 16;
const SYSTEM_NAME_MAX = 60;

type Outcome = { onDone: (message: string) => void; onFailed: (reason: ApiFailure) => void };

/**
 * Manage › Queue system: how a branch's queue system (排队叫号) tells the server its tickets.
 * Each queue system gets a key, shown once, that it sends with every event; each counter is
 * mapped to the number the queue system calls it by; a day's export can be imported by hand.
 * Head office and a regional manager pick the branch in the filter; a branch manager's is theirs.
 */
export function QueueSystem({ branch }: PageProps) {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('dashboard.nav.queue')} branch={branch} />
      <p class="page-intro">{t('dashboard.queue.intro')}</p>
      {branch ? <QueueBranch branch={branch} key={branch.id} /> : <p class="empty">{t('dashboard.queue.pickBranch')}</p>}
    </>
  );
}

function QueueBranch({ branch }: { branch: BranchRef }) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad(`queue:${branch.id}`, () => api.queue(branch.id));
  const [notice, setNotice] = useState<{ done: string | null; problem: string | null }>({ done: null, problem: null });
  const doneLine = useRef<HTMLParagraphElement>(null);
  const outcome: Outcome = {
    onDone: (message) => {
      reload();
      setNotice({ done: message, problem: null });
      setTimeout(() => doneLine.current?.focus(), 0);
    },
    onFailed: (reason) => setNotice({ done: null, problem: failureText(reason, t) }),
  };
  return (
    <>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {notice.done}
      </p>
      <p class="error page-notice" role="alert">
        {notice.problem}
      </p>
      <Loaded load={load} retry={reload}>
        {(setup) => (
          <div class="queue-sections">
            <Received setup={setup} />
            <Systems branch={branch} systems={setup.systems} {...outcome} />
            <Codes counters={setup.counters} onSaved={(message) => outcome.onDone(message)} />
            <Import branch={branch} onImported={reload} />
            <HowTo counters={setup.counters} />
          </div>
        )}
      </Loaded>
    </>
  );
}

const failureText = (reason: ApiFailure, t: (key: string) => string): string =>
  t(reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.queue.errors.${reason}` : `dashboard.errors.${reason}`);

/** What the server heard from the branch's queue system: the last event, and today's count. */
function Received({ setup }: { setup: QueueSetup }) {
  const { t, language } = useT();
  const { now } = useDashboard();
  return (
    <section class="queue-section" aria-labelledby="queue-received">
      <h2 id="queue-received">{t('dashboard.queue.received.title')}</h2>
      <dl class="stat-grid">
        <div class="stat">
          <dt>{t('dashboard.queue.received.last')}</dt>
          <dd class="queue-last">
            {setup.lastEventAt === null ? (
              t('dashboard.queue.received.never')
            ) : (
              <>
                {relative(setup.lastEventAt, now(), language)}
                <span class="stat-formula">{dateTime(setup.lastEventAt, language)}</span>
              </>
            )}
          </dd>
        </div>
        <div class="stat">
          <dt>{t('dashboard.queue.received.today')}</dt>
          <dd>{count(setup.eventsToday, language)}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The branch's queue systems and their keys: make one (its key shown once), revoke one (asked first). */
function Systems({ branch, systems, onDone, onFailed }: { branch: BranchRef; systems: QueueSystemView[] } & Outcome) {
  const { api, now } = useDashboard();
  const { t, language } = useT();
  const ids = { name: useId(), hint: useId() };
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<QueueSystemKey | null>(null);
  const [revoking, setRevoking] = useState<QueueSystemView | null>(null);
  const field = useRef<HTMLInputElement>(null);

  const make = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > SYSTEM_NAME_MAX) {
      setProblem(t('dashboard.queue.errors.name', { max: SYSTEM_NAME_MAX }));
      field.current?.focus();
      return;
    }
    setProblem(null);
    setBusy(true);
    const result = await api.addQueueSystem(branch.id, trimmed);
    setBusy(false);
    if (!result.ok) return onFailed(result.reason);
    setName('');
    setMade(result.value);
    onDone(t('dashboard.queue.systems.made', { name: result.value.system.name }));
  };

  const revoke = async (system: QueueSystemView) => {
    if (busy) return;
    setBusy(true);
    const result = await api.revokeQueueSystem(system.id);
    setBusy(false);
    setRevoking(null);
    if (!result.ok) return onFailed(result.reason);
    onDone(t('dashboard.queue.systems.revoked', { name: system.name }));
  };

  const lastSeen = (s: QueueSystemView) => (s.lastSeenAt === null ? t('dashboard.queue.received.never') : relative(s.lastSeenAt, now(), language));
  const from = (s: QueueSystemView) => (s.lastSeenAt !== null && s.lastAddress ? t('dashboard.queue.systems.from', { address: s.lastAddress }) : null);
  const status = (s: QueueSystemView) => (s.revokedAt === null ? t('dashboard.queue.systems.active') : t('dashboard.queue.systems.revokedAt', { time: dateTime(s.revokedAt, language) }));
  const columns: Column<QueueSystemView>[] = [
    { id: 'name', header: t('dashboard.queue.systems.column.name'), rowHeader: true, cell: (s) => s.name, sort: (s) => s.name, csv: (s) => s.name },
    {
      id: 'made',
      header: t('dashboard.queue.systems.column.made'),
      cell: (s) => (
        <>
          {dateTime(s.createdAt, language)}
          <span class="sub">{t('dashboard.queue.systems.by', { by: s.createdBy })}</span>
        </>
      ),
      sort: (s) => s.createdAt,
      csv: [
        { header: t('dashboard.queue.systems.column.made'), value: (s) => dateTime(s.createdAt, language) },
        { header: t('dashboard.queue.systems.column.by'), value: (s) => s.createdBy },
      ],
    },
    {
      id: 'seen',
      header: t('dashboard.queue.systems.column.seen'),
      cell: (s) => (
        <>
          {lastSeen(s)}
          {from(s) && <span class="sub">{from(s)}</span>}
        </>
      ),
      sort: (s) => s.lastSeenAt,
      csv: [
        { header: t('dashboard.queue.systems.column.seen'), value: (s) => (s.lastSeenAt === null ? null : dateTime(s.lastSeenAt, language)) },
        { header: t('dashboard.queue.systems.column.address'), value: (s) => s.lastAddress },
      ],
    },
    {
      // The status and the way to revoke together: one column fewer on a narrow screen.
      id: 'status',
      header: t('dashboard.queue.systems.column.status'),
      cell: (s) => (
        <span class="queue-status">
          {s.revokedAt === null ? <strong class="queue-active">{status(s)}</strong> : <span class="muted">{status(s)}</span>}
          {s.revokedAt === null && (
            <button type="button" class="danger-quiet queue-action" disabled={busy} aria-label={t('dashboard.queue.systems.revokeNamed', { name: s.name })} onClick={() => setRevoking(s)}>
              {t('dashboard.queue.systems.revoke')}
            </button>
          )}
        </span>
      ),
      sort: (s) => (s.revokedAt === null ? 0 : 1),
      csv: status,
    },
  ];
  return (
    <section class="queue-section" aria-labelledby="queue-systems">
      <h2 id="queue-systems">{t('dashboard.queue.systems.title')}</h2>
      <p class="muted">{t('dashboard.queue.systems.detail')}</p>
      <DataTable
        level={3}
        title={t('dashboard.queue.systems.table', { branch: branch.name })}
        rows={systems}
        columns={columns}
        rowKey={(s) => s.id}
        exportName={`queue-systems-${branch.name}`}
        empty={t('dashboard.queue.systems.empty')}
        rowClass={(s) => (s.revokedAt === null ? undefined : 'row-revoked')}
        initialSort={{ column: 'status', direction: 'ascending' }}
      />
      <form class="staff-form queue-make" onSubmit={(event) => void make(event)} noValidate>
        <div class="field">
          <label for={ids.name}>{t('dashboard.queue.systems.name')}</label>
          <input
            ref={field}
            id={ids.name}
            value={name}
            maxLength={SYSTEM_NAME_MAX}
            autoComplete="off"
            aria-describedby={ids.hint}
            aria-invalid={problem !== null}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {t('dashboard.queue.systems.make')}
          </button>
        </div>
      </form>
      <p id={ids.hint} class="hint">
        {t('dashboard.queue.systems.nameHint')}
      </p>
      <p class="error" role="alert">
        {problem}
      </p>
      {revoking && (
        <ConfirmDialog
          title={t('dashboard.queue.systems.revokeTitle', { name: revoking.name })}
          confirmLabel={t('dashboard.queue.systems.revoke')}
          busy={busy}
          onCancel={() => setRevoking(null)}
          onConfirm={() => void revoke(revoking)}
        >
          <p>{t('dashboard.queue.systems.revokeDetail')}</p>
        </ConfirmDialog>
      )}
      {made && (
        <ShownOnceDialog
          title={t('dashboard.queue.key.title', { name: made.system.name })}
          secret={made.key}
          note={t('dashboard.queue.key.note')}
          texts="dashboard.queue.key"
          testId="queue-key"
          onClose={() => setMade(null)}
        />
      )}
    </section>
  );
}


/** Each counter and the number the queue system calls it by, edited in place. */
function Codes({ counters, onSaved }: { counters: QueueCounterView[]; onSaved: (message: string) => void }) {
  const { t } = useT();
  const mapped = counters.filter((c) => c.queueCode !== null).length;
  return (
    <section class="queue-section" aria-labelledby="queue-codes">
      <h2 id="queue-codes">{t('dashboard.queue.codes.title')}</h2>
      <p class="muted">{t('dashboard.queue.codes.detail')}</p>
      {counters.length === 0 ? (
        <p class="empty">{t('dashboard.queue.codes.empty')}</p>
      ) : (
        <>
          <p class="queue-mapped">{t('dashboard.queue.codes.mapped', { mapped, count: counters.length })}</p>
          <div class="table-scroll" role="region" aria-label={t('dashboard.queue.codes.caption')} tabIndex={0}>
            <table>
              <caption class="visually-hidden">{t('dashboard.queue.codes.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.column.counter')}</th>
                  <th scope="col">{t('dashboard.queue.codes.column.code')}</th>
                </tr>
              </thead>
              <tbody>
                {counters.map((counter) => (
                  <tr key={counter.id}>
                    <th scope="row">{counter.name}</th>
                    <td>
                      <CodeForm counter={counter} counters={counters} onSaved={onSaved} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function CodeForm({ counter, counters, onSaved }: { counter: QueueCounterView; counters: QueueCounterView[]; onSaved: (message: string) => void }) {
  const { api } = useDashboard();
  const { t } = useT();
  const ids = { code: useId(), problem: useId() };
  const [code, setCode] = useState(counter.queueCode ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // A fresh list (after a save, or another change) shows the code the server holds.
  useEffect(() => setCode(counter.queueCode ?? ''), [counter.queueCode]);

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const trimmed = code.trim();
    if (trimmed !== '' && (trimmed.length > QUEUE_CODE_MAX || !QUEUE_CODE.test(trimmed))) {
      setProblem(t('dashboard.queue.codes.errors.format', { max: QUEUE_CODE_MAX }));
      input.current?.focus();
      return;
    }
    const next = trimmed === '' ? null : trimmed;
    if (next === counter.queueCode) return setProblem(null);
    setProblem(null);
    setBusy(true);
    const result = await api.setQueueCode(counter.id, next);
    setBusy(false);
    if (result.ok) {
      onSaved(next === null ? t('dashboard.queue.codes.cleared', { counter: counter.name }) : t('dashboard.queue.codes.saved', { counter: counter.name, code: next }));
      return;
    }
    if (result.reason === 'conflict') {
      // The list on screen names the counter that has it; one changed meanwhile is "another counter".
      const holder = counters.find((c) => c.id !== counter.id && c.queueCode !== null && c.queueCode.toLowerCase() === trimmed.toLowerCase());
      setProblem(holder ? t('dashboard.queue.codes.errors.taken', { code: trimmed, counter: holder.name }) : t('dashboard.queue.codes.errors.takenOther', { code: trimmed }));
    } else setProblem(failureText(result.reason, t));
    input.current?.focus();
  };

  return (
    <form class="queue-code" onSubmit={(event) => void save(event)} noValidate>
      <input
        ref={input}
        id={ids.code}
        value={code}
        maxLength={QUEUE_CODE_MAX}
        autoComplete="off"
        spellcheck={false}
        aria-label={t('dashboard.queue.codes.label', { counter: counter.name })}
        aria-invalid={problem !== null}
        aria-describedby={ids.problem}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
      <button type="submit" class="secondary" disabled={busy} aria-busy={busy} aria-label={t('dashboard.queue.codes.saveNamed', { counter: counter.name })}>
        {t('dashboard.queue.codes.save')}
      </button>
      <span id={ids.problem} class="field-error" role="alert">
        {problem}
      </span>
    </form>
  );
}

/** The queue system's daily export, imported by hand: totals, and the first problems by line. */
function Import({ branch, onImported }: { branch: BranchRef; onImported: () => void }) {
  const { api } = useDashboard();
  const { t, language } = useT();
  const ids = { file: useId(), hint: useId(), result: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<QueueImportResult | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  const send = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setResult(null);
    if (!file) {
      setProblem(t('dashboard.queue.import.errors.noFile'));
      return input.current?.focus();
    }
    if (file.size > MAX_QUEUE_CSV_BYTES) {
      setProblem(t('dashboard.queue.import.errors.tooLarge', { size: bytes(file.size, language), max: bytes(MAX_QUEUE_CSV_BYTES, language) }));
      return input.current?.focus();
    }
    setProblem(null);
    setBusy(true);
    const answer = await api.importQueueCsv(branch.id, file);
    setBusy(false);
    if (!answer.ok) {
      // A 400 names the column the header lacks: the server's words, after ours.
      setProblem(answer.reason === 'bad-request' ? t('dashboard.queue.import.errors.refused', { message: answer.message }) : failureText(answer.reason, t));
      return;
    }
    setResult(answer.value);
    onImported();
    setTimeout(() => resultHeading.current?.focus(), 0);
  };

  const columns: Column<QueueImportResult['problems'][number]>[] = [
    { id: 'line', header: t('dashboard.queue.import.column.line'), rowHeader: true, numeric: true, cell: (p) => count(p.line, language), sort: (p) => p.line, csv: (p) => p.line },
    { id: 'reason', header: t('dashboard.queue.import.column.reason'), cell: (p) => reasonText(p.reason, t), sort: (p) => p.reason, csv: (p) => reasonText(p.reason, t) },
    { id: 'message', header: t('dashboard.queue.import.column.message'), cell: (p) => <span lang="en">{p.message}</span>, csv: (p) => p.message },
  ];

  return (
    <section class="queue-section" aria-labelledby="queue-import">
      <h2 id="queue-import">{t('dashboard.queue.import.title')}</h2>
      <p class="muted">{t('dashboard.queue.import.detail', { columns: QUEUE_CSV_COLUMNS.join(', '), max: bytes(MAX_QUEUE_CSV_BYTES, language) })}</p>
      <form class="staff-form queue-import" onSubmit={(event) => void send(event)} noValidate>
        <div class="field">
          <label for={ids.file}>{t('dashboard.queue.import.file')}</label>
          <input
            ref={input}
            id={ids.file}
            type="file"
            accept=".csv,text/csv"
            aria-describedby={ids.hint}
            aria-invalid={problem !== null}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setProblem(null);
            }}
          />
        </div>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? t('dashboard.queue.import.busy') : t('dashboard.queue.import.send')}
          </button>
        </div>
      </form>
      <p id={ids.hint} class="hint">
        {t('dashboard.queue.import.hint')}
      </p>
      <p class="error" role="alert">
        {problem}
      </p>
      {result && (
        <div class="queue-result" aria-labelledby={ids.result}>
          <h3 id={ids.result} ref={resultHeading} tabIndex={-1}>
            {t('dashboard.queue.import.done', { count: result.total, n: count(result.total, language) })}
          </h3>
          <dl class="counts">
            <div>
              <dt>{t('dashboard.queue.import.stored')}</dt>
              <dd>{count(result.stored, language)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.queue.import.duplicate')}</dt>
              <dd>{count(result.duplicate, language)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.queue.import.rejected')}</dt>
              <dd>{count(result.rejected, language)}</dd>
            </div>
          </dl>
          {result.problems.length > 0 && (
            <DataTable
              level={3}
              title={t('dashboard.queue.import.problems', { count: result.problems.length })}
              detail={result.rejected > result.problems.length ? t('dashboard.queue.import.firstProblems', { shown: count(result.problems.length, language), all: count(result.rejected, language) }) : undefined}
              rows={result.problems}
              columns={columns}
              rowKey={(p) => `${p.line}:${p.reason}`}
              exportName={`queue-import-problems-${branch.name}`}
              empty=""
            />
          )}
        </div>
      )}
    </section>
  );
}

/** The refusals an import names in words (the compiler asks for a new one here); any other is "refused". */
const IMPORT_REASONS = { 'invalid-event': true, 'unknown-counter': true } as const satisfies Record<QueueRejectReason, true>;
const reasonText = (reason: string, t: (key: string) => string): string => t(reason in IMPORT_REASONS ? `dashboard.queue.import.reason.${reason}` : 'dashboard.queue.import.reason.other');

/** A request body as one reads it: an event a line. */
const sampleText = (body: { events: object[] }): string => `{\n  "events": [\n${body.events.map((event) => `    ${JSON.stringify(event)}`).join(',\n')}\n  ]\n}`;

/** How a queue system sends its events: the address, the header, the JSON shape, the types. */
function HowTo({ counters }: { counters: QueueCounterView[] }) {
  const { t } = useT();
  const url = `${location.origin}/api/queue/events`;
  const code = counters.find((c) => c.queueCode !== null)?.queueCode ?? '3';
  // Data, not prose: the shape a queue system posts, with a ticket issued and called.
  const sample = {
    events: [
      { ticket: 'A023', type: 'issued', at: '2026-12-07T09:15:02+08:00', service: 'deposits' },
      { ticket: 'A023', type: 'called', at: '2026-12-07T09:27:40+08:00', counter: code },
      { ticket: 'A023', type: 'started', at: '2026-12-07T09:28:05+08:00', counter: code },
      { ticket: 'A023', type: 'ended', at: '2026-12-07T09:34:51+08:00', counter: code },
    ],
  };
  return (
    <section class="queue-section queue-how" aria-labelledby="queue-how">
      <h2 id="queue-how">{t('dashboard.queue.how.title')}</h2>
      <ol class="queue-steps">
        <li>{t('dashboard.queue.how.key')}</li>
        <li>{t('dashboard.queue.how.codes')}</li>
        <li>
          {t('dashboard.queue.how.post')} <code class="queue-url">POST {url}</code>
          {t('dashboard.queue.how.header')} <code>Authorization: Bearer …</code>
        </li>
      </ol>
      <p>{t('dashboard.queue.how.shape', { types: QUEUE_EVENT_TYPES.join(', ') })}</p>
      <pre class="queue-sample" lang="en" tabIndex={0} aria-label={t('dashboard.queue.how.sample')}>
        {sampleText(sample)}
      </pre>
      <p class="muted">{t('dashboard.queue.how.answers')}</p>
    </section>
  );
}
