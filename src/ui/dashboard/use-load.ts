import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFailure, ApiResult } from './api.ts';

/** A report as a screen holds it: asked for, arrived, or refused with a reason. */
export type Load<T> =
  | { state: 'loading' }
  | { state: 'ok'; value: T; refreshing: boolean }
  | { state: 'error'; reason: ApiFailure; message: string };

/**
 * Asks the API for what `key` names and follows it: a new key asks again. While the next
 * answer is on its way the last one stays on screen (marked refreshing), so changing the
 * period does not blank the page; an answer to an older key is dropped, never shown.
 */
export function useLoad<T>(key: string | null, load: () => Promise<ApiResult<T>>): [Load<T>, () => void] {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setResult((previous) => (previous.state === 'ok' ? { ...previous, refreshing: true } : { state: 'loading' }));
    void loader.current().then((answer) => {
      if (ticket !== latest.current) return;
      setResult(answer.ok ? { state: 'ok', value: answer.value, refreshing: false } : { state: 'error', reason: answer.reason, message: answer.message });
    });
  }, [key, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return [result, reload];
}
