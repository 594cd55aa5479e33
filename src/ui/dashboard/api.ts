import { err, ok, type Result } from '../../domain/result.ts';
import type { ChangePassword, SignIn } from '../../domain/access.ts';
import type { ConfirmDayClose } from '../../domain/day-close.ts';
import type { EnrollmentSheet, StaffAdd, StaffChange, StaffEdit, StaffList } from '../../domain/manage.ts';
import type { BranchAdd, BranchEdit, NetworkBranch, NetworkRegion, NetworkSettings, NetworkSettingsEdit, NetworkView, RegionInput } from '../../domain/manage-network.ts';
import type { AccountChange, AccountInvite, AccountList } from '../../domain/manage-accounts.ts';
import type { BranchSetup, CounterNameBody, ReasonAdd, ReasonEdit, SetupCounter, SetupOrder, SetupReason, SetupTopic, TopicAdd, TopicEdit } from '../../domain/manage-setup.ts';
import type { LocalDay } from '../../domain/period.ts';
import type { AuditPage, CustomerData, CustomerQuery, Erasure, Retention } from '../../domain/privacy.ts';
import type {
  BranchesReport,
  ComplaintsReport,
  DayCloseReport,
  FleetDevice,
  FleetReport,
  Me,
  OverviewReport,
  RatingsReport,
  ReportQuery,
} from '../../domain/reports.ts';
import { exchangeJson, type HttpOptions, type JsonRequest, type RefusalOf } from '../../sync/http.ts';
import type { TabletCounters, TabletEdit, TabletReplacement } from '../../domain/manage-tablets.ts';
import type { DeliveryLog, DeliveryView, WebhookAdd, WebhookEdit, WebhookList, WebhookSecretAnswer, WebhookView } from '../../domain/webhooks.ts';
import type { AckTimes, AlertView } from '../../domain/alerts.ts';
import type { AlertKind } from '../../domain/alerts.ts';
import type { AlertRuleInput, AlertRulesView } from '../../domain/manage-alert-rules.ts';
import type { EmailRecipientAdd, EmailRecipientEdit, EmailRecipientsView, EmailRecipientView, EmailStatus, EmailTest, EmailTestResult } from '../../domain/manage-email.ts';
import type { EventSourceLike, OpenEvents } from './alerts-stream.ts';
import type { FlaggedRating, FlagsReport, WaitingReport } from '../../domain/queue.ts';
import type { SurveyChannel } from '../../domain/survey.ts';
import type { SurveysReport } from '../../domain/survey-reports.ts';
import type { QueueCounterView, QueueImportResult, QueueSetup, QueueSystemKey, QueueSystemView } from '../../domain/queue-intake.ts';
import type { CreateSurveyRequest, SurveyListResponse, SurveySummaryResponse, UpdateSurveyRequest } from '../../domain/manage-surveys.ts';
import type { SurveyCardsRequest, SurveyCardsResponse } from '../../domain/survey-cards.ts';

/**
 * The dashboard's one way to the server: its "store and sync". The dashboard is online only,
 * so there is nothing to keep; components ask through this client and never call `fetch`.
 * Every answer is a Result, made by the same fetch wrapper as the tablet's (sync/http.ts).
 * The routes and their types are listed in domain/reports.ts.
 */

/** Why a request gave no answer the dashboard can show. */
export type ApiFailure =
  | 'unauthorized'
  | 'forbidden'
  /** Signed in with a password someone else chose: nothing opens until it is changed. */
  | 'password-change-required'
  /** A password change whose current password was not the account's. */
  | 'wrong-password'
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'server-error'
  | 'unreachable'
  | 'timeout'
  | 'bad-response';

export type ApiResult<T> = Result<T, ApiFailure>;

/** What the session did, for the screen that decides between sign-in, the password change, the 403 page and the reports. */
export type SessionEvent = 'signed-out' | 'forbidden' | 'password-change-required';

/**
 * Where the API is (the page's own origin in the browser, a loopback server in tests) and the
 * fetch to reach it; `events` opens the live alerts' stream (the browser's EventSource unless
 * given; none where there is no EventSource).
 */
export type DashboardApiOptions = HttpOptions & { events?: OpenEvents | null };

