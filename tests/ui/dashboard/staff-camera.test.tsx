import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

/**
 * The browser's camera as the test gives it: getUserMedia is the browser's API, not ours, so
 * the test answers it (jsdom has none). Each call takes the next answer; what was asked is kept.
 */
function givenCamera(...answers: (string | 'stream')[]) {
  const asked: MediaStreamConstraints[] = [];
  const stopped: string[] = [];
  const track = (id: string) => ({ id, kind: 'video', stop: () => stopped.push(id), addEventListener: () => undefined });
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: (constraints: MediaStreamConstraints) => {
        asked.push(constraints);
        const answer = answers.shift();
        if (answer !== 'stream') return Promise.reject(new DOMException('the test says no', answer ?? 'NotFoundError'));
        const tracks = [track(`video-${asked.length}`)];
        return Promise.resolve({ getTracks: () => tracks, getVideoTracks: () => tracks });
      },
    },
  });
  onTestFinished(() => {
    delete (navigator as { mediaDevices?: unknown }).mediaDevices;
  });
  return { asked, stopped };
}

// A real server and sign-in (scrypt) and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe("a staff member's photo from the camera, against the real server", { timeout: 60_000 }, () => {
  const database = useTestDatabase('sqlite');

  async function given() {
    const [harbour, nanjing] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    const manager = (await findTeller(database.current.db, nanjing.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    return { server: await startDashboardServer(database.current), harbour, nanjing, manager };
  }

  /** Signs in, opens the Edit panel of `tellerId` and presses "Take photo with camera" with the keyboard. */
  async function openCamera(dashboard: Awaited<ReturnType<typeof givenDashboard>>, tellerId: string) {
    const teller = (await findTeller(database.current.db, tellerId))!;
    await dashboard.press(dashboard.t('dashboard.staff.editNamed', { name: teller.name }));
    const form = await screen.findByRole('region', { name: dashboard.t('dashboard.staff.editTitle', { name: teller.name, staffNumber: teller.staffNumber }) });
    const opener = within(form).getByRole('button', { name: dashboard.t('dashboard.camera.open') });
    await dashboard.press(dashboard.t('dashboard.camera.open'));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.camera.title', { name: teller.name }) });
    return { teller, opener, dialog };
  }

  it('given head office in English on a laptop without a camera, then the dialog says so and offers a file, keeps the focus inside, and Escape gives it back to the button; nothing is saved', async () => {
    const { server, harbour } = await given();
    const camera = givenCamera('NotFoundError');
    const dashboard = await givenDashboard(server, { path: '/dashboard/staff' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.staff');
    await dashboard.choose(dashboard.t('dashboard.filters.branch'), harbour.name);
    await screen.findByRole('table');
    const { teller, opener, dialog } = await openCamera(dashboard, harbour.tellerIds[0]!);

    expect(within(dialog).getByRole('alert').textContent).toBe(dashboard.t('dashboard.camera.problem.no-camera'));
    expect(camera.asked).toEqual([{ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false }]);
    // The file is offered right there, and has the focus; nothing to take (a camera plugged in now is tried again).
    const file = within(dialog).getByLabelText(dashboard.t('dashboard.camera.chooseFile'));
    await waitFor(() => expect(document.activeElement).toBe(file));
    expect(within(dialog).queryByRole('button', { name: dashboard.t('dashboard.camera.take') })).toBeNull();
    const retry = within(dialog).getByRole('button', { name: dashboard.t('dashboard.camera.tryAgain') });
    expect(dialog.getAttribute('aria-modal')).toBe('true');

    // Tab and Shift+Tab go round inside the dialog.
    const cancel = within(dialog).getByRole('button', { name: dashboard.t('dashboard.cancel') });
    await dashboard.user.tab();
    expect(document.activeElement).toBe(cancel);
    await dashboard.user.tab();
    expect(document.activeElement).toBe(retry);
    await dashboard.user.tab();
    expect(document.activeElement).toBe(file);
    await dashboard.user.tab({ shift: true });
    expect(document.activeElement).toBe(retry);

    await dashboard.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(opener);
    expect((await findTeller(database.current.db, teller.id))!.photo).toBeNull();
  });

  it("given Nanjing Road's manager in Español who said no to the camera, then the dialog says how to allow it; Try again finds it busy and says so; Cancel gives the focus back", async () => {
    const { server, nanjing, manager } = await given();
    const camera = givenCamera('NotAllowedError', 'NotReadableError');
    const dashboard = await givenDashboard(server, { path: '/dashboard/staff', language: 'es' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.staff');
    await screen.findByRole('table');
    const { opener, dialog } = await openCamera(dashboard, nanjing.tellerIds[0]!);

    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toBe(dashboard.t('dashboard.camera.problem.denied')));
    expect(within(dialog).getByLabelText(dashboard.t('dashboard.camera.chooseFile'))).toBeTruthy();
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.camera.tryAgain') }));
    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toBe(dashboard.t('dashboard.camera.problem.busy')));
    expect(camera.asked).toHaveLength(2);
    expect(within(dialog).getByLabelText(dashboard.t('dashboard.camera.chooseFile'))).toBeTruthy();

    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.cancel') }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(opener);
    // The file upload is still on the panel.
    expect(screen.getByLabelText(new RegExp(`^${dashboard.t('dashboard.staff.photo', { answer: dashboard.t('dashboard.no') }).replace(/[()]/g, '\\$&')}`))).toBeTruthy();
  });

  it('given a camera that starts, then Take photo waits for its picture, and closing the dialog turns the camera off; a browser with no camera API says so', async () => {
    const { server, harbour } = await given();
    const camera = givenCamera('stream');
    const dashboard = await givenDashboard(server, { path: '/dashboard/staff' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.staff');
    await dashboard.choose(dashboard.t('dashboard.filters.branch'), harbour.name);
    await screen.findByRole('table');
    const { opener, dialog } = await openCamera(dashboard, harbour.tellerIds[0]!);

    const take = within(dialog).getByRole('button', { name: dashboard.t('dashboard.camera.take') });
    await waitFor(() => expect(document.activeElement).toBe(take));
    await waitFor(() => expect(dialog.querySelector('video')).not.toBeNull());
    expect(within(dialog).getByLabelText(dashboard.t('dashboard.camera.liveLabel'))).toBeTruthy();
    // No picture yet (jsdom plays nothing): the button says it is not ready, and pressing it takes nothing.
    expect(take.getAttribute('aria-disabled')).toBe('true');
    await dashboard.user.keyboard('{Enter}');
    expect(within(dialog).queryByRole('img')).toBeNull();
    expect(camera.stopped).toEqual([]);

    await dashboard.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(camera.stopped).toEqual(['video-1']);
    expect(document.activeElement).toBe(opener);

    delete (navigator as { mediaDevices?: unknown }).mediaDevices;
    await dashboard.press(dashboard.t('dashboard.camera.open'));
    const again = await screen.findByRole('dialog');
    await waitFor(() => expect(within(again).getByRole('alert').textContent).toBe(dashboard.t('dashboard.camera.problem.unsupported')));
    expect(within(again).getByLabelText(dashboard.t('dashboard.camera.chooseFile'))).toBeTruthy();
  });
});
