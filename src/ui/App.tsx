import { useEffect, useState } from 'preact/hooks';
import { watchConnection } from '../store/connection.ts';
import { watchDevice } from '../store/device.ts';
import { rememberEnrollment } from '../store/enrollment-marker.ts';
import { CounterScreen } from './counter/CounterScreen.tsx';
// A type only: erased from the build, so the lobby stays out of the first chunk.
import type { LobbyScreen } from './lobby/LobbyScreen.tsx';
import { SetupScreen } from './setup/SetupScreen.tsx';
import { UpgradedNotice } from './UpgradedNotice.tsx';
import { useServices } from './services.tsx';
import { useObservable } from './use-observable.ts';

/** Picks the screen from what the device is: not enrolled yet, a counter evaluator or the lobby's opinion box. */
export function App() {
  const { db } = useServices();
  const device = useObservable(() => watchDevice(db), [db]);
  // Setup stays on screen after enrollment until staff have read what it says.
  const [inSetup, setInSetup] = useState(false);
  const lobby = useLobbyScreen(device?.identity.mode === 'lobby');
  const [upgraded, setUpgraded] = useState(false);
  // A database deleted or closed under the app is opened afresh by watchConnection, and the
  // screens follow what is there (no device: the setup screen says it must be enrolled again);
  // a newer version of the app in another tab means this one must restart.
  useEffect(() => watchConnection(db, (loss) => loss === 'upgraded' && setUpgraded(true)), [db]);
  // Kept outside IndexedDB, so that a tablet whose database the browser deletes can say so.
  useEffect(() => void (device && rememberEnrollment(device)), [device]);
  if (upgraded) return <UpgradedNotice />;
  if (device === undefined) return null;
  if (!device || inSetup) return <SetupScreen onEnrolling={() => setInSetup(true)} onStarted={() => setInSetup(false)} />;
  if (device.identity.mode === 'lobby') return lobby ? <lobby.LobbyScreen device={device} /> : null;
  return <CounterScreen device={device} />;
}

type LobbyModule = { LobbyScreen: typeof LobbyScreen };

/**
 * The opinion box is its own chunk, loaded only by a lobby tablet: a counter tablet never
 * downloads it (docs/architecture.md, "Adding a screen"). The service worker precaches it, so the
 * import works offline.
 */
function useLobbyScreen(wanted: boolean): LobbyModule | null {
  const [module, setModule] = useState<LobbyModule | null>(null);
  useEffect(() => {
    if (wanted && !module) void import('./lobby/LobbyScreen.tsx').then((loaded) => setModule(() => loaded));
  }, [wanted, module]);
  return module;
}
