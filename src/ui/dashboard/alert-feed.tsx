import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AlertStreamMessage, AlertView } from '../../domain/alerts.ts';
import type { Me } from '../../domain/reports.ts';
import { createChime, rememberSound, soundWanted, type Chime } from './alert-sound.ts';
import { headline, isOpen, notifies, placeOf, sounds } from './alert-view.ts';
import { openAlertStream, type StreamState } from './alerts-stream.ts';
import { backoffDelay } from '../../sync/backoff.ts';
import { useRouter } from './router.tsx';
import { useDashboard, useT } from './services.tsx';

/**
 * The live alerts of the whole dashboard, kept by the Shell so that they arrive on every page:
 * the open alerts the viewer may see (the navigation's count), the stream's state, the latest
 * notice (the banner at the top), and the Sound switch. The Alerts page listens here for the
 * same messages rather than opening a second stream.
 */
export interface AlertFeed {
  state: StreamState;
  /** Open alerts the viewer may see, every branch of theirs; null until the first list came. */
  open: AlertView[] | null;
  /** The latest message worth a notice, until dismissed. */
  notice: AlertStreamMessage | null;
  dismiss(): void;
  sound: boolean;
  /** Called from the switch's click: the gesture that lets the page play sound. */
  setSound(on: boolean): void;
  /** Every message of the stream, in order; answers the unsubscribe. */
  listen(listener: (message: AlertStreamMessage) => void): () => void;
}

const FeedContext = createContext<AlertFeed | null>(null);

/** The feed; null outside the Shell (a page rendered on its own in a test). */
export const useAlertFeed = (): AlertFeed | null => useContext(FeedContext);

/** How many open alerts the navigation's count asks for at most: more is shown as "99+". */
const OPEN_LIMIT = 100;

/**
 * The feed's state, for the Shell to hold and hand down with <AlertFeedContext.Provider>. A
 * hook of the Shell rather than a component wrapping the pages: Preact's useId gives the same
 * id twice to fields under children passed through a component that re-renders on its own
 * (the header's Branch select and a form's field shared one), so the Shell re-renders whole.
 */
export function useAlertFeedState(me: Me, givenChime?: Chime): AlertFeed {
  const { api } = useDashboard();
  const [state, setState] = useState<StreamState>('connecting');
  const [open, setOpen] = useState<AlertView[] | null>(null);
  const [notice, setNotice] = useState<AlertStreamMessage | null>(null);
  const [sound, setSoundState] = useState(() => soundWanted());
  const listeners = useRef(new Set<(message: AlertStreamMessage) => void>());
  const chime = useMemo(() => givenChime ?? createChime(), [givenChime]);
  const soundOn = useRef(sound);
  soundOn.current = sound;
  const role = me.role;

  useEffect(() => {
    let stream: { close(): void } | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let live = true;
    let attempt = 0;
    const start = async () => {
      const list = await api.alerts({ state: 'open', limit: OPEN_LIMIT, background: true });
      if (!live) return;
      // The session ended: the page says so at the viewer's next step; asking again would only be refused again.
      if (!list.ok && list.reason === 'unauthorized') return setState('reconnecting');
      if (!list.ok) {
        // No list, no cursor: the stream would not know where to start. The list is asked again, with the backoff.
        setState('reconnecting');
        timer = setTimeout(() => void start(), backoffDelay(++attempt));
        return;
      }
      setOpen(list.value.alerts.filter(isOpen));
      stream = openAlertStream({
        open: api.alertEvents,
        after: list.value.cursor,
        onState: setState,
        onMessage(message) {
          setOpen((current) => {
            const others = (current ?? []).filter((a) => a.id !== message.alert.id);
            return isOpen(message.alert) ? [message.alert, ...others] : others;
          });
          if (notifies(message, role)) setNotice(message);
          if (soundOn.current && sounds(message, role)) chime.play();
          for (const listener of listeners.current) listener(message);
        },
      });
    };
    void start();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      stream?.close();
    };
  }, [api, role, chime]);

  const feed = useMemo<AlertFeed>(
    () => ({
      state,
      open,
      notice,
      dismiss: () => setNotice(null),
      sound,
      setSound(on) {
        if (on) chime.unlock();
        rememberSound(on);
        setSoundState(on);
      },
      listen(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [state, open, notice, sound, chime],
  );
  return feed;
}

export const AlertFeedContext = FeedContext;

/**
 * The notice at the top of every page: a new alert (or one escalated to the viewer's level)
 * in a few words, with a link to it on the Alerts page. A polite live region, present and
 * empty before anything arrives, so screen readers announce what appears in it.
 */
export function AlertBanner({ me }: { me: Me }) {
  const feed = useAlertFeed();
  const { href, navigate } = useRouter();
  const { t, language } = useT();
  const { timeZone } = useDashboard();
  const message = feed?.notice ?? null;
  const alert = message?.alert;
  const zone = alert ? (me.branches.find((b) => b.id === alert.branchId)?.timeZone ?? timeZone) : timeZone;
  const place = alert ? placeOf(alert, t) : null;
  return (
    // A polite live region without role="status": each page keeps its own status line, which its screen and tests find by that role.
    <div class={message ? 'alert-banner alert-banner-on' : 'alert-banner'} aria-live="polite" aria-atomic="false">
      {message && alert && (
        <>
          <p>
            <strong>{t(message.type === 'escalated' ? 'dashboard.alerts.banner.escalated' : alert.late ? 'dashboard.alerts.banner.late' : 'dashboard.alerts.banner.new')}</strong>{' '}
            {[headline(alert, t, language, zone), place, alert.branchName].filter(Boolean).join(' · ')}
          </p>
          <a
            href={`${href({ page: 'alerts' })}#alert-${alert.id}`}
            onClick={(event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              feed?.dismiss();
              navigate({ page: 'alerts' });
              focusWhenShown(`alert-${alert.id}`);
            }}
          >
            {t('dashboard.alerts.banner.see')}
          </a>
          <button type="button" class="quiet-action" onClick={() => feed?.dismiss()}>
            {t('dashboard.alerts.banner.dismiss')}
          </button>
        </>
      )}
    </div>
  );
}

/** Puts the focus on an element once the page shows it (the Alerts page loads its list first); gives up after two seconds. */
function focusWhenShown(id: string, until = performance.now() + 2000): void {
  const element = document.getElementById(id);
  if (element) {
    element.focus();
    element.scrollIntoView?.({ block: 'center' });
  } else if (performance.now() < until) requestAnimationFrame(() => focusWhenShown(id, until));
}

/** The navigation's count of open alerts the viewer may see: "3", said in full to a screen reader. */
export function AlertCount() {
  const feed = useAlertFeed();
  const { t } = useT();
  const open = feed?.open?.length ?? 0;
  if (open === 0) return null;
  return (
    <span class="db-nav-count">
      <span aria-hidden="true">{open >= OPEN_LIMIT ? `${OPEN_LIMIT - 1}+` : open}</span>
      <span class="visually-hidden">{t('dashboard.alerts.navCount', { count: open })}</span>
    </span>
  );
}
