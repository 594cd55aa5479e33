import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { LANGUAGES, type Language } from '../../../domain/language.ts';
import { MAX_THANK_YOU_MS, MAX_WAIT_TARGET_MINUTES, type BranchAdd, type BranchEdit, type NetworkBranch, type NetworkRegion, type NetworkSettings, type NetworkView } from '../../../domain/manage-network.ts';
import { FIGURE_IDS, type FigureId } from '../../../domain/metrics.ts';
import { DEFAULT_VOICES, VOICE_LOCALES, type Voices } from '../../../domain/voice.ts';
import type { ApiFailure } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** Every IANA zone the browser knows, for the branch's time zone; UTC first. */
const timeZones = (): string[] => ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];

type Notice = { done: string | null; problem: string | null };

/**
 * Manage › Regions & branches (src/server/routes/manage-network.ts): head office's regions,
 * branches and the network's settings; a regional manager's own branches, whose settings they
 * may change. A branch added or moved changes which branches the viewer sees, so Me is loaded
 * again for the header's branch filter.
 */
export function Network({ refreshMe }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad('network', () => api.network());
  const [notice, setNotice] = useState<Notice>({ done: null, problem: null });
  const doneLine = useRef<HTMLParagraphElement>(null);

  const errorText = (reason: ApiFailure) => t(reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.network.errors.${reason}` : `dashboard.errors.${reason}`);
  const done = (message: string, { meChanged = false } = {}) => {
    reload();
    if (meChanged) refreshMe?.();
    setNotice({ done: message, problem: null });
    setTimeout(() => doneLine.current?.focus(), 0);
  };
  const failed = (reason: ApiFailure) => setNotice({ done: null, problem: errorText(reason) });

  return (
    <>
      <PageHeader title={t('dashboard.nav.network')} />
      <p class="page-intro">{t('dashboard.network.intro')}</p>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {notice.done}
      </p>
      <p class="error" role="alert">
        {notice.problem}
      </p>
      <Loaded load={load} retry={reload}>
        {(view) => (
          <>
            {view.mayShape && <Regions regions={view.regions} onDone={done} onFailed={failed} />}
            <Branches view={view} onDone={done} onFailed={failed} />
            {view.settings && <Settings settings={view.settings} onDone={done} onFailed={failed} />}
          </>
        )}
      </Loaded>
    </>
  );
}

type Outcome = { onDone: (message: string, options?: { meChanged?: boolean }) => void; onFailed: (reason: ApiFailure) => void };

function Regions({ regions, onDone, onFailed }: { regions: NetworkRegion[] } & Outcome) {
  const { api } = useDashboard();
  const { t } = useT();
  const [renaming, setRenaming] = useState<NetworkRegion | null>(null);
  const columns: Column<NetworkRegion>[] = [
    { id: 'name', header: t('dashboard.network.column.region'), rowHeader: true, cell: (r) => r.name, sort: (r) => r.name, csv: (r) => r.name },
    { id: 'branches', header: t('dashboard.network.column.branches'), numeric: true, cell: (r) => r.branchCount, sort: (r) => r.branchCount, csv: (r) => r.branchCount },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (r) => (
        <button type="button" class="quiet-action" aria-label={t('dashboard.network.renameNamed', { name: r.name })} onClick={() => setRenaming(r)}>
          {t('dashboard.network.rename')}
        </button>
      ),
    },
  ];
  return (
    <section class="network-section" aria-labelledby="network-regions">
      <h2 id="network-regions">{t('dashboard.network.regionsTitle')}</h2>
      <DataTable
        level={3}
        title={t('dashboard.network.regionsTable')}
        rows={regions}
        columns={columns}
        rowKey={(r) => r.id}
        exportName="regions"
        empty={t('dashboard.network.noRegions')}
        initialSort={{ column: 'name', direction: 'ascending' }}
      />
      {renaming ? (
        <NameForm
          key={renaming.id}
          title={t('dashboard.network.renameTitle', { name: renaming.name })}
          label={t('dashboard.network.regionName')}
          initial={renaming.name}
          submitLabel={t('dashboard.network.save')}
          taken={(name) => regions.some((r) => r.id !== renaming.id && r.name.toLowerCase() === name.toLowerCase())}
          onCancel={() => setRenaming(null)}
          onSubmit={async (name) => {
            const result = await api.renameRegion(renaming.id, { name });
            if (!result.ok) return onFailed(result.reason);
            setRenaming(null);
            onDone(t('dashboard.network.regionRenamed', { name }), { meChanged: true });
          }}
        />
      ) : (
        <NameForm
          title={t('dashboard.network.addRegionTitle')}
          label={t('dashboard.network.regionName')}
          initial=""
          submitLabel={t('dashboard.network.addRegion')}
          taken={(name) => regions.some((r) => r.name.toLowerCase() === name.toLowerCase())}
          onSubmit={async (name) => {
            const result = await api.addRegion({ name });
            if (!result.ok) return onFailed(result.reason);
            onDone(t('dashboard.network.regionAdded', { name }), { meChanged: true });
          }}
        />
      )}
    </section>
  );
}

function NameForm({ title, label, initial, submitLabel, taken, onSubmit, onCancel }: {
  title: string;
  label: string;
  initial: string;
  submitLabel: string;
  taken: (name: string) => boolean;
  onSubmit: (name: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t } = useT();
  const id = useId();
  const [name, setName] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (trimmed === '') return setProblem(t('dashboard.network.errors.name'));
    if (taken(trimmed)) return setProblem(t('dashboard.network.errors.regionTaken', { name: trimmed }));
    setProblem(null);
    setBusy(true);
    await onSubmit(trimmed);
    setBusy(false);
    if (!onCancel) setName('');
  };
  return (
    <div class="staff-add">
      <h3>{title}</h3>
      <form class="staff-form" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for={id}>{label}</label>
          <input id={id} value={name} maxLength={100} autoComplete="off" onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {submitLabel}
          </button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
              {t('dashboard.cancel')}
            </button>
          )}
        </div>
      </form>
      <p class="error" role="alert">
        {problem}
      </p>
    </div>
  );
}

function Branches({ view, onDone, onFailed }: { view: NetworkView } & Outcome) {
  const { api } = useDashboard();
  const { t } = useT();
  const [editing, setEditing] = useState<NetworkBranch | null>(null);
  const yesNo = (value: boolean) => t(value ? 'dashboard.yes' : 'dashboard.no');
  const columns: Column<NetworkBranch>[] = [
    { id: 'name', header: t('dashboard.network.column.branch'), rowHeader: true, cell: (b) => b.name, sort: (b) => b.name, csv: (b) => b.name },
    { id: 'timeZone', header: t('dashboard.network.column.timeZone'), cell: (b) => b.timeZone, sort: (b) => b.timeZone, csv: (b) => b.timeZone },
    { id: 'language', header: t('dashboard.network.column.language'), cell: (b) => t(`language.names.${b.defaultLanguage}`), sort: (b) => b.defaultLanguage, csv: (b) => b.defaultLanguage },
    { id: 'thankYou', header: t('dashboard.network.column.thankYou'), numeric: true, cell: (b) => t('dashboard.network.seconds', { value: b.ratingCooldownMs / 1000 }), sort: (b) => b.ratingCooldownMs, csv: (b) => b.ratingCooldownMs / 1000 },
    { id: 'speech', header: t('dashboard.network.column.speech'), cell: (b) => yesNo(b.speech), sort: (b) => (b.speech ? 1 : 0), csv: (b) => yesNo(b.speech) },
    { id: 'counters', header: t('dashboard.network.column.counters'), numeric: true, cell: (b) => b.counters, sort: (b) => b.counters, csv: (b) => b.counters },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (b) => (
        <button type="button" class="quiet-action" aria-label={t('dashboard.network.editNamed', { name: b.name })} onClick={() => setEditing(b)}>
          {t('dashboard.network.edit')}
        </button>
      ),
    },
  ];
  // By region, in the regions' order, then the branches in none.
  const groups: { key: string; title: string; branches: NetworkBranch[] }[] = [
    ...view.regions.map((r) => ({ key: r.id, title: r.name, branches: view.branches.filter((b) => b.regionId === r.id) })),
    ...(view.mayShape ? [{ key: 'none', title: t('dashboard.network.noRegion'), branches: view.branches.filter((b) => b.regionId === null) }] : []),
  ];
  return (
    <section class="network-section" aria-labelledby="network-branches">
      <h2 id="network-branches">{t('dashboard.network.branchesTitle')}</h2>
      {groups.map((group) => (
        <DataTable
          key={group.key}
          level={3}
          title={group.title}
          rows={group.branches}
          columns={columns}
          rowKey={(b) => b.id}
          exportName={`branches-${group.title}`}
          empty={t('dashboard.network.noBranches')}
          initialSort={{ column: 'name', direction: 'ascending' }}
        />
      ))}
      {editing && (
        <BranchForm
          key={editing.id}
          view={view}
          branch={view.branches.find((b) => b.id === editing.id) ?? editing}
          onCancel={() => setEditing(null)}
          onSave={async (edit) => {
            const result = await api.editBranch(editing.id, edit);
            if (!result.ok) return onFailed(result.reason);
            setEditing(null);
            onDone(t('dashboard.network.branchSaved', { name: result.value.name }), { meChanged: edit.regionId !== undefined || edit.name !== undefined || edit.timeZone !== undefined });
          }}
        />
      )}
      {view.mayShape && !editing && (
        <BranchForm
          view={view}
          branch={null}
          onSave={async (input) => {
            const result = await api.addBranch(input as BranchAdd);
            if (!result.ok) return onFailed(result.reason);
            onDone(t('dashboard.network.branchAdded', { name: result.value.name }), { meChanged: true });
          }}
        />
      )}
    </section>
  );
}

/** What the branch form holds; the thank-you time in seconds as typed. */
type BranchDraft = { name: string; regionId: string; timeZone: string; defaultLanguage: Language; seconds: string; speech: boolean; voices: Voices; counterName: string };

const NO_REGION = '';

const draftOf = (branch: NetworkBranch | null, zone: string): BranchDraft =>
  branch
    ? { name: branch.name, regionId: branch.regionId ?? NO_REGION, timeZone: branch.timeZone, defaultLanguage: branch.defaultLanguage, seconds: String(branch.ratingCooldownMs / 1000), speech: branch.speech, voices: branch.voices, counterName: '' }
    : { name: '', regionId: NO_REGION, timeZone: zone, defaultLanguage: 'en', seconds: '3', speech: false, voices: { ...DEFAULT_VOICES }, counterName: '' };

/** Seconds as typed, to whole milliseconds a tablet accepts; null when it is not one. */
function thankYouMs(seconds: string): number | null {
  const value = Number(seconds.trim().replace(',', '.'));
  if (seconds.trim() === '' || !Number.isFinite(value)) return null;
  const ms = Math.round(value * 1000);
  return ms >= 0 && ms <= MAX_THANK_YOU_MS ? ms : null;
}

/** Adds a branch (branch null) or edits one; a new time zone is confirmed first, since it moves the branch's records to other days. */
function BranchForm({ view, branch, onSave, onCancel }: {
  view: NetworkView;
  branch: NetworkBranch | null;
  onSave: (change: BranchAdd | BranchEdit) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t } = useT();
  const { timeZone: viewerZone } = useDashboard();
  const ids = { name: useId(), region: useId(), zone: useId(), language: useId(), seconds: useId(), speech: useId(), counter: useId(), voices: useId() };
  const [draft, setDraft] = useState<BranchDraft>(() => draftOf(branch, viewerZone));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<BranchEdit | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const zones = useState(timeZones)[0];
  const set = <K extends keyof BranchDraft>(key: K, value: BranchDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    if (branch) heading.current?.focus();
  }, [branch]);

  const send = async (change: BranchAdd | BranchEdit) => {
    setBusy(true);
    setProblem(null);
    await onSave(change);
    setBusy(false);
    setConfirming(null);
    if (!branch) setDraft(draftOf(null, viewerZone));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const name = draft.name.trim();
    if (name === '') return setProblem(t('dashboard.network.errors.name'));
    const ms = thankYouMs(draft.seconds);
    if (ms === null) return setProblem(t('dashboard.network.errors.thankYou', { max: MAX_THANK_YOU_MS / 1000 }));
    const regionId = draft.regionId === NO_REGION ? null : draft.regionId;
    if (!branch) {
      const counterName = draft.counterName.trim();
      return void send({ name, regionId, timeZone: draft.timeZone, defaultLanguage: draft.defaultLanguage, ratingCooldownMs: ms, speech: draft.speech, voices: draft.voices, ...(counterName && { counterName }) });
    }
    const edit: BranchEdit = {};
    if (name !== branch.name) edit.name = name;
    if (view.mayShape && regionId !== branch.regionId) edit.regionId = regionId;
    if (draft.timeZone !== branch.timeZone) edit.timeZone = draft.timeZone;
    if (draft.defaultLanguage !== branch.defaultLanguage) edit.defaultLanguage = draft.defaultLanguage;
    if (ms !== branch.ratingCooldownMs) edit.ratingCooldownMs = ms;
    if (draft.speech !== branch.speech) edit.speech = draft.speech;
    const voices = Object.fromEntries(LANGUAGES.filter((l) => draft.voices[l] !== branch.voices[l]).map((l) => [l, draft.voices[l]]));
    if (Object.keys(voices).length > 0) edit.voices = voices;
    if (Object.keys(edit).length === 0) return onCancel?.();
    if (edit.timeZone !== undefined) return setConfirming(edit);
    void send(edit);
  };

  const titleId = useId();
  return (
    <section class={branch ? 'staff-edit' : 'staff-add'} aria-labelledby={titleId}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        {branch ? t('dashboard.network.editTitle', { name: branch.name }) : t('dashboard.network.addBranchTitle')}
      </h3>
      <form class="staff-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={ids.name}>{t('dashboard.network.branchName')}</label>
          <input id={ids.name} value={draft.name} maxLength={100} autoComplete="off" onInput={(e) => set('name', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={ids.region}>{t('dashboard.network.branchRegion')}</label>
          <select id={ids.region} value={draft.regionId} disabled={!view.mayShape} onChange={(e) => set('regionId', e.currentTarget.value)}>
            {view.mayShape && <option value={NO_REGION}>{t('dashboard.network.noRegion')}</option>}
            {view.regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.zone}>{t('dashboard.network.column.timeZone')}</label>
          <select id={ids.zone} value={draft.timeZone} onChange={(e) => set('timeZone', e.currentTarget.value)}>
            {(zones.includes(draft.timeZone) ? zones : [draft.timeZone, ...zones]).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.language}>{t('dashboard.network.column.language')}</label>
          <select id={ids.language} value={draft.defaultLanguage} onChange={(e) => set('defaultLanguage', e.currentTarget.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`language.names.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.seconds}>{t('dashboard.network.thankYouSeconds')}</label>
          <input id={ids.seconds} type="number" inputMode="decimal" min={0} max={MAX_THANK_YOU_MS / 1000} step={0.5} value={draft.seconds} aria-describedby={`${ids.seconds}-hint`} onInput={(e) => set('seconds', e.currentTarget.value)} />
        </div>
        <div class="field field-check">
          <input id={ids.speech} type="checkbox" checked={draft.speech} onChange={(e) => set('speech', e.currentTarget.checked)} />
          <label for={ids.speech}>{t('dashboard.network.speech')}</label>
        </div>
        {!branch && (
          <div class="field">
            <label for={ids.counter}>{t('dashboard.network.firstCounter')}</label>
            <input id={ids.counter} value={draft.counterName} maxLength={100} autoComplete="off" onInput={(e) => set('counterName', e.currentTarget.value)} />
          </div>
        )}
        <fieldset class="network-voices">
          <legend>{t('dashboard.network.voices')}</legend>
          {LANGUAGES.map((l) => (
            <div class="field" key={l}>
              <label for={`${ids.voices}-${l}`}>{t(`language.names.${l}`)}</label>
              <select id={`${ids.voices}-${l}`} value={draft.voices[l]} onChange={(e) => set('voices', { ...draft.voices, [l]: e.currentTarget.value })}>
                {VOICE_LOCALES[l].map((locale) => (
                  <option key={locale} value={locale}>
                    {t(`dashboard.network.voice.${locale}`)}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </fieldset>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {branch ? t('dashboard.network.save') : t('dashboard.network.addBranch')}
          </button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
              {t('dashboard.cancel')}
            </button>
          )}
        </div>
      </form>
      <p id={`${ids.seconds}-hint`} class="muted">
        {t('dashboard.network.thankYouHint')}
      </p>
      <p class="error" role="alert">
        {problem}
      </p>
      {confirming && branch && (
        <ConfirmDialog
          title={t('dashboard.network.zoneConfirmTitle', { name: branch.name })}
          confirmLabel={t('dashboard.network.zoneConfirm')}
          confirmClass="primary"
          busy={busy}
          onConfirm={() => void send(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>{t('dashboard.network.zoneConfirmDetail', { from: branch.timeZone, to: confirming.timeZone })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

type SettingsDraft = { replyWithinHours: string; notOnSpotWithinHours: string; targets: Record<FigureId, string>; waitTargetMinutes: string };

function Settings({ settings, onDone, onFailed }: { settings: NetworkSettings } & Outcome) {
  const { api } = useDashboard();
  const { t } = useT();
  const ids = { reply: useId(), notOnSpot: useId(), target: useId(), wait: useId() };
  const [draft, setDraft] = useState<SettingsDraft>(() => ({
    replyWithinHours: String(settings.deadlines.replyWithinHours),
    notOnSpotWithinHours: String(settings.deadlines.notOnSpotWithinHours),
    targets: Object.fromEntries(FIGURE_IDS.map((id) => [id, String(settings.targets[id])])) as Record<FigureId, string>,
    waitTargetMinutes: String(settings.waitTargetMinutes),
  }));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const reply = Number(draft.replyWithinHours);
    const notOnSpot = Number(draft.notOnSpotWithinHours);
    const hoursOk = (h: number) => Number.isInteger(h) && h >= 1 && h <= 720;
    if (!hoursOk(reply) || !hoursOk(notOnSpot)) return setProblem(t('dashboard.network.errors.hours'));
    if (notOnSpot < reply) return setProblem(t('dashboard.network.errors.notOnSpotShorter'));
    const targets = Object.fromEntries(FIGURE_IDS.map((id) => [id, Number(draft.targets[id].trim().replace(',', '.'))])) as Record<FigureId, number>;
    if (FIGURE_IDS.some((id) => draft.targets[id].trim() === '' || !(targets[id] >= 0 && targets[id] <= 100))) return setProblem(t('dashboard.network.errors.percent'));
    const waitTargetMinutes = Number(draft.waitTargetMinutes.trim());
    if (draft.waitTargetMinutes.trim() === '' || !Number.isInteger(waitTargetMinutes) || waitTargetMinutes < 1 || waitTargetMinutes > MAX_WAIT_TARGET_MINUTES) {
      return setProblem(t('dashboard.network.errors.waitTarget', { max: MAX_WAIT_TARGET_MINUTES }));
    }
    setProblem(null);
    setBusy(true);
    const result = await api.setNetworkSettings({ replyWithinHours: reply, notOnSpotWithinHours: notOnSpot, targets, waitTargetMinutes });
    setBusy(false);
    if (!result.ok) return onFailed(result.reason);
    onDone(t('dashboard.network.settingsSaved'));
  };

  return (
    <section class="network-section" aria-labelledby="network-settings">
      <h2 id="network-settings">{t('dashboard.network.settingsTitle')}</h2>
      <p class="muted">{t('dashboard.network.settingsDetail')}</p>
      <form class="staff-form staff-add" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for={ids.reply}>{t('dashboard.network.replyWithinHours')}</label>
          <input id={ids.reply} type="number" min={1} max={720} step={1} value={draft.replyWithinHours} onInput={(e) => setDraft({ ...draft, replyWithinHours: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for={ids.notOnSpot}>{t('dashboard.network.notOnSpotWithinHours')}</label>
          <input id={ids.notOnSpot} type="number" min={1} max={720} step={1} value={draft.notOnSpotWithinHours} onInput={(e) => setDraft({ ...draft, notOnSpotWithinHours: e.currentTarget.value })} />
        </div>
        {FIGURE_IDS.map((id) => (
          <div class="field" key={id}>
            <label for={`${ids.target}-${id}`}>{t(`dashboard.network.target.${id}`)}</label>
            <input
              id={`${ids.target}-${id}`}
              type="number"
              min={0}
              max={100}
              step={0.5}
              value={draft.targets[id]}
              onInput={(e) => setDraft({ ...draft, targets: { ...draft.targets, [id]: e.currentTarget.value } })}
            />
          </div>
        ))}
        <div class="field">
          <label for={ids.wait}>{t('dashboard.network.waitTarget')}</label>
          <input
            id={ids.wait}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_WAIT_TARGET_MINUTES}
            step={1}
            value={draft.waitTargetMinutes}
            aria-describedby={`${ids.wait}-hint`}
            onInput={(e) => setDraft({ ...draft, waitTargetMinutes: e.currentTarget.value })}
          />
        </div>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {t('dashboard.network.saveSettings')}
          </button>
        </div>
      </form>
      <p id={`${ids.wait}-hint`} class="muted">
        {t('dashboard.network.waitTargetHint')}
      </p>
      <p class="error" role="alert">
        {problem}
      </p>
    </section>
  );
}
