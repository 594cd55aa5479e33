import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../../src/domain/language.ts';
import type { SurveySummary } from '../../../src/domain/manage-surveys.ts';
import { dayLabel } from '../../../src/ui/dashboard/format.ts';
import { givenHeadOfficeAccount } from '../../server/dashboard.ts';
import { useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer, text } from './given.tsx';

type Dashboard = Awaited<ReturnType<typeof givenDashboard>>;
type Texts = Record<Language, string>;

const TITLE: Texts = { 'zh-Hans': '服务满意度调查', 'zh-Hant': '服務滿意度調查', en: 'How did we do?', es: '¿Qué tal lo hicimos?' };
const FACES: Texts = { 'zh-Hans': '您对今天的服务满意吗？', 'zh-Hant': '您對今天的服務滿意嗎？', en: 'Were you happy with the service today?', es: '¿Quedó satisfecho con el servicio de hoy?' };
const RECOMMEND: Texts = { 'zh-Hans': '您会向朋友推荐我们吗？', 'zh-Hant': '您會向朋友推薦我們嗎？', en: 'Would you recommend us to a friend?', es: '¿Nos recomendaría a un amigo?' };
const MULTIPLE: Texts = { 'zh-Hans': '您今天办理了哪些业务？', 'zh-Hant': '您今天辦理了哪些業務？', en: 'What did you come for today?', es: '¿A qué vino hoy?' };
const DEPOSIT: Texts = { 'zh-Hans': '存款', 'zh-Hant': '存款', en: 'A deposit', es: 'Un depósito' };
const LOAN: Texts = { 'zh-Hans': '贷款', 'zh-Hant': '貸款', en: 'A loan', es: 'Un préstamo' };

/** A text in the four languages, typed field by field as the editor lays them out, in the reader's language. */
async function fillIn(dashboard: Dashboard, field: string, texts: Partial<Texts>) {
  for (const language of LANGUAGES) {
    const label = `${dashboard.t('dashboard.surveys.editor.inLanguage', { field })} ${text(dashboard.current(), `language.names.${language}`)}`;
    await dashboard.type(label, texts[language] ?? '');
  }
}

/** Tabs to a question's type and picks one, with the keyboard: each question has a select of the same options. */
async function chooseType(dashboard: Dashboard, number: number, type: string) {
  const label = dashboard.t('dashboard.surveys.editor.type', { number });
  const select = await dashboard.tabToElement(screen.getByLabelText(label, { selector: 'select' }), `the type of question ${number}`);
  await dashboard.user.selectOptions(select, within(select).getByRole('option', { name: dashboard.t(`dashboard.surveys.type.${type}`) }));
}

/** The row of a survey in the list, by its name. */
const rowOf = (dashboard: Dashboard, name: string) => within(screen.getByRole('table', { name: dashboard.t('dashboard.surveys.list') })).getByRole('rowheader', { name: new RegExp(`^${name}`) }).closest('tr')!;

/** What the server holds now, read with the signed-in session. */
async function listed(dashboard: Dashboard): Promise<SurveySummary[]> {
  const answer = await dashboard.services.api.surveys();
  if (!answer.ok) throw new Error(answer.message);
  return answer.value.surveys;
}

