/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

// The app shell, precached at install: the tablet starts with no network at all.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page address opens the app; the API is never answered from a cache. Business data
// never waits in a service-worker queue either: it lives in IndexedDB's outbox (Workbox's request queue drops requests after 7 days).
// The dashboard is online only, and its pages come from the server with their own
// Permissions-Policy (the camera for staff photos, plugins/security-headers.ts), which the
// cached shell's headers would take away on a tablet that also opens the dashboard.
// The phone page of a visit's survey code (VISIT_PATH) is the server's own HTML: a phone that
// once opened the app must still reach the server for it, not get the app's shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/dashboard(\/|\?|$)/, /^\/v\//] }));

// A new version waits until the page says the screen is idle (see ui/sw-bridge.ts).
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
