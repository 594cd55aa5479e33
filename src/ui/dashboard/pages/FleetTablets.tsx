import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { TABLET_LABEL_MAX, type TabletEdit, type TabletReplacement } from '../../../domain/manage-tablets.ts';
import type { FleetDevice } from '../../../domain/reports.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { dateTime } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';

/**
 * Manage › tablets on the Devices page (src/server/routes/manage-tablets.ts): a tablet's place
 * label and counter, and a one-time link for the tablet that replaces it. The server checks
 * the viewer's scope; the page only offers what the fleet lists (the viewer's own tablets).
 */

/** A refusal of a tablet change in words: this change's own, or the dashboard's in general. */
export function useTabletErrorText(): (reason: string) => string {
  const { t } = useT();
  return (reason) => t(reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.tablets.errors.${reason}` : `dashboard.errors.${reason}`);
}

/** The label and, for a counter tablet, its counter, in a dialog; answers the tablet as saved. */
export function EditTablet({ device, name, onSaved, onCancel }: { device: FleetDevice; name: string; onSaved: (device: FleetDevice) => void; onCancel: () => void }) {
  const { api } = useDashboard();
  const { t } = useT();
  const errorText = useTabletErrorText();
  const ids = { label: useId(), labelHint: useId(), counter: useId(), counterHint: useId() };
  const [label, setLabel] = useState(device.placeLabel ?? '');
  const [counterId, setCounterId] = useState(device.counterId ?? '');
  const [counters, setCounters] = useState<{ id: string; name: string }[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const isCounter = device.mode === 'counter';

  useEffect(() => {
    if (!isCounter) return;
    let live = true;
    void api.tabletCounters(device.id).then((result) => {
      if (!live) return;
      if (result.ok) setCounters(result.value.counters);
      else setProblem(errorText(result.reason));
    });
    return () => {
      live = false;
    };
    // Once per dialog: the tablet does not change while it is open.
  }, [device.id]);

  const save = async () => {
    const trimmed = label.trim();
    if (trimmed.length > TABLET_LABEL_MAX) return setProblem(t('dashboard.tablets.errors.label'));
    const edit: TabletEdit = { label: trimmed === '' ? null : trimmed };
    if (isCounter && counterId !== '' && counterId !== device.counterId) edit.counterId = counterId;
    setBusy(true);
    setProblem(null);
    const result = await api.editTablet(device.id, edit);
    setBusy(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    onSaved(result.value);
  };

  const moving = isCounter && counterId !== '' && counterId !== device.counterId;
  return (
    <ConfirmDialog
      title={t('dashboard.tablets.editTitle', { device: name })}
      confirmLabel={busy ? t('dashboard.tablets.saving') : t('dashboard.tablets.save')}
      confirmClass="primary"
      busy={busy}
      error={problem}
      onConfirm={() => void save()}
      onCancel={onCancel}
    >
      <div class="tablet-form">
        <label for={ids.label}>{t('dashboard.tablets.label')}</label>
        <input
          id={ids.label}
          type="text"
          value={label}
          maxLength={TABLET_LABEL_MAX}
          aria-describedby={ids.labelHint}
          onInput={(e) => setLabel((e.target as HTMLInputElement).value)}
        />
        <p id={ids.labelHint} class="sub">
          {t('dashboard.tablets.labelHint')}
        </p>
        {isCounter && (
          <>
            <label for={ids.counter}>{t('dashboard.tablets.counter')}</label>
            {counters === null ? (
              <p class="muted">{t('dashboard.tablets.loadingCounters')}</p>
            ) : (
              <select id={ids.counter} value={counterId} aria-describedby={ids.counterHint} onChange={(e) => setCounterId((e.target as HTMLSelectElement).value)}>
                {counters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
            <p id={ids.counterHint} class="sub">
              {t('dashboard.tablets.counterHint')}
            </p>
            {moving && (
              <p class="warn-text">
                <span aria-hidden="true">⚠ </span>
                {t('dashboard.tablets.moveWarning')}
              </p>
            )}
          </>
        )}
      </div>
    </ConfirmDialog>
  );
}

/** The question before a replacement link is made; answers the link. */
export function ReplaceTablet({ device, name, place, onMade, onCancel }: {
  device: FleetDevice;
  name: string;
  place: string;
  onMade: (replacement: TabletReplacement) => void;
  onCancel: () => void;
}) {
  const { api } = useDashboard();
  const { t } = useT();
  const errorText = useTabletErrorText();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const make = async () => {
    setBusy(true);
    setProblem(null);
    const result = await api.replaceTablet(device.id);
    setBusy(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    onMade(result.value);
  };

  const unsynced = device.health?.outboxDepth ?? 0;
  return (
    <ConfirmDialog
      title={t('dashboard.tablets.replaceTitle', { device: name })}
      confirmLabel={t('dashboard.tablets.replaceConfirm')}
      busy={busy}
      error={problem}
      onConfirm={() => void make()}
      onCancel={onCancel}
    >
      <p>{t('dashboard.tablets.replaceDetail', { place, branch: device.branchName })}</p>
      <p class="warn-text">
        <span aria-hidden="true">⚠ </span>
        {t('dashboard.tablets.replaceSyncFirst')}
        {unsynced > 0 && <> {t('dashboard.tablets.replaceUnsynced', { count: unsynced })}</>}
      </p>
    </ConfirmDialog>
  );
}

/** A replacement's link and QR code, above the fleet, until it is dismissed: shown once, never stored. */
export function ReplacementLink({ replacement, name, onDone }: { replacement: TabletReplacement; name: string; onDone: () => void }) {
  const { t, language } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  const place = replacement.place ?? t('dashboard.tablets.lobby');
  // What was asked for: a screen reader goes on from its heading, once the dialog has given the focus back.
  useEffect(() => {
    const timer = setTimeout(() => heading.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [replacement.code]);
  return (
    <section class="tablet-replacement" aria-labelledby="tablet-replacement-title" data-testid="tablet-replacement">
      <h2 id="tablet-replacement-title" ref={heading} tabIndex={-1}>
        {t('dashboard.tablets.replacementTitle', { device: name })}
      </h2>
      <div class="tablet-replacement-body">
        <img class="enroll-qr" src={'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(replacement.qrSvg)} alt={t('dashboard.tablets.replacementQrAlt', { place })} />
        <div class="tablet-replacement-text">
          <p>{t('dashboard.tablets.replacementNote', { at: dateTime(replacement.expiresAt, language) })}</p>
          <p class="enroll-code-label">{t('dashboard.tablets.code')}</p>
          <p class="enroll-code" lang="en">
            {replacement.code}
          </p>
          <p class="enroll-code-label">{t('dashboard.tablets.link')}</p>
          <p class="tablet-replacement-link">
            <a href={replacement.link} lang="en" rel="noreferrer">
              {replacement.link}
            </a>
          </p>
          <p class="warn-text">
            <span aria-hidden="true">⚠ </span>
            {t('dashboard.tablets.replaceSyncFirst')}
          </p>
          <button type="button" class="secondary" onClick={onDone}>
            {t('dashboard.tablets.done')}
          </button>
        </div>
      </div>
    </section>
  );
}
