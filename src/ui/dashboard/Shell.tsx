import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Me } from '../../domain/reports.ts';
import { branchOf, mayOpen, rangeOf, regionOf, reportQuery, todayOf } from './filters.ts';
import { Filters } from './Filters.tsx';
import { LanguageSelect } from './LanguageSelect.tsx';
import { Branches } from './pages/Branches.tsx';
import { Complaints } from './pages/Complaints.tsx';
import { DayClose } from './pages/DayClose.tsx';
import { Enroll } from './pages/Enroll.tsx';
import { Fleet } from './pages/Fleet.tsx';
import { Overview } from './pages/Overview.tsx';
import { Privacy } from './pages/Privacy.tsx';
import { Counters, Tellers } from './pages/Ratings.tsx';
import { Setup } from './pages/Setup.tsx';
import { Staff } from './pages/Staff.tsx';
import { Network } from './pages/Network.tsx';
import { Accounts } from './pages/Accounts.tsx';
import { Webhooks } from './pages/Webhooks.tsx';
import { Email } from './pages/Email.tsx';
import { Alerts } from './pages/Alerts.tsx';
import { AlertRules } from './pages/AlertRules.tsx';
import { Waiting } from './pages/Waiting.tsx';
import { Flags } from './pages/Flags.tsx';
import { QueueSystem } from './pages/QueueSystem.tsx';
import { Surveys } from './pages/Surveys.tsx';
import { SurveyResults } from './pages/SurveyResults.tsx';
import { AlertBanner, AlertCount, AlertFeedContext, useAlertFeedState } from './alert-feed.tsx';
import type { PageProps } from './pages/page.ts';
import { PAGES, type Page } from './route.ts';
import { useRouter } from './router.tsx';
import { useDashboard, useT } from './services.tsx';

const SCREENS: Record<Page, ComponentType<PageProps>> = {
  overview: Overview,
  tellers: Tellers,
  counters: Counters,
  branches: Branches,
  complaints: Complaints,
  fleet: Fleet,
  'day-close': DayClose,
  privacy: Privacy,
  enroll: Enroll,
  staff: Staff,
  network: Network,
  accounts: Accounts,
  setup: Setup,
  webhooks: Webhooks,
  email: Email,
  alerts: Alerts,
  'alert-rules': AlertRules,
  waiting: Waiting,
  flags: Flags,
  queue: QueueSystem,
  surveys: Surveys,
  'survey-results': SurveyResults,
};

/**
 * The navigation in two groups: what the branches did (the reports, the fleet, the day close,
 * the privacy desk), and how they are set up (Manage). Every page is in exactly one group.
 */
const NAV_GROUPS: readonly { id: 'reports' | 'manage'; pages: readonly Page[] }[] = [
  { id: 'reports', pages: ['alerts', 'overview', 'tellers', 'counters', 'waiting', 'flags', 'survey-results', 'branches', 'complaints', 'fleet', 'day-close', 'privacy'] },
  { id: 'manage', pages: ['enroll', 'staff', 'setup', 'queue', 'accounts', 'network', 'webhooks', 'alert-rules', 'email', 'surveys'] },
];

/**
 * The signed-in frame: the header with the filters, who is signed in and sign-out; the
 * reports' navigation; the page. Moving to another page puts the focus on its heading, so
 * a screen reader says where it now is.
 */
export function Shell({ me, onSignOut, onChangePassword, onMeChanged }: { me: Me; onSignOut: () => void; onChangePassword: () => void; onMeChanged?: () => void }) {
  const { now, timeZone } = useDashboard();
  const { t } = useT();
  const { route, navigate, href } = useRouter();
  const pages = PAGES.filter((page) => mayOpen(page, me));
  const page: Page = pages.includes(route.page) ? route.page : 'overview';
  const branch = branchOf(route, me);
  const today = todayOf(branch, now(), timeZone);
  const range = rangeOf(route, today);
  const region = regionOf(route, me);
  const query = range.ok ? reportQuery(range.range, page === 'branches' ? null : branch, region) : null;
  const main = useRef<HTMLElement>(null);
  const firstPage = useRef(true);
  const feed = useAlertFeedState(me);

  // Branches and Privacy are head office's pages: anyone else is sent to the overview, in place.
  useEffect(() => {
    if (page !== route.page) navigate({ page }, { replace: true });
  }, [page, route.page, navigate]);

  useEffect(() => {
    document.title = `${t(`dashboard.nav.${page}`)} · ${t('dashboard.title')}`;
  }, [page, t]);

  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [page]);

  const Screen = SCREENS[page];
  return (
    // The live alerts are kept here, above every page: a new one is told wherever the viewer is.
    <AlertFeedContext.Provider value={feed}>
    <div class="db">
      <a class="skip-link" href="#db-main">
        {t('dashboard.skip')}
      </a>
      <header class="db-header">
        <div class="db-bar">
          <p class="db-brand">
            {t('app.name')} <span>{t('dashboard.title')}</span>
          </p>
          <div class="db-user">
            <LanguageSelect />
            <p class="db-who">
              {me.name} {roleAdds(me.name, t(`dashboard.role.${me.role}`)) && <span class="db-role">{t(`dashboard.role.${me.role}`)}</span>}
            </p>
            <button type="button" class="db-password" onClick={onChangePassword}>
              {t('dashboard.password.open')}
            </button>
            <button type="button" class="db-signout" onClick={onSignOut}>
              {t('dashboard.signOut')}
            </button>
          </div>
        </div>
        <Filters me={me} page={page} branch={branch} region={region} today={today} range={range} />
      </header>
      <AlertBanner me={me} />
      <nav class="db-nav" aria-label={t('dashboard.nav.label')}>
        {NAV_GROUPS.map((group) => {
          // In the group's own order: Alerts comes first among the reports.
          const here = group.pages.filter((p) => pages.includes(p));
          if (here.length === 0) return null;
          return (
            <div class="db-nav-group" key={group.id}>
              <p class="db-nav-title" id={`db-nav-${group.id}`}>
                {t(`dashboard.nav.group.${group.id}`)}
              </p>
              <ul aria-labelledby={`db-nav-${group.id}`}>
                {here.map((p) => (
                  <li key={p}>
                    <a
                      href={href({ page: p })}
                      aria-current={p === page ? 'page' : undefined}
                      onClick={(event) => {
                        // A plain click stays in the app; Ctrl/⌘-click opens a new tab as links do.
                        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                        event.preventDefault();
                        navigate({ page: p });
                      }}
                    >
                      {t(`dashboard.nav.${p}`)}
                      {p === 'alerts' && <AlertCount />}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
      <main id="db-main" ref={main} class="db-main" tabIndex={-1}>
        <Screen me={me} branch={branch} region={region} today={today} range={range} query={query} refreshMe={onMeChanged} />
      </main>
    </div>
    </AlertFeedContext.Provider>
  );
}

/**
 * Whether the role says something the name does not: head office's account is named "Head
 * office", and "Head office head office" says it twice. A person's name never holds their role.
 */
export const roleAdds = (name: string, role: string): boolean => !name.toLowerCase().includes(role.toLowerCase());
