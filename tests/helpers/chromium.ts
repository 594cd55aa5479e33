/** Where Debian's Chromium is; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium as this machine needs it: no network chatter, no sandbox (root), fresh profile per run. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium 156 starts a hidden renderer for the omnibox's popup (a WebUI page) with every
  // browser, even headless: 1.5-2.5 s of CPU on a two-core machine, taken from the page under
  // test while it starts. A tablet's browser shows no such thing while the app loads.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];
