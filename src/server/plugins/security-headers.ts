import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The app's Content-Security-Policy. Vite emits the app as `<script type="module" src>` files
 * and one stylesheet, so nothing inline is needed: an injected `<script>` or `style=""` does
 * not run. Preact and uPlot set styles through the CSSOM (`el.style.width = …`), which CSP
 * does not govern. Teller photos travel in the roster as data: URLs (photos.ts).
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** API answers are JSON, never a document: opened in a tab, they may load and run nothing. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Powerful browser features the app never uses, switched off for its pages and anything they
 * embed: a script that slipped past the CSP still could not open the camera or microphone, read
 * the location, take a payment or reach a USB, serial, Bluetooth, HID or MIDI device plugged
 * into a tablet. Two stay allowed on purpose: `fullscreen`, since the manifest opens the
 * installed kiosk full screen, and `autoplay`, which governs media playback that the spoken
 * prompts for customers may be counted as. A feature the browser does not know is ignored
 * with a console warning (Chromium on Linux has no Web Bluetooth, so it warns about that one).
 */
export const PERMISSIONS_POLICY_DENIED = [
  'accelerometer',
  'bluetooth',
  'browsing-topics',
  'camera',
  'clipboard-read',
  'clipboard-write',
  'compute-pressure',
  'display-capture',
  'encrypted-media',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'usb',
  'window-management',
  'xr-spatial-tracking',
] as const;

/** `camera=(), microphone=(), …`: each feature allowed to no origin at all. */
export const PERMISSIONS_POLICY = PERMISSIONS_POLICY_DENIED.map((feature) => `${feature}=()`).join(', ');

/**
 * The dashboard's pages, and only they, may use the camera of this origin: a manager takes a
 * staff member's photo with the laptop's or tablet's camera (ui/dashboard/photo.ts), after the
 * browser's own prompt. The counter and lobby pages, where an injected script would face a
 * customer, keep every feature off; and they cannot frame the dashboard (frame-ancestors).
 */
export const DASHBOARD_PERMISSIONS_POLICY = PERMISSIONS_POLICY_DENIED.map((feature) => `${feature}=${feature === 'camera' ? '(self)' : '()'}`).join(', ');
const isDashboardPage = (url: string): boolean => /^\/dashboard(\/|\?|$)/.test(url);

/** A year, the usual HSTS lifetime; sent only over HTTPS, as browsers ignore it otherwise. */
export const HSTS = 'max-age=31536000';

/** Headers every answer carries, page or API. No Access-Control-* header: CORS stays closed. */
const ALWAYS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // frame-ancestors says the same to browsers that read CSP; this is for older kiosk WebViews.
  'x-frame-options': 'DENY',
  'permissions-policy': PERMISSIONS_POLICY,
};

const isApi = (url: string): boolean => /^\/api(\/|\?|$)/.test(url);

/** Sets the security headers on a reply, by what it answers: the API or the app. */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(ALWAYS);
  reply.header('content-security-policy', isApi(request.url) ? API_CSP : APP_CSP);
  if (isDashboardPage(request.url)) reply.header('permissions-policy', DASHBOARD_PERMISSIONS_POLICY);
  // request.protocol is 'https' on a TLS socket, or behind a proxy trusted with TRUST_PROXY that says so.
  if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
}

/**
 * Adds the security headers to every answer of the app: routes, static files, 404s and
 * errors. A hook on the root instance, so that every plugin registered after inherits it.
 */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => setSecurityHeaders(request, reply));
}