/** The Alerts page's list: `state=open` the open alerts, `all` those and the recently acknowledged. */
export interface AlertListQuery {
  state: 'open' | 'all';
  branchId?: string;
  regionId?: string;
  limit?: number;
  /** Older than this alert seq: the next page. */
  before?: number;
  /**
   * Read in the background (the Shell's feed, on every page): a 401 then says nothing of the
   * session, which the page the viewer acts on tells when it asks; a read racing a sign-out
   * elsewhere must not pull the page away under the viewer's hands.
   */
  background?: boolean;
}

/** GET /api/alerts: the alerts and the latest alert event seq, to open the stream after. */
export interface AlertList {
  alerts: AlertView[];
  cursor: number;
}

/** An act on an alert: 'conflict' when someone else acknowledged it first (409). */
export type AlertActFailure = ApiFailure | 'conflict';

/** An act that someone else may have done first, or a value another row holds (409): 'conflict'. */
export type ConflictFailure = ApiFailure | 'conflict';

/** A rating kept out of the assessment (or counted again: null). */
export type RatingExclusion = { excluded: FlaggedRating['excluded'] };

export interface DashboardApi {
  me(): Promise<ApiResult<Me>>;
  signIn(credentials: SignIn): Promise<ApiResult<Me>>;
  signOut(): Promise<ApiResult<null>>;
  /** The viewer's own new password; their other sessions end, this one goes on. */
  changePassword(body: ChangePassword): Promise<ApiResult<Me>>;
  overview(query: ReportQuery): Promise<ApiResult<OverviewReport>>;
  tellers(query: ReportQuery): Promise<ApiResult<RatingsReport>>;
  counters(query: ReportQuery): Promise<ApiResult<RatingsReport>>;
  branches(query: ReportQuery): Promise<ApiResult<BranchesReport>>;
  complaints(query: ReportQuery): Promise<ApiResult<ComplaintsReport>>;
  fleet(query: { branchId?: string; regionId?: string }): Promise<ApiResult<FleetReport>>;
  revokeDevice(deviceId: string): Promise<ApiResult<FleetDevice>>;
  /**
   * Manage › tablets on the Devices page (src/server/routes/manage-tablets.ts): a tablet's
   * place label and counter, and a one-time link for the tablet that replaces it. A 403 is a
   * refusal of that change, which the page says.
   */
  tabletCounters(deviceId: string): Promise<ApiResult<TabletCounters>>;
  editTablet(deviceId: string, edit: TabletEdit): Promise<ApiResult<FleetDevice>>;
  replaceTablet(deviceId: string): Promise<ApiResult<TabletReplacement>>;
  dayClose(query: { branchId: string; day: LocalDay }): Promise<ApiResult<DayCloseReport>>;
  confirmDayClose(body: ConfirmDayClose): Promise<ApiResult<DayCloseReport>>;
  /**
   * Head office's privacy desk (src/server/routes/privacy.ts). A customer is asked for in the
   * body, never in the address, so their phone or e-mail reaches no access log. Each is audited.
   */
  customerSearch(query: CustomerQuery): Promise<ApiResult<CustomerData>>;
  /** The same as a search, audited as the export handed to the customer. */
  customerExport(query: CustomerQuery): Promise<ApiResult<CustomerData>>;
  /** Erases what may be; an open case keeps what it needs, and the answer says so. Cannot be undone. */
  eraseCustomer(query: CustomerQuery): Promise<ApiResult<Erasure>>;
  /** The audit log of whole UTC days; reading it is audited too. */
  audit(query: { from: LocalDay; to: LocalDay }): Promise<ApiResult<AuditPage>>;
  retention(): Promise<ApiResult<Retention>>;
  /**
   * Makes a fresh one-time code for every counter of the branch and one for its lobby, with
   * their links and QR codes: the printable enrollment sheet (src/server/routes/manage.ts).
   */
  enrollmentSheet(branchId: string): Promise<ApiResult<EnrollmentSheet>>;
  /**
   * Manage › Staff (src/server/routes/manage.ts): a branch's roster, and its changes. A new
   * member or a new PIN comes with the PIN, answered this once. A 403 here is a rule of the
   * roster (a branch manager cannot make one), not the end of the session: the page says it.
   */
  staff(branchId: string): Promise<ApiResult<StaffList>>;
  addStaff(branchId: string, member: StaffAdd): Promise<ApiResult<StaffChange>>;
  editStaff(tellerId: string, edit: StaffEdit): Promise<ApiResult<StaffChange>>;
  newStaffPin(tellerId: string): Promise<ApiResult<StaffChange>>;
  setStaffPhoto(tellerId: string, photo: string | null): Promise<ApiResult<StaffChange>>;
  /**
   * Manage › Counters & lists (src/server/routes/manage-setup.ts): a branch's counters, reasons
   * and opinion-box topics. A 403 is a refusal of that change, which the page says.
   */
  setup(branchId: string): Promise<ApiResult<BranchSetup>>;
  addCounter(branchId: string, body: CounterNameBody): Promise<ApiResult<SetupCounter>>;
  renameCounter(counterId: string, body: CounterNameBody): Promise<ApiResult<SetupCounter>>;
  addReason(branchId: string, body: ReasonAdd): Promise<ApiResult<SetupReason>>;
  editReason(branchId: string, reasonId: string, edit: ReasonEdit): Promise<ApiResult<SetupReason>>;
  addTopic(branchId: string, body: TopicAdd): Promise<ApiResult<SetupTopic>>;
  editTopic(branchId: string, topicId: string, edit: TopicEdit): Promise<ApiResult<SetupTopic>>;
  orderList(branchId: string, order: SetupOrder): Promise<ApiResult<BranchSetup>>;
  /**
   * Manage › Accounts (src/server/routes/manage-accounts.ts): the dashboard accounts the viewer
   * manages. An invitation or a reset comes with a temporary password, answered this once; a
   * 403 is a refusal of that change (out of the viewer's scope), which the page says.
   */
  accounts(): Promise<ApiResult<AccountList>>;
  inviteAccount(invite: AccountInvite): Promise<ApiResult<AccountChange>>;
  setAccountActive(staffNumber: string, active: boolean): Promise<ApiResult<AccountChange>>;
  resetAccountPassword(staffNumber: string): Promise<ApiResult<AccountChange>>;
  /**
   * Manage › Regions & branches (src/server/routes/manage-network.ts). A 403 is a refusal of
   * that change (a regional manager cannot add a branch), which the page says.
   */
  network(): Promise<ApiResult<NetworkView>>;
  addRegion(input: RegionInput): Promise<ApiResult<NetworkRegion>>;
  renameRegion(regionId: string, input: RegionInput): Promise<ApiResult<Pick<NetworkRegion, 'id' | 'name'>>>;
  addBranch(input: BranchAdd): Promise<ApiResult<NetworkBranch>>;
  editBranch(branchId: string, edit: BranchEdit): Promise<ApiResult<NetworkBranch>>;
  setNetworkSettings(edit: NetworkSettingsEdit): Promise<ApiResult<NetworkSettings>>;
  /**
   * Manage › Webhooks (src/server/routes/manage-webhooks.ts). A new webhook or a new secret
   * comes with the secret, answered this once. A 403 is a refusal of that change, which the page says.
   */
  webhooks(): Promise<ApiResult<WebhookList>>;
  addWebhook(input: WebhookAdd): Promise<ApiResult<WebhookSecretAnswer>>;
  editWebhook(webhookId: string, edit: WebhookEdit): Promise<ApiResult<WebhookView>>;
  newWebhookSecret(webhookId: string): Promise<ApiResult<WebhookSecretAnswer>>;
  webhookDeliveries(webhookId: string, limit?: number): Promise<ApiResult<DeliveryLog>>;
  replayNotification(notificationId: string): Promise<ApiResult<DeliveryView>>;
  /**
   * Alerts (src/server/routes/alerts.ts): the list, its live stream (null where the browser
   * has none), an acknowledgement with a comment, a complaint case opened from an alert (its
   * branch's manager only), and the time-to-acknowledge figure over a period.
   */
  alerts(query: AlertListQuery): Promise<ApiResult<AlertList>>;
  alertEvents: OpenEvents | null;
  acknowledgeAlert(alertId: string, comment: string): Promise<Result<AlertView, AlertActFailure>>;
  openAlertCase(alertId: string, body: { summary: string; topicId?: string }): Promise<Result<AlertView, AlertActFailure>>;
  alertTimes(query: ReportQuery): Promise<ApiResult<AckTimes>>;
  /**
   * Manage › Alert rules (src/server/routes/manage-alert-rules.ts): the network's rules and a
   * branch's own. A 403 is a refusal of that change, which the page says.
   */
  alertRules(branchId: string | null): Promise<ApiResult<AlertRulesView>>;
  setNetworkAlertRule(kind: AlertKind, input: AlertRuleInput): Promise<ApiResult<AlertRulesView>>;
  setBranchAlertRule(branchId: string, kind: AlertKind, input: AlertRuleInput): Promise<ApiResult<AlertRulesView>>;
  clearBranchAlertRule(branchId: string, kind: AlertKind): Promise<ApiResult<AlertRulesView>>;
  /**
   * Manage › E-mail (src/server/routes/manage-email.ts): recipients, the SMTP server's status,
   * a test message. A 403 is a refusal of that change, which the page says.
   */
  emailRecipients(): Promise<ApiResult<EmailRecipientsView>>;
  addEmailRecipient(body: EmailRecipientAdd): Promise<ApiResult<EmailRecipientView>>;
  editEmailRecipient(id: string, edit: EmailRecipientEdit): Promise<ApiResult<EmailRecipientView>>;
  emailStatus(): Promise<ApiResult<EmailStatus>>;
  sendTestEmail(body: EmailTest): Promise<ApiResult<EmailTestResult>>;
  /**
   * Listens for the session ending (a 401 from any report) or refusing (a 403, or a password
   * to change first), so the dashboard can show sign-in, the password change or the "cannot
   * see reports" page wherever it was.
   */
  /**
   * Waiting time and flagged ratings (src/server/routes/reports.ts): the report over the
   * header's period and scope; a rating kept out of a teller's assessment, or counted again,
   * with a reason (the branch's manager only). 'conflict': it was already so (409).
   */
  waiting(query: ReportQuery): Promise<ApiResult<WaitingReport>>;
  /** Reports › Survey results: one survey (null: the one running, else the latest) on one channel (null: both), over the header's period and scope. */
  surveyResults(query: ReportQuery, survey: string | null, channel: SurveyChannel | null): Promise<ApiResult<SurveysReport>>;
  flags(query: ReportQuery): Promise<ApiResult<FlagsReport>>;
  excludeRating(ratingId: string, reason: string): Promise<Result<RatingExclusion, ConflictFailure>>;
  includeRating(ratingId: string, reason: string): Promise<Result<RatingExclusion, ConflictFailure>>;
  /**
   * Manage › Queue system: a branch's queue-system keys (a new key is answered this once),
   * its counters' queue codes ('conflict': another counter of the branch has that code), and
   * an import of the queue system's daily export, sent as the file it is (text/csv, UTF-8 or GB18030).
   */
  queue(branchId: string): Promise<ApiResult<QueueSetup>>;
  addQueueSystem(branchId: string, name: string): Promise<ApiResult<QueueSystemKey>>;
  revokeQueueSystem(systemId: string): Promise<ApiResult<{ system: QueueSystemView }>>;
  setQueueCode(counterId: string, queueCode: string | null): Promise<Result<{ counter: QueueCounterView }, ConflictFailure>>;
  importQueueCsv(branchId: string, file: Blob): Promise<ApiResult<QueueImportResult>>;
  /**
   * Manage › Surveys (src/server/routes/manage-surveys.ts): head office's questionnaires and
   * their schedules; a changed wording saved is a new version. A 400 names the field refused,
   * which the page puts next to it; a 403 is a refusal of that change, which the page says.
   */
  surveys(): Promise<ApiResult<SurveyListResponse>>;
  addSurvey(body: CreateSurveyRequest): Promise<ApiResult<SurveySummaryResponse>>;
  editSurvey(surveyId: string, body: UpdateSurveyRequest): Promise<ApiResult<SurveySummaryResponse>>;
  endSurvey(surveyId: string): Promise<ApiResult<SurveySummaryResponse>>;
  /** Printed survey cards for a counter: codes made by the server, each usable once, with the address its QR code opens. */
  surveyCards(body: SurveyCardsRequest): Promise<ApiResult<SurveyCardsResponse>>;
  onSession(listener: (event: SessionEvent) => void): () => void;
}

