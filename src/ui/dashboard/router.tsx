import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { parseRoute, routeUrl, type DashboardRoute } from './route.ts';

/**
 * Follows the browser's address: a page and its filters live in the URL (route.ts), so the
 * back button, a bookmark and a reload all land on the same view.
 */
export interface Router {
  route: DashboardRoute;
  /** Goes to a view: a new history entry, or the current one replaced (a corrected address). */
  navigate: (change: Partial<DashboardRoute>, options?: { replace?: boolean }) => void;
  /** The address of a view, for links that open in a new tab too. */
  href: (change: Partial<DashboardRoute>) => string;
}

const RouterContext = createContext<Router | null>(null);

const current = (): DashboardRoute => parseRoute(location.pathname, location.search);

export function RouterProvider({ children }: { children: ComponentChildren }) {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onPop = () => setRoute(current());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const href = useCallback((change: Partial<DashboardRoute>) => routeUrl({ ...route, ...change }), [route]);
  const navigate = useCallback(
    (change: Partial<DashboardRoute>, options: { replace?: boolean } = {}) => {
      const url = routeUrl({ ...route, ...change });
      if (url === location.pathname + location.search) return;
      if (options.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      // Read back from the address, so the state is exactly what a reload would give.
      setRoute(current());
    },
    [route],
  );
  const router = useMemo(() => ({ route, navigate, href }), [route, navigate, href]);
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter() used outside <RouterProvider>');
  return router;
}