// A real server, scrypt at sign-in and a keyboard walk through a long form: more than the default 5 s on a shared 2-core machine.
describe('Manage › Surveys, against the real server', { timeout: 180_000 }, () => {
  const database = useTestDatabase('sqlite');

  async function given(language: Language = 'en') {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: '/dashboard/surveys', language });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.surveys');
    return { db, harbour, server, dashboard };
  }

  it('given head office, when they write a survey of faces, a score and a multiple choice in four languages, reword it and end it, then the server holds each step and the list says so', async () => {
    const { dashboard } = await given();
    const { t } = dashboard;
    // In the Manage group; no branch or period filter: the surveys are the network's.
    const manage = screen.getByRole('list', { name: t('dashboard.nav.group.manage') });
    expect(within(manage).getByRole('link', { name: t('dashboard.nav.surveys') })).toBeTruthy();
    expect(screen.queryByLabelText(t('dashboard.filters.branch'))).toBeNull();
    expect(await screen.findByText(t('dashboard.surveys.empty'))).toBeTruthy();

    await dashboard.press(t('dashboard.surveys.new'));
    await screen.findByRole('heading', { level: 2, name: t('dashboard.surveys.editor.newTitle') });
    await dashboard.type(t('dashboard.surveys.editor.name'), 'Service, winter');
    await fillIn(dashboard, t('dashboard.surveys.editor.surveyTitle'), TITLE);
    // The first question is the four faces already.
    await fillIn(dashboard, t('dashboard.surveys.editor.prompt', { number: 1 }), FACES);
    await dashboard.press(t('dashboard.surveys.editor.addQuestion'));
    await chooseType(dashboard, 2, 'recommend');
    await fillIn(dashboard, t('dashboard.surveys.editor.prompt', { number: 2 }), RECOMMEND);
    await dashboard.press(t('dashboard.surveys.editor.addQuestion'));
    await chooseType(dashboard, 3, 'multiple');
    await fillIn(dashboard, t('dashboard.surveys.editor.prompt', { number: 3 }), MULTIPLE);
    await fillIn(dashboard, t('dashboard.surveys.editor.option', { number: 1, question: 3 }), DEPOSIT);
    await fillIn(dashboard, t('dashboard.surveys.editor.option', { number: 2, question: 3 }), LOAN);
    // Asked last, the score goes up above the choice; the focus stays on the question moved.
    await dashboard.press(t('dashboard.surveys.editor.moveDownNamed', { number: 2 }));
    await waitFor(() => expect((document.activeElement as HTMLElement).getAttribute('aria-label')).toBe(t('dashboard.surveys.editor.moveUpNamed', { number: 3 })));
    await dashboard.press(t('dashboard.surveys.editor.create'));

    expect(await screen.findByText(t('dashboard.surveys.added', { name: 'Service, winter', version: 1 }))).toBeTruthy();
    const [survey] = await listed(dashboard);
    expect(survey).toMatchObject({ name: 'Service, winter', currentVersion: 1, schedule: { startsOn: '2026-11-23', endsOn: '2026-12-20', branchIds: null, channels: ['lobby', 'phone'] } });
    expect(survey!.questionnaire.title).toEqual(TITLE);
    expect(survey!.questionnaire.questions.map((q) => [q.type, q.id, q.prompt.es, q.required])).toEqual([
      ['faces', 'were-you-happy-with-the', FACES.es, true],
      ['multiple', 'what-did-you-come-for', MULTIPLE.es, true],
      ['recommend', 'would-you-recommend-us', RECOMMEND.es, true],
    ]);
    const choice = survey!.questionnaire.questions[1]!;
    expect(choice.type === 'multiple' && choice.options.map((o) => [o.id, o.label['zh-Hant']])).toEqual([['a-deposit', DEPOSIT['zh-Hant']], ['a-loan', LOAN['zh-Hant']]]);
    const row = await waitFor(() => rowOf(dashboard, 'Service, winter'));
    expect(row.textContent).toContain(t('dashboard.surveys.state.running', { to: dayLabel('2026-12-20', 'en') }));
    expect(row.textContent).toContain(t('dashboard.surveys.allBranches'));
    expect(row.textContent).toContain(`${t('dashboard.surveys.channel.lobby')}, ${t('dashboard.surveys.channel.phone')}`);

    // A new wording: the page says it makes version 2 before saving; the question keeps its id.
    await dashboard.press(t('dashboard.surveys.editNamed', { name: 'Service, winter' }));
    await screen.findByRole('heading', { level: 2, name: t('dashboard.surveys.editor.editTitle', { name: 'Service, winter' }) });
    expect(screen.queryByText(t('dashboard.surveys.editor.newVersion', { next: 2 }))).toBeNull();
    await fillIn(dashboard, t('dashboard.surveys.editor.prompt', { number: 1 }), { ...FACES, en: 'Were you pleased with our service today?' });
    expect(screen.getByText(t('dashboard.surveys.editor.newVersion', { next: 2 }))).toBeTruthy();
    await dashboard.press(t('dashboard.surveys.editor.saveVersion', { next: 2 }));
    expect(await screen.findByText(t('dashboard.surveys.savedVersion', { name: 'Service, winter', version: 2 }))).toBeTruthy();
    const [reworded] = await listed(dashboard);
    expect(reworded).toMatchObject({ currentVersion: 2, versions: 2 });
    expect(reworded!.questionnaire.questions[0]).toMatchObject({ id: 'were-you-happy-with-the', prompt: { en: 'Were you pleased with our service today?' } });
    await waitFor(() => expect(within(rowOf(dashboard, 'Service, winter')).getAllByRole('cell').some((cell) => cell.textContent === '2')).toBe(true));

    // Ended after a question: it runs nowhere from today.
    await dashboard.press(t('dashboard.surveys.endNamed', { name: 'Service, winter' }));
    const question = await screen.findByRole('dialog', { name: t('dashboard.surveys.endTitle', { name: 'Service, winter' }) });
    await dashboard.user.click(within(question).getByRole('button', { name: t('dashboard.surveys.end') }));
    expect(await screen.findByText(t('dashboard.surveys.ended', { name: 'Service, winter' }))).toBeTruthy();
    const [ended] = await listed(dashboard);
    expect(ended!.schedule.endsOn < '2026-11-23').toBe(true);
    await waitFor(() => expect(rowOf(dashboard, 'Service, winter').textContent).toContain(t('dashboard.surveys.state.ended', { to: dayLabel(ended!.schedule.endsOn, 'en') })));
    expect(screen.queryByRole('button', { name: t('dashboard.surveys.endNamed', { name: 'Service, winter' }) })).toBeNull();
  });

  it('given head office in Spanish, when a Spanish wording is left empty or the server refuses a field, then it is said next to that field in Spanish and nothing is stored until it is right', async () => {
    const { dashboard } = await given('es');
    const { t } = dashboard;
    await screen.findByText(t('dashboard.surveys.empty'));
    await dashboard.press(t('dashboard.surveys.new'));
    await dashboard.type(t('dashboard.surveys.editor.name'), 'Sin español');
    await fillIn(dashboard, t('dashboard.surveys.editor.surveyTitle'), TITLE);
    await fillIn(dashboard, t('dashboard.surveys.editor.prompt', { number: 1 }), { ...FACES, es: '' });
    await dashboard.press(t('dashboard.surveys.editor.create'));

    const spanish = screen.getByLabelText(`${t('dashboard.surveys.editor.inLanguage', { field: t('dashboard.surveys.editor.prompt', { number: 1 }) })} Español`, { selector: 'input' });
    await waitFor(() => expect(spanish.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(spanish.getAttribute('aria-describedby')!)!.textContent).toBe(text('es', 'dashboard.surveys.errors.empty'));
    expect(screen.getByText(t('dashboard.surveys.errors.summary_one', { count: 1 }))).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(spanish));
    expect(await listed(dashboard)).toEqual([]);

    // What only the server checks (a NUL no database keeps) comes back next to its field, in its words after ours.
    await dashboard.type(`${t('dashboard.surveys.editor.inLanguage', { field: t('dashboard.surveys.editor.prompt', { number: 1 }) })} Español`, FACES.es);
    await dashboard.type(t('dashboard.surveys.editor.name'), 'Sin\0español');
    await dashboard.press(t('dashboard.surveys.editor.create'));
    const name = screen.getByLabelText(t('dashboard.surveys.editor.name'), { selector: 'input' });
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    const refused = name.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)!.textContent).join(' ');
    expect(refused).toContain(text('es', 'dashboard.surveys.errors.refused', { message: '' }));
    expect(refused).toContain('name: must not contain NUL');
    expect(await listed(dashboard)).toEqual([]);
    await dashboard.type(t('dashboard.surveys.editor.name'), 'Con español');
    await dashboard.press(t('dashboard.surveys.editor.create'));
    expect(await screen.findByText(t('dashboard.surveys.added', { name: 'Con español', version: 1 }))).toBeTruthy();
    expect((await listed(dashboard)).map((s) => s.questionnaire.questions[0]!.prompt.es)).toEqual([FACES.es]);
  });

  it('given a counter, when head office prints three cards for it, then three QR codes are shown with its branch and counter, and the sheet goes to the printer', async () => {
    const { harbour, dashboard } = await given();
    const { t } = dashboard;
    const cards = await screen.findByRole('region', { name: t('dashboard.surveys.cards.title') });
    // No survey on the phone yet: the page says what a card would show.
    expect(within(cards).getByText(t('dashboard.surveys.cards.noPhoneSurvey'))).toBeTruthy();
    await dashboard.choose(t('dashboard.surveys.cards.branch'), harbour.name);
    await waitFor(() => expect(within(cards).getByRole('option', { name: 'Window 2' })).toBeTruthy());
    await dashboard.choose(t('dashboard.surveys.cards.counter'), 'Window 2');
    await dashboard.type(t('dashboard.surveys.cards.count', { max: 100 }), '0');
    await dashboard.press(t('dashboard.surveys.cards.make'));
    expect(await within(cards).findByText(t('dashboard.surveys.cards.errors.count', { max: 100 }))).toBeTruthy();
    await dashboard.type(t('dashboard.surveys.cards.count', { max: 100 }), '3');
    await dashboard.press(t('dashboard.surveys.cards.make'));

    const sheet = await screen.findByTestId('ms-card-sheet');
    expect(within(sheet).getByRole('heading', { level: 2, name: t('dashboard.surveys.cards.sheetTitle_other', { count: 3, counter: 'Window 2', branch: harbour.name }) })).toBeTruthy();
    const codes = within(sheet).getAllByRole('img');
    expect(codes.map((img) => img.getAttribute('alt'))).toEqual([1, 2, 3].map((number) => t('dashboard.surveys.cards.qrAlt', { number, counter: 'Window 2' })));
    for (const img of codes) expect(decodeURIComponent(img.getAttribute('src')!)).toMatch(/^data:image\/svg\+xml;charset=utf-8,<svg /);
    // The invitation in each of the four languages, by default.
    for (const language of LANGUAGES) expect(within(sheet).getAllByText(text(language, 'dashboard.surveys.cards.invite'), { exact: false })).toHaveLength(3);
    await dashboard.press(t('dashboard.surveys.cards.print'));
    expect(dashboard.handed.prints).toBe(1);
  });
});