type Query = Record<string, string | undefined>;

/** Makes the client; one per page (or per test), no global. */
export function createDashboardApi(options: DashboardApiOptions): DashboardApi {
  const listeners = new Set<(event: SessionEvent) => void>();
  const emit = (event: SessionEvent) => {
    for (const listener of listeners) listener(event);
  };

  async function request<T>(
    method: Method,
    path: string,
    init: { query?: Query; body?: unknown; session?: boolean; ownForbidden?: boolean } = {},
  ): Promise<ApiResult<T>> {
    const result = await send<T>(options, method, path, init.query, init.body);
    // The sign-in's own 401 means a wrong password, not a session that ended.
    if (!result.ok && init.session !== false) {
      if (result.reason === 'unauthorized') emit('signed-out');
      // A staff change's 403 is a refusal of that change, which its page explains.
      if (result.reason === 'forbidden' && !init.ownForbidden) emit('forbidden');
      if (result.reason === 'password-change-required') emit('password-change-required');
    }
    return result;
  }

  // An act on an alert names the 409 (someone else was faster) in its own word; the session's refusals are told as by `request`.
  async function act(path: string, body: unknown): Promise<Result<AlertView, AlertActFailure>> {
    const answer = await exchangeJson(options, path, { method: 'POST', body, credentials: 'same-origin' }, (status, code) => (status === 409 ? 'conflict' : refusalOf(status, code)));
    if (answer.ok) return ok(answer.value as AlertView);
    const reason = answer.reason === 'offline' ? 'unreachable' : answer.reason;
    if (reason === 'unauthorized') emit('signed-out');
    if (reason === 'password-change-required') emit('password-change-required');
    return err(reason, answer.message);
  }

  // A write that may meet a 409, named 'conflict'; the session's refusals are told as by `request`.
  async function withConflict<T>(method: Method, path: string, body: unknown): Promise<Result<T, ConflictFailure>> {
    const answer = await exchangeJson(options, path, { method, body, credentials: 'same-origin' }, (status, code) => (status === 409 ? 'conflict' : refusalOf(status, code)));
    if (answer.ok) return ok(answer.value as T);
    const reason = answer.reason === 'offline' ? 'unreachable' : answer.reason;
    if (reason === 'unauthorized') emit('signed-out');
    if (reason === 'password-change-required') emit('password-change-required');
    return err(reason, answer.message);
  }

  // The queue system's export goes as the file it is, not JSON: a text/csv write, which a page of another site cannot send without a preflight either.
  async function sendCsv<T>(path: string, file: Blob): Promise<ApiResult<T>> {
    const result = await sendFile<T>(options, path, new Uint8Array(await file.arrayBuffer()));
    if (!result.ok && result.reason === 'unauthorized') emit('signed-out');
    if (!result.ok && result.reason === 'password-change-required') emit('password-change-required');
    return result;
  }

  const report = <T>(path: string) => (query: ReportQuery) =>
    request<T>('GET', path, { query: { from: query.from, to: query.to, branchId: query.branchId, regionId: query.regionId } });

  return {
    me: () => request<Me>('GET', '/api/me', { session: false }),
    signIn: (credentials) => request<Me>('POST', '/api/session', { body: credentials, session: false }),
    // The server takes only JSON for what changes state (decision 0010): an empty object it is.
    signOut: () => request<null>('DELETE', '/api/session', { body: {}, session: false }),
    // A 401 here is a session that ended, as on a report; a wrong current password is 403 wrong-password.
    changePassword: (body) => request<Me>('POST', '/api/session/password', { body }),
    overview: report<OverviewReport>('/api/reports/overview'),
    tellers: report<RatingsReport>('/api/reports/tellers'),
    counters: report<RatingsReport>('/api/reports/counters'),
    branches: report<BranchesReport>('/api/reports/branches'),
    complaints: report<ComplaintsReport>('/api/reports/complaints'),
    fleet: (query) => request<FleetReport>('GET', '/api/reports/fleet', { query }),
    revokeDevice: (deviceId) => request<FleetDevice>('POST', `/api/reports/fleet/${encodeURIComponent(deviceId)}/revoke`, { body: {} }),
    tabletCounters: (deviceId) => request<TabletCounters>('GET', `/api/manage/devices/${encodeURIComponent(deviceId)}/counters`, { ownForbidden: true }),
    editTablet: (deviceId, edit) => request<FleetDevice>('PATCH', `/api/manage/devices/${encodeURIComponent(deviceId)}`, { body: edit, ownForbidden: true }),
    replaceTablet: (deviceId) => request<TabletReplacement>('POST', `/api/manage/devices/${encodeURIComponent(deviceId)}/replacement`, { body: {}, ownForbidden: true }),
    dayClose: (query) => request<DayCloseReport>('GET', '/api/reports/day-close', { query }),
    confirmDayClose: (body) => request<DayCloseReport>('POST', '/api/reports/day-close/confirm', { body }),
    customerSearch: (query) => request<CustomerData>('POST', '/api/privacy/customer/search', { body: query }),
    customerExport: (query) => request<CustomerData>('POST', '/api/privacy/customer/export', { body: query }),
    // The server wants the confirmation in the request itself: the dialog asked it first.
    eraseCustomer: (query) => request<Erasure>('POST', '/api/privacy/customer/erase', { body: { query, confirm: true } }),
    audit: (query) => request<AuditPage>('GET', '/api/privacy/audit', { query }),
    retention: () => request<Retention>('GET', '/api/privacy/retention'),
    enrollmentSheet: (branchId) => request<EnrollmentSheet>('POST', `/api/manage/branches/${encodeURIComponent(branchId)}/enrollment-codes`, { body: {} }),
    staff: (branchId) => request<StaffList>('GET', `/api/manage/branches/${encodeURIComponent(branchId)}/staff`),
    addStaff: (branchId, member) => request<StaffChange>('POST', `/api/manage/branches/${encodeURIComponent(branchId)}/staff`, { body: member, ownForbidden: true }),
    editStaff: (tellerId, edit) => request<StaffChange>('PATCH', `/api/manage/staff/${encodeURIComponent(tellerId)}`, { body: edit, ownForbidden: true }),
    newStaffPin: (tellerId) => request<StaffChange>('POST', `/api/manage/staff/${encodeURIComponent(tellerId)}/pin`, { body: {}, ownForbidden: true }),
    setStaffPhoto: (tellerId, photo) => request<StaffChange>('PUT', `/api/manage/staff/${encodeURIComponent(tellerId)}/photo`, { body: { photo }, ownForbidden: true }),
    setup: (branchId) => request<BranchSetup>('GET', `/api/manage/branches/${encodeURIComponent(branchId)}/setup`),
    addCounter: (branchId, body) => request<SetupCounter>('POST', `/api/manage/branches/${encodeURIComponent(branchId)}/counters`, { body, ownForbidden: true }),
    renameCounter: (counterId, body) => request<SetupCounter>('PATCH', `/api/manage/counters/${encodeURIComponent(counterId)}`, { body, ownForbidden: true }),
    addReason: (branchId, body) => request<SetupReason>('POST', `/api/manage/branches/${encodeURIComponent(branchId)}/reasons`, { body, ownForbidden: true }),
    editReason: (branchId, reasonId, edit) =>
      request<SetupReason>('PATCH', `/api/manage/branches/${encodeURIComponent(branchId)}/reasons/${encodeURIComponent(reasonId)}`, { body: edit, ownForbidden: true }),
    addTopic: (branchId, body) => request<SetupTopic>('POST', `/api/manage/branches/${encodeURIComponent(branchId)}/topics`, { body, ownForbidden: true }),
    editTopic: (branchId, topicId, edit) =>
      request<SetupTopic>('PATCH', `/api/manage/branches/${encodeURIComponent(branchId)}/topics/${encodeURIComponent(topicId)}`, { body: edit, ownForbidden: true }),
    orderList: (branchId, order) => request<BranchSetup>('PUT', `/api/manage/branches/${encodeURIComponent(branchId)}/order`, { body: order, ownForbidden: true }),
    accounts: () => request<AccountList>('GET', '/api/manage/accounts'),
    inviteAccount: (invite) => request<AccountChange>('POST', '/api/manage/accounts', { body: invite, ownForbidden: true }),
    setAccountActive: (staffNumber, active) => request<AccountChange>('PATCH', `/api/manage/accounts/${encodeURIComponent(staffNumber)}`, { body: { active }, ownForbidden: true }),
    resetAccountPassword: (staffNumber) => request<AccountChange>('POST', `/api/manage/accounts/${encodeURIComponent(staffNumber)}/password`, { body: {}, ownForbidden: true }),
    network: () => request<NetworkView>('GET', '/api/manage/network'),
    addRegion: (input) => request<NetworkRegion>('POST', '/api/manage/regions', { body: input, ownForbidden: true }),
    renameRegion: (regionId, input) => request<Pick<NetworkRegion, 'id' | 'name'>>('PATCH', `/api/manage/regions/${encodeURIComponent(regionId)}`, { body: input, ownForbidden: true }),
    addBranch: (input) => request<NetworkBranch>('POST', '/api/manage/branches', { body: input, ownForbidden: true }),
    editBranch: (branchId, edit) => request<NetworkBranch>('PATCH', `/api/manage/branches/${encodeURIComponent(branchId)}`, { body: edit, ownForbidden: true }),
    setNetworkSettings: (edit) => request<NetworkSettings>('PUT', '/api/manage/settings', { body: edit, ownForbidden: true }),
    webhooks: () => request<WebhookList>('GET', '/api/manage/webhooks'),
    addWebhook: (input) => request<WebhookSecretAnswer>('POST', '/api/manage/webhooks', { body: input, ownForbidden: true }),
    editWebhook: (webhookId, edit) => request<WebhookView>('PATCH', `/api/manage/webhooks/${encodeURIComponent(webhookId)}`, { body: edit, ownForbidden: true }),
    newWebhookSecret: (webhookId) => request<WebhookSecretAnswer>('POST', `/api/manage/webhooks/${encodeURIComponent(webhookId)}/secret`, { body: {}, ownForbidden: true }),
    webhookDeliveries: (webhookId, limit) =>
      request<DeliveryLog>('GET', `/api/manage/webhooks/${encodeURIComponent(webhookId)}/deliveries`, { query: { limit: limit === undefined ? undefined : String(limit) }, ownForbidden: true }),
    replayNotification: (notificationId) => request<DeliveryView>('POST', `/api/manage/notifications/${encodeURIComponent(notificationId)}/replay`, { body: {}, ownForbidden: true }),
    alerts: (query) =>
      request<AlertList>('GET', '/api/alerts', {
        query: { state: query.state, branch: query.branchId, region: query.regionId, limit: query.limit?.toString(), before: query.before?.toString() },
        // A refusal here is about the alerts, never the end of the session: every page asks for them (the Shell's feed).
        ownForbidden: true,
        session: !query.background,
      }),
    alertEvents: options.events !== undefined ? options.events : browserEvents(options.baseUrl),
    acknowledgeAlert: (alertId, comment) => act(`/api/alerts/${encodeURIComponent(alertId)}/ack`, { comment }),
    openAlertCase: (alertId, body) => act(`/api/alerts/${encodeURIComponent(alertId)}/case`, body),
    alertTimes: report<AckTimes>('/api/reports/alert-times'),
    alertRules: (branchId) => request<AlertRulesView>('GET', '/api/manage/alert-rules', { query: { branch: branchId ?? undefined } }),
    setNetworkAlertRule: (kind, input) => request<AlertRulesView>('PUT', `/api/manage/alert-rules/network/${encodeURIComponent(kind)}`, { body: input, ownForbidden: true }),
    setBranchAlertRule: (branchId, kind, input) =>
      request<AlertRulesView>('PUT', `/api/manage/alert-rules/branches/${encodeURIComponent(branchId)}/${encodeURIComponent(kind)}`, { body: input, ownForbidden: true }),
    clearBranchAlertRule: (branchId, kind) =>
      request<AlertRulesView>('DELETE', `/api/manage/alert-rules/branches/${encodeURIComponent(branchId)}/${encodeURIComponent(kind)}`, { body: {}, ownForbidden: true }),
    emailRecipients: () => request<EmailRecipientsView>('GET', '/api/manage/email-recipients'),
    addEmailRecipient: (body) => request<EmailRecipientView>('POST', '/api/manage/email-recipients', { body, ownForbidden: true }),
    editEmailRecipient: (id, edit) => request<EmailRecipientView>('PATCH', `/api/manage/email-recipients/${encodeURIComponent(id)}`, { body: edit, ownForbidden: true }),
    emailStatus: () => request<EmailStatus>('GET', '/api/manage/email/status'),
    sendTestEmail: (body) => request<EmailTestResult>('POST', '/api/manage/email/test', { body, ownForbidden: true }),
    waiting: report<WaitingReport>('/api/reports/waiting'),
    surveyResults: (query, survey, channel) =>
      request<SurveysReport>('GET', '/api/reports/surveys', {
        query: { from: query.from, to: query.to, branchId: query.branchId, regionId: query.regionId, survey: survey ?? undefined, channel: channel ?? undefined },
      }),
    flags: report<FlagsReport>('/api/reports/flags'),
    excludeRating: (ratingId, reason) => withConflict<RatingExclusion>('POST', `/api/ratings/${encodeURIComponent(ratingId)}/exclusion`, { reason }),
    includeRating: (ratingId, reason) => withConflict<RatingExclusion>('POST', `/api/ratings/${encodeURIComponent(ratingId)}/inclusion`, { reason }),
    queue: (branchId) => request<QueueSetup>('GET', `/api/manage/branches/${encodeURIComponent(branchId)}/queue`),
    addQueueSystem: (branchId, name) => request<QueueSystemKey>('POST', `/api/manage/branches/${encodeURIComponent(branchId)}/queue/systems`, { body: { name }, ownForbidden: true }),
    revokeQueueSystem: (systemId) => request<{ system: QueueSystemView }>('POST', `/api/manage/queue/systems/${encodeURIComponent(systemId)}/revoke`, { body: {}, ownForbidden: true }),
    setQueueCode: (counterId, queueCode) => withConflict<{ counter: QueueCounterView }>('PUT', `/api/manage/counters/${encodeURIComponent(counterId)}/queue-code`, { queueCode }),
    importQueueCsv: (branchId, file) => sendCsv<QueueImportResult>(`/api/manage/branches/${encodeURIComponent(branchId)}/queue/import`, file),
    surveys: () => request<SurveyListResponse>('GET', '/api/manage/surveys'),
    addSurvey: (body) => request<SurveySummaryResponse>('POST', '/api/manage/surveys', { body, ownForbidden: true }),
    editSurvey: (surveyId, body) => request<SurveySummaryResponse>('PUT', `/api/manage/surveys/${encodeURIComponent(surveyId)}`, { body, ownForbidden: true }),
    endSurvey: (surveyId) => request<SurveySummaryResponse>('POST', `/api/manage/surveys/${encodeURIComponent(surveyId)}/end`, { body: {}, ownForbidden: true }),
    surveyCards: (body) => request<SurveyCardsResponse>('POST', '/api/manage/surveys/cards', { body, ownForbidden: true }),
    onSession(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The browser's EventSource at the API's origin, with the session cookie; null where there is none (jsdom). */
function browserEvents(baseUrl: string): OpenEvents | null {
  if (typeof EventSource !== 'function') return null;
  return (path) => new EventSource(new URL(path, baseUrl), { withCredentials: true }) as unknown as EventSourceLike;
}

/** The methods the dashboard sends, as exchangeJson (src/sync/http.ts) takes them. */
type Method = JsonRequest['method'];

/**
 * A request in the dashboard's words. 'offline' is told apart only on a tablet, whose screens
 * say so; to the dashboard, opened on a desktop, it is the server out of reach.
 */

async function send<T>(options: DashboardApiOptions, method: Method, path: string, query: Query = {}, body?: unknown): Promise<ApiResult<T>> {
  const answer = await exchangeJson(options, path, { method, query, body, credentials: 'same-origin' }, refusalOf);
  if (answer.ok) return ok(answer.value as T);
  return err(answer.reason === 'offline' ? 'unreachable' : answer.reason, answer.message);
}

/**
 * The charset of an export: UTF-8 when its bytes are, else GB18030, which many queue systems
 * in China write (GBK is its subset); the server reads either as the content type says.
 */
export function csvCharsetOf(bytes: Uint8Array): 'utf-8' | 'gb18030' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/**
 * A file sent as text/csv, which exchangeJson (shared with the tablet, whose first JavaScript
 * has no room to spare) does not send: the same answers in the same words.
 */
async function sendFile<T>(options: DashboardApiOptions, path: string, bytes: Uint8Array<ArrayBuffer>): Promise<ApiResult<T>> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(new URL(path, options.baseUrl), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': `text/csv; charset=${csvCharsetOf(bytes)}` },
      body: bytes,
      credentials: 'same-origin',
      cache: 'no-store',
      // A day's export is up to a few megabytes: more time than a report's answer.
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return err('timeout', 'The server did not answer in time.');
    return err('unreachable', `The server could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body = (await response.json().catch(() => null)) as unknown;
  if (response.ok) return body === null ? err('bad-response', 'The server answered with something that is not JSON.') : ok(body as T);
  const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown };
  return err(refusalOf(response.status, typeof code === 'string' ? code : undefined), typeof message === 'string' ? message : `The server answered ${response.status}.`);
}

const refusalOf: RefusalOf<ApiFailure> = (status, code) => {
  // Two refusals of 403 are not about the role: the answer's code tells them apart.
  if (status === 403 && (code === 'password-change-required' || code === 'wrong-password')) return code;
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'bad-request';
};
