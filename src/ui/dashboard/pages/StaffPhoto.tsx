import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { StaffChange, StaffMember } from '../../../domain/manage.ts';
import { CAMERA_CONSTRAINTS, cameraProblemOf, PHOTO_SIZE, squarePhotoOfFile, squarePhotoOfVideo, stopCamera, type CameraProblem } from '../photo.ts';
import { keepFocusIn } from '../components/ConfirmDialog.tsx';
import { useDashboard, useT } from '../services.tsx';

const PHOTO_TYPES = 'image/jpeg,image/png,image/webp';

/** Where the new photo comes from when the dialog opens. */
type Start = { from: 'camera' } | { from: 'file'; file: File };

/**
 * A member's photo in the Edit panel: from a file or from the laptop's or tablet's camera,
 * either way cropped to its centred square and made small in the browser (photo.ts), shown
 * in a dialog as the tablets will show it, and sent only when the manager says "Use photo".
 */
export function StaffPhoto({ member, busy, errorText, onDone }: {
  member: StaffMember;
  /** The Edit panel is sending something else. */
  busy: boolean;
  errorText: (reason: string) => string;
  onDone: (change: StaffChange, message: string) => void;
}) {
  const { api } = useDashboard();
  const { t } = useT();
  const fileId = useId();
  const [start, setStart] = useState<Start | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const save = async (photo: string | null) => {
    setSaving(true);
    setProblem(null);
    const result = await api.setStaffPhoto(member.id, photo);
    setSaving(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    setStart(null);
    onDone(result.value, t(photo === null ? 'dashboard.staff.photoRemoved' : 'dashboard.staff.photoSet', { name: member.name }));
  };

  const chooseFile = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    // The same file chosen again after Cancel is a change too.
    input.value = '';
    if (!file) return;
    setProblem(null);
    setStart({ from: 'file', file });
  };

  return (
    <div class="staff-photo">
      <label for={fileId}>{t('dashboard.staff.photo', { answer: t(member.hasPhoto ? 'dashboard.yes' : 'dashboard.no') })}</label>
      <input id={fileId} type="file" accept={PHOTO_TYPES} disabled={busy || saving} onChange={(e) => chooseFile(e.currentTarget)} />
      <button
        type="button"
        class="secondary"
        disabled={busy || saving}
        onClick={() => {
          setProblem(null);
          setStart({ from: 'camera' });
        }}
      >
        {t('dashboard.camera.open')}
      </button>
      {member.hasPhoto && (
        <button type="button" class="secondary" disabled={busy || saving} onClick={() => void save(null)}>
          {t('dashboard.staff.removePhoto')}
        </button>
      )}
      <p class="muted">{t('dashboard.staff.photoHint')}</p>
      {start === null && problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {start && (
        <PhotoDialog
          name={member.name}
          start={start}
          saving={saving}
          error={problem}
          onUse={(photo) => void save(photo)}
          onCancel={() => {
            setProblem(null);
            setStart(null);
          }}
        />
      )}
    </div>
  );
}

type Stage =
  | { is: 'starting' }
  | { is: 'live' }
  | { is: 'reading' }
  | { is: 'taken'; photo: string; from: 'camera' | 'file' }
  | { is: 'problem'; problem: CameraProblem | 'file' };

/**
 * The new photo before it is sent: the camera's live picture, cut to the square the roster
 * keeps, with Take photo, then the photo itself with Retake and Use photo; or the square of a
 * chosen file. A camera that cannot start says why (none, not allowed, in use elsewhere) and
 * offers a file instead. Modal like ConfirmDialog: the focus stays inside, Escape cancels,
 * and on cancel it goes back to the button that opened it. The camera is off once it closes.
 */
export function PhotoDialog({ name, start, saving, error, onUse, onCancel }: {
  name: string;
  start: Start;
  saving: boolean;
  error: string | null;
  onUse: (photo: string) => void;
  onCancel: () => void;
}) {
  const { t } = useT();
  const ids = { title: useId(), body: useId(), file: useId() };
  const box = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  const use = useRef<HTMLButtonElement>(null);
  const takeButton = useRef<HTMLButtonElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [stage, setStage] = useState<Stage>(start.from === 'camera' ? { is: 'starting' } : { is: 'reading' });
  // Bumped by Retake and Try again: the camera starts anew for each.
  const [attempt, setAttempt] = useState(0);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    // The camera's answer is Take photo (it waits for the picture); a file's is Cancel until it is read.
    (takeButton.current ?? first.current)?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const readFile = (file: File) => {
    setStage({ is: 'reading' });
    void squarePhotoOfFile(file).then((photo) => setStage(photo === null ? { is: 'problem', problem: 'file' } : { is: 'taken', photo, from: 'file' }));
  };

  useEffect(() => {
    if (start.from === 'file') readFile(start.file);
  }, []);

  // The camera: on while the dialog asks for a picture from it, and off when it closes.
  const wantsCamera = stage.is === 'starting' || stage.is === 'live';
  useEffect(() => {
    if (!wantsCamera || stream.current !== null) return;
    let closed = false;
    setReady(false);
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (typeof media?.getUserMedia !== 'function') {
      setStage({ is: 'problem', problem: 'unsupported' });
      return;
    }
    media.getUserMedia(CAMERA_CONSTRAINTS).then(
      (opened) => {
        if (closed) return stopCamera(opened);
        stream.current = opened;
        // A camera unplugged, or taken by the system, while it shows.
        for (const track of opened.getVideoTracks()) track.addEventListener('ended', () => setStage({ is: 'problem', problem: 'failed' }));
        setStage({ is: 'live' });
      },
      (failure: unknown) => {
        if (!closed) setStage({ is: 'problem', problem: cameraProblemOf(failure) });
      },
    );
    return () => {
      closed = true;
    };
  }, [wantsCamera, attempt]);

  useEffect(() => {
    if (stage.is === 'live' && video.current && stream.current) video.current.srcObject = stream.current;
    if (!wantsCamera) {
      stopCamera(stream.current);
      stream.current = null;
    }
  }, [stage.is]);

  useEffect(() => () => stopCamera(stream.current), []);

  // Where the focus goes when the dialog's question changes: to what answers it.
  useEffect(() => {
    if (stage.is === 'taken') use.current?.focus();
    else if (stage.is === 'problem') fileInput.current?.focus();
    else if (stage.is === 'starting' && attempt > 0) takeButton.current?.focus();
  }, [stage.is]);

  const take = () => {
    if (!ready || !video.current) return;
    const photo = squarePhotoOfVideo(video.current);
    if (photo === null) return;
    setStage({ is: 'taken', photo, from: 'camera' });
  };

  const again = () => {
    setAttempt((n) => n + 1);
    setStage({ is: 'starting' });
  };

  const cancel = () => {
    if (saving) return;
    stopCamera(stream.current);
    stream.current = null;
    onCancel();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      cancel();
      return;
    }
    keepFocusIn(event, box.current);
  };

  const status =
    stage.is === 'starting' ? t('dashboard.camera.starting')
    : stage.is === 'live' ? (ready ? t('dashboard.camera.live') : t('dashboard.camera.starting'))
    : stage.is === 'reading' ? t('dashboard.camera.reading')
    : stage.is === 'taken' ? t(stage.from === 'camera' ? 'dashboard.camera.taken' : 'dashboard.camera.fromFile')
    : '';

  return (
    <div class="db-overlay">
      <div ref={box} class="db-dialog camera-dialog" role="dialog" aria-modal="true" aria-labelledby={ids.title} aria-describedby={ids.body} aria-busy={saving} onKeyDown={onKeyDown}>
        <h2 id={ids.title}>{t('dashboard.camera.title', { name })}</h2>
        <p id={ids.body} class="muted">
          {t('dashboard.camera.intro', { size: PHOTO_SIZE })}
        </p>
        {(wantsCamera || stage.is === 'taken') && (
          <div class="camera-frame">
            {wantsCamera && (
              <video
                ref={video}
                class="camera-live"
                aria-label={t('dashboard.camera.liveLabel')}
                autoPlay
                muted
                playsInline
                onLoadedMetadata={(e) => setReady(e.currentTarget.videoWidth > 0)}
                onPlaying={(e) => setReady(e.currentTarget.videoWidth > 0)}
              />
            )}
            {stage.is === 'taken' && <img class="camera-photo" src={stage.photo} width={PHOTO_SIZE} height={PHOTO_SIZE} alt={t('dashboard.camera.preview', { name })} />}
          </div>
        )}
        {stage.is === 'problem' && (
          <p class="camera-problem" role="alert">
            {t(stage.problem === 'file' ? 'dashboard.staff.errors.photo' : `dashboard.camera.problem.${stage.problem}`)}
          </p>
        )}
        <p class="camera-status" role="status">
          {status}
        </p>
        {stage.is === 'problem' && (
          <div class="field camera-file">
            <label for={ids.file}>{t('dashboard.camera.chooseFile')}</label>
            <input ref={fileInput} id={ids.file} type="file" accept={PHOTO_TYPES} onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) readFile(file);
            }} />
          </div>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="db-dialog-actions">
          {/* aria-disabled while busy, not disabled: a disabled button drops the focus out of the dialog. */}
          <button ref={first} type="button" class="secondary" onClick={cancel} aria-disabled={saving}>
            {t('dashboard.cancel')}
          </button>
          {stage.is === 'problem' && stage.problem !== 'file' && stage.problem !== 'unsupported' && (
            <button type="button" class="secondary" onClick={again}>
              {t('dashboard.camera.tryAgain')}
            </button>
          )}
          {wantsCamera && (
            <button ref={takeButton} type="button" class="primary" onClick={take} aria-disabled={!ready}>
              {t('dashboard.camera.take')}
            </button>
          )}
          {stage.is === 'taken' && stage.from === 'camera' && (
            <button type="button" class="secondary" onClick={() => !saving && again()} aria-disabled={saving}>
              {t('dashboard.camera.retake')}
            </button>
          )}
          {stage.is === 'taken' && (
            <button ref={use} type="button" class="primary" onClick={() => !saving && onUse(stage.photo)} aria-disabled={saving} aria-busy={saving}>
              {saving ? t('dashboard.camera.saving') : t('dashboard.camera.use')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
