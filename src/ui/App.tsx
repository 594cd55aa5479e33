import { useState } from 'preact/hooks';
import { watchDevice } from '../store/device.ts';
import { CounterScreen } from './counter/CounterScreen.tsx';
import { SetupScreen } from './setup/SetupScreen.tsx';
import { useServices } from './services.tsx';
import { useObservable } from './use-observable.ts';

/** Picks the screen from what the device is: not enrolled yet, or a counter evaluator. */
export function App() {
  const { db } = useServices();
  const device = useObservable(() => watchDevice(db), [db]);
  // Setup stays on screen after enrollment until staff have read what it says.
  const [inSetup, setInSetup] = useState(false);
  if (device === undefined) return null;
  if (!device || inSetup) return <SetupScreen onEnrolling={() => setInSetup(true)} onStarted={() => setInSetup(false)} />;
  return <CounterScreen device={device} />;
}
