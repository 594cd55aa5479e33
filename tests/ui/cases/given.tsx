import { act, screen } from '@testing-library/preact';
import type { CaseEvent } from '../../../src/domain/case.ts';
import { savePulledCaseEvents } from '../../../src/store/cases.ts';
import { aCaseRoster, aTeller, MANAGER_PIN, TELLER_PIN } from '../../builders/device.ts';
import { aStaffServer } from '../branch-network.ts';
import { givenLobbyTablet, type LobbyTabletOptions } from '../lobby/given.tsx';

// jsdom has no CSS.escape, which user-event uses to walk a radio group with the arrow keys.
if (!globalThis.CSS?.escape) Object.assign(globalThis, { CSS: { ...globalThis.CSS, escape: (s: string) => s.replace(/[^\w-]/g, (c) => `\\${c}`) } });

/**
 * A lobby tablet whose roster has a teller and one complaint handler per role; staff sign in by
 * keyboard. The network is down unless a test says otherwise, so they are checked by the tablet
 * alone; `online()` puts the server's sign-in (aStaffServer) in front of the network.
 */
export async function givenStaffTablet(options: LobbyTabletOptions & { fetch?: typeof fetch } = {}) {
  const tablet = await givenLobbyTablet({ ...options, config: { tellers: [aTeller(), ...aCaseRoster()], ...options.config } });
  const { press, type, t, tabTo, user } = tablet;

  /** Holds the staff corner, then staff number and PIN (a manager's for 2002 and 2003): staff mode opens in their role. */
  async function signIn(staffNumber: string) {
    await tabTo(t('staff.corner'));
    await user.keyboard('{Enter}');
    await screen.findByRole('dialog', { name: t('staff.title') });
    await type(t('signIn.staffNumber'), staffNumber);
    await type(t('signIn.pin'), staffNumber === '2002' || staffNumber === '2003' ? MANAGER_PIN : TELLER_PIN);
    await press(t('staff.unlock'));
    await screen.findByRole('button', { name: t('cases.signOut') });
  }
  /** The server is reachable for sign-ins from now on; other requests go where they went. */
  function online() {
    const server = aStaffServer(tablet.services.http.fetch);
    tablet.services.http.fetch = server.fetch;
    return server;
  }
  /** Pulled from the server: applied (or refused) events with their seq, as the sync engine keeps them. */
  async function pulled(events: { event: CaseEvent; status?: 'applied' | 'refused'; reason?: string }[]) {
    let seq = (await tablet.services.db.caseEvents.count()) + 1;
    await act(() =>
      savePulledCaseEvents(
        tablet.services.db,
        events.map(({ event, status = 'applied', reason }) => ({ event, seq: seq++, status, reason: (reason ?? null) as never, message: reason ? `refused: ${reason}` : null })),
      ),
    );
  }
  const outboxTypes = async () => (await tablet.services.db.outbox.toArray()).map((row) => (row.record as CaseEvent).type);
  return { ...tablet, signIn, online, pulled, outboxTypes };
}
