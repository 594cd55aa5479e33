import { useState } from 'preact/hooks';
import { watchDevice } from '../store/device.ts';
import { CounterScreen } from './counter/CounterScreen.tsx';
import { LobbyScreen } from './lobby/LobbyScreen.tsx';
import { SetupScreen } from './setup/SetupScreen.tsx';
import { useServices } from './services.tsx';
import { useObservable } from './use-observable.ts';

/** Picks the screen from what the device is: not enrolled yet, a counter evaluator or the lobby's opinion box. */
export function App() {
  const { db } = useServices();
  const device = useObservable(() => watchDevice(db), [db]);
  // Setup stays on screen after enrollment until staff have read what it says.
  const [inSetup, setInSetup] = useState(false);
  if (device === undefined) return null;
  if (!device || inSetup) return <SetupScreen onEnrolling={() => setInSetup(true)} onStarted={() => setInSetup(false)} />;
  return device.identity.mode === 'lobby' ? <LobbyScreen device={device} /> : <CounterScreen device={device} />;
}
