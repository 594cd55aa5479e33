import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';
import { err, ok, type Result } from '../domain/result.ts';

/**
 * Whether what crosses the network is readable by others on it. The server speaks HTTPS with
 * TLS_CERT/TLS_KEY; behind a reverse proxy that speaks HTTPS (TRUST_PROXY) the LAN sees only
 * TLS; on a loopback address nothing leaves the machine. Anything else is plain HTTP on the
 * branch's network: the tablets' tokens, staff PINs, dashboard passwords and cookies, and
 * customers' contact details, in clear for anyone on it (decision 0015).
 */
export type Transport = { host: string; tls: boolean; trustProxy: boolean | string };

/** True when the server would serve plain HTTP to other machines. */
export function isPlainHttpBeyondLoopback({ host, tls, trustProxy }: Transport): boolean {
  return !tls && trustProxy === false && !isLoopbackHost(host);
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (also written out, or as ::ffff:127.x.y.z) and localhost: this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIPv4(bare)) return LOOPBACK.check(bare, 'ipv4');
  return isIPv6(bare) && LOOPBACK.check(bare, 'ipv6');
}

/** REQUIRE_TLS: `true` refuses plain HTTP beyond loopback; unset or `false` warns only. */
export function parseRequireTls(value: string | undefined): Result<boolean, 'invalid-setting'> {
  const normalized = (value ?? '').trim().toLowerCase();
  if (normalized === '' || normalized === 'false') return ok(false);
  if (normalized === 'true') return ok(true);
  return err('invalid-setting', `REQUIRE_TLS must be true or false, not "${value}".`);
}

/** How to put it right, for both the warning and the refusal. */
const FIXES = [
  'Fix it with one of:',
  '  - HTTPS here:            TLS_CERT=cert.pem TLS_KEY=key.pem npm start',
  '  - a reverse proxy that speaks HTTPS in front, and TRUST_PROXY=<its address> (or true)',
  '  - this machine only:     HOST=127.0.0.1 npm start',
];

/** What crosses the network in clear, named for the person reading the console. */
const IN_CLEAR = [
  "Anyone on this network can read, and change, what crosses it: the tablets' device tokens,",
  "staff PINs, dashboard passwords and session cookies, and customers' names, phone numbers",
  "and e-mail addresses. (Nor will the tablets' browsers run the offline app from it.)",
];

/**
 * What the first-run banner says when tablets would reach the server over plain HTTP: a
 * browser runs a service worker only from https:// (or localhost), so a tablet could neither
 * install the app nor reopen it offline. The shortest way to HTTPS on a LAN, with what
 * every server already has (openssl): a certificate for this machine's address, made in one
 * line, that the tablets trust. 825 days is the longest iPadOS accepts.
 */
export function tabletsNeedHttps(lanHost: string | null, port: number): string[] {
  const address = lanHost ?? '<this machine\'s LAN address>';
  const subject = lanHost && isIP(lanHost) ? `IP:${lanHost}` : `DNS:${address}`;
  return [
    'Tablets need HTTPS: over http:// a browser does not run the offline app (only on localhost),',
    'so a tablet could neither install it nor reopen it without the network. The shortest way on',
    "a LAN is a certificate for this machine's address, then a start with it:",
    `  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -keyout key.pem -out cert.pem -subj "/CN=${address}" -addext "subjectAltName=${subject}"`,
    '  TLS_CERT=cert.pem TLS_KEY=key.pem npm start',
    `Install cert.pem on each tablet as a trusted (CA) certificate, then open https://${address}:${port}/ there.`,
    'Or put a reverse proxy that speaks HTTPS in front and set TRUST_PROXY (README, "Settings").',
  ];
}

/** The multi-line warning printed at start when plain HTTP reaches beyond loopback. */
export function plainHttpWarning(host: string, port: number): string {
  return [
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!! WARNING: plain HTTP on the network !!!!!!!!!!!!!!!!!!!!!!!!',
    `BranchVoice is listening on ${host}:${port} without TLS.`,
    ...IN_CLEAR,
    ...FIXES,
    'Set REQUIRE_TLS=true to make the server refuse to start like this.',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n');
}

/** Why the server will not start with REQUIRE_TLS=true. */
export function plainHttpRefusal(host: string): string {
  return [`REQUIRE_TLS=true, but the server would listen on ${host} over plain HTTP, with no TLS_CERT/TLS_KEY and no TRUST_PROXY.`, ...IN_CLEAR, ...FIXES].join('\n');
}
