import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/case.ts';
import type { ReviewEntry } from '../../../src/domain/review.ts';
import { anOpinion } from '../../builders/rating.ts';
import { topicLabel } from '../lobby/given.tsx';
import { givenStaffTablet } from './given.tsx';

/** The opened events in the tablet's outbox, as they will travel to the server. */
async function openedInOutbox(tablet: Awaited<ReturnType<typeof givenStaffTablet>>) {
  return (await tablet.services.db.outbox.toArray()).map((row) => row.record as CaseEvent).filter((e) => e.type === 'opened');
}

describe('Staff mode: the topic of a new case', () => {
  it('given lobby staff writing in Spanish, when they pick a topic from the branch list, then the opened event carries it and the case and the list show it in Spanish', async () => {
    const tablet = await givenStaffTablet({ language: 'es' });
    const { signIn, press, type, t, tabTo, user, device } = tablet;
    await signIn('2001');
    await press(t('cases.nav.new'));
    await screen.findByRole('heading', { name: t('cases.new.title') });
    await type(t('cases.new.summary'), 'Me cobraron dos veces la misma comisión');
    const topic = await tabTo(t('cases.new.topic'), 'combobox');
    expect((topic as HTMLSelectElement).value).toBe('');
    expect((screen.getByRole('option', { name: t('cases.new.noTopic') }) as HTMLOptionElement).selected).toBe(true);
    await user.selectOptions(topic, topicLabel(device.config, 'fees', 'es'));
    await press(t('cases.new.open'));

    await screen.findByRole('heading', { name: 'Me cobraron dos veces la misma comisión' });
    expect((await openedInOutbox(tablet)).map((e) => e.type === 'opened' && e.topicId)).toEqual(['fees']);
    expect(screen.getByTestId('case-topic').textContent).toBe(t('cases.topic', { topic: 'Comisiones y cargos' }));
    await press(t('cases.backToList'));
    expect((await screen.findByRole('button', { name: /Me cobraron dos veces/ })).textContent).toContain('Comisiones y cargos');
  });

  it('given no topic chosen, then the case is opened without one', async () => {
    const tablet = await givenStaffTablet();
    const { signIn, press, type, t } = tablet;
    await signIn('2002');
    await press(t('cases.nav.new'));
    await type(t('cases.new.summary'), 'Rude answer on the phone');
    await press(t('cases.new.open'));

    await screen.findByRole('heading', { name: 'Rude answer on the phone' });
    expect((await openedInOutbox(tablet)).map((e) => e.type === 'opened' && e.topicId)).toEqual([null]);
    expect(screen.queryByTestId('case-topic')).toBeNull();
  });

  it('given an opinion-box complaint about the self-service machines, when the complaint manager opens a case from it, then the topic is the entry’s, in Traditional Chinese, and can be kept', async () => {
    const complaint = anOpinion({ opinionKind: 'complaint', topicId: 'self-service', text: '門外的提款機吞了我的卡', referenceCode: '2E-2234' });
    const entries: ReviewEntry[] = [{ opinion: complaint, receivedAt: complaint.createdAt, readAt: null, readByStaffId: null }];
    const tablet = await givenStaffTablet({ language: 'zh-Hant' });
    const { signIn, online, press, t, services, device, user } = tablet;
    services.http.fetch = async (input) =>
      new URL(String(input)).pathname === '/api/review' ? Response.json({ entries }) : Promise.reject(new TypeError('fetch failed'));
    online();
    await signIn('2002');
    await press(t('cases.nav.review'));
    const card = await waitFor(() => screen.getByText('2E-2234').closest('li') as HTMLElement);
    // In Chinese "open a case" on the entry reads as the tab "new case": the entry's own is meant.
    const openCase = within(card).getByRole('button', { name: t('cases.review.openCase') });
    for (let i = 0; i < 60 && document.activeElement !== openCase; i++) await user.tab();
    expect(document.activeElement).toBe(openCase);
    await user.keyboard('{Enter}');

    await screen.findByText(t('cases.new.fromEntry', { code: '2E-2234' }));
    const topic = screen.getByRole('combobox', { name: t('cases.new.topic') }) as HTMLSelectElement;
    expect(topic.selectedOptions[0]?.textContent).toBe(topicLabel(device.config, 'self-service', 'zh-Hant'));
    await press(t('cases.new.open'));

    await screen.findByRole('heading', { name: '門外的提款機吞了我的卡' });
    expect((await openedInOutbox(tablet)).map((e) => e.type === 'opened' && [e.opinionId, e.topicId])).toEqual([[complaint.id, 'self-service']]);
    expect(screen.getByTestId('case-topic').textContent).toBe(t('cases.topic', { topic: '自助設備與網銀' }));
  });
});
