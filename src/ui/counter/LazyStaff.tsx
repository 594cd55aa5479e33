import type { ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';
// Types only: erased from the build, so the staff screens stay out of the counter's first chunk.
import type * as Screens from './staff-screens.ts';

type SignInView = typeof Screens.SignInView;
type StaffMenu = typeof Screens.StaffMenu;

/**
 * The teller's sign-in and the staff menu, loaded when staff open them: a customer never does,
 * and the counter's first JavaScript has a budget. The service worker precaches the chunk, so
 * they open offline too. One load serves both.
 */
let loading: Promise<typeof Screens> | null = null;
const load = () => (loading ??= import('./staff-screens.ts'));

function useScreens(): typeof Screens | null {
  const [screens, setScreens] = useState<typeof Screens | null>(null);
  useEffect(() => {
    let current = true;
    void load().then((loaded) => current && setScreens(() => loaded));
    return () => {
      current = false;
    };
  }, []);
  return screens;
}

export function LazySignInView(props: ComponentProps<SignInView>) {
  const screens = useScreens();
  return screens ? <screens.SignInView {...props} /> : <section class="panel sign-in" aria-busy="true" />;
}

export function LazyStaffMenu(props: ComponentProps<StaffMenu>) {
  const screens = useScreens();
  return screens ? <screens.StaffMenu {...props} /> : <div class="overlay" aria-busy="true" />;
}
