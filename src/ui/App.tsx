import { useEffect, useState } from 'preact/hooks';
import { watchConnection } from '../store/connection.ts';
import { watchDevice } from '../store/device.ts';
import { rememberEnrollment } from '../store/enrollment-marker.ts';
import { CounterScreen } from './counter/CounterScreen.tsx';
import { UpgradedNotice } from './UpgradedNotice.tsx';
import { useServices } from './services.tsx';
import { useObservable } from './use-observable.ts';

/** Picks the screen from what the device is: not enrolled yet, a counter evaluator or the lobby's opinion box. */
export function App() {
  const { db, firstReading } = useServices();
  const device = useObservable(() => watchDevice(db), [db], firstReading?.device);
  // Setup stays on screen after enrollment until staff have read what it says.
  const [inSetup, setInSetup] = useState(false);
  // Each its own chunk, loaded only by a tablet that shows it: a counter tablet never
  // downloads the opinion box, and an enrolled one not the setup screen.
  const lobby = useModule(device?.identity.mode === 'lobby', () => import('./lobby/LobbyScreen.tsx'));
  const setup = useModule(device === null || inSetup, () => import('./setup/SetupScreen.tsx'));
  const [upgraded, setUpgraded] = useState(false);
  // A database deleted or closed under the app is opened afresh by watchConnection, and the
  // screens follow what is there (no device: the setup screen says it must be enrolled again);
  // a newer version of the app in another tab means this one must restart.
  useEffect(() => watchConnection(db, (loss) => loss === 'upgraded' && setUpgraded(true)), [db]);
  // Kept outside IndexedDB, so that a tablet whose database the browser deletes can say so.
  useEffect(() => void (device && rememberEnrollment(device)), [device]);
  if (upgraded) return <UpgradedNotice />;
  if (device === undefined) return null;
  if (!device || inSetup) return setup ? <setup.SetupScreen onEnrolling={() => setInSetup(true)} onStarted={() => setInSetup(false)} /> : null;
  if (device.identity.mode === 'lobby') return lobby ? <lobby.LobbyScreen device={device} /> : null;
  return <CounterScreen device={device} />;
}

/**
 * A screen's module, loaded the first time it is `wanted` and kept: the first JavaScript of a
 * counter tablet has a budget (84 KB gzipped;
 * docs/architecture.md, "Adding a screen"). The service worker precaches
 * every chunk, so the import works offline.
 */
function useModule<M>(wanted: boolean, load: () => Promise<M>): M | null {
  const [module, setModule] = useState<M | null>(null);
  useEffect(() => {
    if (wanted && !module) void load().then((loaded) => setModule(() => loaded));
  }, [wanted, module]);
  return module;
}
