import { useEffect, useState } from 'preact/hooks';

/** The time, renewed every minute: deadlines turn amber and red while a screen is open. */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
