import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { onTestFinished } from 'vitest';
import type { SmtpConfig } from '../../src/server/services/email.ts';

/** The user and password the test SMTP server checks. */
export const SMTP_USER = 'branchvoice';
export const SMTP_PASSWORD = 'smtp-secret-never-shown';

export interface TestSmtpServer {
  port: number;
  /** The server's settings as readSmtpConfig would make them from SMTP_URL and SMTP_FROM. */
  config: SmtpConfig;
  /** Each message accepted, parsed, with the envelope's recipients and the user who sent it. */
  received: { to: string[]; user: string | undefined; mail: ParsedMail }[];
}

/**
 * A real SMTP server on a free loopback port, stopped when the test finishes: it asks for the
 * user and password above (in clear, as loopback allows), and with `refuse` turns down every
 * recipient with that 5xx reply, as a server does for an address it does not know.
 */
export async function startSmtpServer(options: { refuse?: string } = {}): Promise<TestSmtpServer> {
  const received: TestSmtpServer['received'] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('535 Authentication failed'));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse) {
        const error = new Error(options.refuse) as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
      } else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, mail });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, config: { host: '127.0.0.1', port, security: 'none', user: SMTP_USER, password: SMTP_PASSWORD, from: 'BranchVoice <alerts@bank.example>' } };
}
