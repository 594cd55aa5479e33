import { resolve } from 'node:path';
import { enrollmentLinkOf } from '../domain/enrollment-link.ts';
import { enrollmentQrSvg } from './enrollment-qr.ts';
import { makePrivateDir, writePrivateFile } from './private-files.ts';
import type { FirstRun } from './services/bootstrap.ts';

/**
 * The first run's secrets (decision 0015): the enrollment codes, the teller's PIN and head
 * office's first password exist nowhere else, as the database keeps only hashes. They go to
 * a file in the data folder that only the server's account can read, never to the console,
 * whose output often ends up in a log that others can read (journald, a CI log, a terminal
 * seen over a shoulder). The banner on the console says where the file is.
 */
export const FIRST_RUN_FILE_NAME = 'first-run.txt';

/** The absolute path of the first run's file in a data folder. */
export const firstRunFileOf = (dataDir: string): string => resolve(dataDir, FIRST_RUN_FILE_NAME);

/**
 * Writes the file, readable by its owner only, and answers its path. The line formats are the
 * ones the banner used to print (`Enrollment code: …`, `Teller sign-in: staff number …, PIN …`,
 * `Lobby enrollment code: …`, `Dashboard: … staff number …, password …`), so that a script
 * reading them needs no other change than where it reads.
 */
export function writeFirstRunFile(dataDir: string, firstRun: FirstRun, addresses: string[], now: number): string {
  makePrivateDir(dataDir);
  const file = firstRunFileOf(dataDir);
  const app = tabletAddressOf(addresses);
  // Beside it, each code's link as a QR code, readable by the same account only: it holds the code.
  if (app) {
    const { branch, counter, code, lobbyCode } = firstRun;
    writePrivateFile(resolve(dataDir, FIRST_RUN_QR.counter), enrollmentQrSvg(enrollmentLinkOf(app, code.formatted), `${counter.name} · ${branch.name} · ${code.formatted}`));
    writePrivateFile(resolve(dataDir, FIRST_RUN_QR.lobby), enrollmentQrSvg(enrollmentLinkOf(app, lobbyCode.formatted), `Lobby · ${branch.name} · ${lobbyCode.formatted}`));
  }
  writePrivateFile(file, firstRunText(firstRun, addresses, now, app ? { counter: resolve(dataDir, FIRST_RUN_QR.counter), lobby: resolve(dataDir, FIRST_RUN_QR.lobby) } : null));
  return file;
}

/** The QR codes of the first run's enrollment links, in the data folder beside its file. */
export const FIRST_RUN_QR = { counter: 'first-run-counter-qr.svg', lobby: 'first-run-lobby-qr.svg' } as const;

/** What the file says: every secret of the first run, and how to replace each one. */
export function firstRunText({ branch, counter, code, lobbyCode, teller, pin, dashboard }: FirstRun, addresses: string[], now: number, qr: { counter: string; lobby: string } | null = null): string {
  return [
    `BranchVoice: first run, ${new Date(now).toISOString()}`,
    'Only the account the server runs as can read this file. Delete it once the tablets are',
    'enrolled and the dashboard password is changed; nothing reads it.',
    '',
    `Branch "${branch.name}" with counter "${counter.name}" and teller "${teller.name}".`,
    'Open the app on the counter tablet at:',
    ...addresses.map((a) => `  ${a}`),
    'and enter this code to enroll it:',
    '',
    `Enrollment code: ${code.formatted}`,
    `Teller sign-in: staff number ${teller.staffNumber}, PIN ${pin}`,
    'The PIN is one-time: at the first sign-in on the tablet, with the network up, the teller must choose their own.',
    ...linkLines('Enrollment link', code.formatted, addresses, qr?.counter),
    '',
    'For the lobby opinion box, open the same address on another tablet and enter:',
    '',
    `Lobby enrollment code: ${lobbyCode.formatted}`,
    ...linkLines('Lobby enrollment link', lobbyCode.formatted, addresses, qr?.lobby),
    '',
    'For the dashboard (head office, every branch), open in a desktop browser:',
    '',
    `Dashboard: ${addresses[0] ?? '/'}dashboard  staff number ${dashboard.staffNumber}, password ${dashboard.password}`,
    'The dashboard asks for a new password at the first sign-in.',
    '',
    `Each code works once, until ${new Date(code.expiresAt).toISOString()}.`,
    `A new PIN for the teller: npm run admin -- teller:set ${teller.id} --pin <new PIN>`,
    `A new dashboard password: npm run admin -- account:set ${dashboard.staffNumber} --password <new password>`,
    `New codes: npm run admin -- code:create --counter ${counter.id}`,
    `           npm run admin -- code:create --lobby --branch ${branch.id}`,
    '',
  ].join('\n');
}

/** The link that opens the app with the code filled in (domain/enrollment-link.ts): one tap on the tablet. */
function linkLines(label: string, code: string, addresses: string[], qrFile: string | undefined): string[] {
  const app = tabletAddressOf(addresses);
  if (!app) return [];
  return [
    'Or open this link on the tablet, and the code is filled in:',
    `${label}: ${enrollmentLinkOf(app, code)}`,
    ...(qrFile ? [`As a QR code for the tablet's camera: ${qrFile}`] : []),
  ];
}

/** The address a tablet opens the app at: the first on the LAN, for a tablet cannot reach the server's localhost; localhost when there is no other. */
function tabletAddressOf(addresses: string[]): string | undefined {
  return addresses.find((a) => new URL(a).hostname !== 'localhost') ?? addresses[0];
}
