import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { reportScope, SESSION_COOKIE, SESSION_IDLE_MS, type Viewer } from '../../domain/access.ts';
import { ALERT_STATES, ALERTS_PAGE_DEFAULT, ALERTS_PAGE_MAX, AlertParamsSchema, CaseFromAlertSchema, type AlertsPage } from '../../domain/alerts-api.ts';
import { AckSchema, type AlertStreamMessage, type AlertView } from '../../domain/alerts.ts';
import { IdSchema } from '../../domain/ids.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { findAccountHolder } from '../repositories/accounts.ts';
import { alertEventsAfter, latestAlertEventSeq, listAlertViews, readAlertViews, type AlertEventRef } from '../repositories/alerts.ts';
import { findSession } from '../repositories/sessions.ts';
import { hashSecret } from '../secrets.ts';
import { viewerOf } from '../services/accounts.ts';
import { acknowledgeAlert, dashboardAlertActor, openCaseFromAlert } from '../services/alert-acks.ts';
import { onAlertsChanged } from '../services/alerts.ts';
import { resolveSelection } from '../services/report-scope.ts';
import { QueryNumber } from './query.ts';

/** How often the live stream reads the table and says it is alive; tests shorten them. */
/** Streams one session may hold open on one server at once. */
const STREAMS_PER_SESSION = 4;
/** The most events a stream replays from its `after`: further behind, the page reloads its list. */
const STREAM_BACKLOG_MAX = 1000;
/** How stale a stream's reading of its viewer may be when it tells events. */
const VIEWER_FRESH_MS = 2000;
/** How long a page may leave what it was sent unread before its stream is ended. */
const DRAIN_WAIT_MS = 30_000;

/**
 * How a stream reads and lives: it reads every `pollMs`, says it is alive every `heartbeatMs`
 * (and checks the session then), and ends after `maxMs`, when the page's EventSource opens a
 * new one after the last event it saw: no connection outlives a deployment by hours, and a
 * balancer spreads the dashboards again.
 */
export type AlertStreamTimes = { pollMs: number; heartbeatMs: number; maxMs: number };
export const ALERT_STREAM_TIMES: AlertStreamTimes = { pollMs: 400, heartbeatMs: 15_000, maxMs: 30 * 60_000 };

export type AlertRoutesOptions = { db: Kysely<Database>; now: () => number; stream?: Partial<AlertStreamTimes> };

const AlertsQuerySchema = v.strictObject({
  state: v.optional(v.picklist(ALERT_STATES, 'must be open or all'), 'open'),
  branch: v.optional(IdSchema),
  /** The branches of one region (ignored beside a branch, which is narrower). */
  region: v.optional(IdSchema),
  limit: v.optional(QueryNumber(1, ALERTS_PAGE_MAX)),
  /** An alert's seq: the page of alerts raised before it. */
  before: v.optional(QueryNumber(1, Number.MAX_SAFE_INTEGER)),
});

const StreamQuerySchema = v.strictObject({ after: v.optional(QueryNumber(0, Number.MAX_SAFE_INTEGER)) });
const LastEventIdSchema = v.optional(QueryNumber(0, Number.MAX_SAFE_INTEGER));

/** How many events one read of the stream takes at most; more wait for the next read, at once. */
const EVENTS_PER_READ = 200;

/**
 * A seq missing between two the stream has read may be an event whose transaction has not
 * committed yet (on PostgreSQL a seq is taken at the insert, not at the commit), or one rolled
 * back. The stream waits this long for it before it stops looking.
 */
const GAP_WAIT_MS = 10_000;

/**
 * The dashboard's alerts under /api (docs/decisions/0026): the list, the live stream, an
 * acknowledgement, a case opened from an alert. A session and a report role first
 * (guardReports); every alert is of a branch the viewer may see (domain/access.ts), and one
 * outside it answers 404 as if it did not exist.
 */
export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, { db, now, stream }) => {
  guardReports(app, db, now);
  const times = { ...ALERT_STREAM_TIMES, ...stream };

  /** GET /api/alerts?state=open|all&branch=&region=&limit=&before=: newest first, with the cursor to open the stream after. */
  app.get<{ Reply: AlertsPage | ApiError }>('/alerts', async (request, reply) => {
    const query = v.safeParse(AlertsQuerySchema, request.query);
    if (!query.success) {
      return sendApiError(reply, 'bad-request', `${describeIssues(query.issues)} (state: open or all; branch, region: ids; limit: 1–${ALERTS_PAGE_MAX}; before: an alert's seq)`);
    }
    const { state, branch, region, limit, before } = query.output;
    const selection = await resolveSelection(db, request.viewer, branch, region);
    if (!selection.ok) return sendApiError(reply, selection.reason === 'forbidden' ? 'forbidden' : 'not-found', selection.message);
    // The cursor first: an event committed between the two reads is then both in the list
    // and told by the stream (the page keeps an alert once, by id), never in neither.
    const cursor = await latestAlertEventSeq(db, selection.value);
    const alerts = await listAlertViews(db, { selection: selection.value, open: state === 'open', before: before ?? null, limit: limit ?? ALERTS_PAGE_DEFAULT });
    return { alerts, cursor };
  });

  /**
   * GET /api/alerts/stream?after=<seq> (or the Last-Event-ID header of a reconnecting
   * EventSource): server-sent events, one `alert` event per alert event after that seq the
   * viewer may see, `id` its seq and `data` an AlertStreamMessage; without either, from now.
   */
  app.get('/alerts/stream', async (request, reply) => {
    const query = v.safeParse(StreamQuerySchema, request.query);
    if (!query.success) return sendApiError(reply, 'bad-request', `${describeIssues(query.issues)} (after: the seq of the last alert event the page holds)`);
    const lastEventId = v.safeParse(LastEventIdSchema, request.headers['last-event-id']);
    if (!lastEventId.success) return sendApiError(reply, 'bad-request', `Last-Event-ID: ${describeIssues(lastEventId.issues)}`);
    const token = request.cookies[SESSION_COOKIE] ?? '';
    if ((streamsOf.get(token) ?? 0) >= STREAMS_PER_SESSION) {
      return sendApiError(reply, 'rate-limited', `This session has ${STREAMS_PER_SESSION} alert streams open already: close another tab of the dashboard.`);
    }
    const latest = await latestAlertEventSeq(db, 'all');
    // A page far behind reads its alerts again (GET /api/alerts) rather than replaying history.
    const after = Math.max(lastEventId.output ?? query.output.after ?? latest, latest - STREAM_BACKLOG_MAX);
    streamsOf.set(token, (streamsOf.get(token) ?? 0) + 1);
    try {
      await streamAlerts(request, reply, after);
    } finally {
      const left = (streamsOf.get(token) ?? 1) - 1;
      if (left > 0) streamsOf.set(token, left);
      else streamsOf.delete(token);
    }
  });

  /** POST /api/alerts/:alertId/ack ({ comment }): acknowledged by the signed-in viewer. */
  app.post<{ Reply: AlertView | ApiError }>('/alerts/:alertId/ack', async (request, reply) => {
    const params = v.safeParse(AlertParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'not-found', `alertId: ${describeIssues(params.issues)}`);
    const body = v.safeParse(AckSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const done = await acknowledgeAlert(db, dashboardAlertActor(request.viewer), params.output.alertId, { comment: body.output.comment }, now());
    if (!done.ok) return sendApiError(reply, done.reason, done.message);
    request.log.info({ alertId: done.value.id, by: request.viewer.staffNumber }, 'alert acknowledged on the dashboard');
    return done.value;
  });

  /** POST /api/alerts/:alertId/case ({ summary, topicId? }): a complaint case opened from the alert by its branch's manager. */
  app.post<{ Reply: AlertView | ApiError }>('/alerts/:alertId/case', async (request, reply) => {
    const params = v.safeParse(AlertParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'not-found', `alertId: ${describeIssues(params.issues)}`);
    const body = v.safeParse(CaseFromAlertSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const done = await openCaseFromAlert(db, request.viewer, params.output.alertId, body.output, now());
    if (!done.ok) return sendApiError(reply, done.reason, done.message);
    request.log.info({ alertId: done.value.id, caseId: done.value.caseId, by: request.viewer.staffNumber }, 'complaint case opened from an alert');
    return done.value;
  });

  /** The open streams, ended when the server closes: close() waits for busy connections. */
  const open = new Set<() => void>();
  /** How many streams each session holds open on this server: a page has one; a few tabs, a few. */
  const streamsOf = new Map<string, number>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  /**
   * Writes the stream until the client goes, the server closes, or the session ends (checked
   * at every heartbeat: signed out, expired, the account disabled or moved). Reads the events
   * after `after` at once when this process commits one (onAlertsChanged), and every pollMs
   * for those other processes commit. See GAP_WAIT_MS for the seqs it waits for.
   */
  async function streamAlerts(request: FastifyRequest, reply: FastifyReply, after: number): Promise<void> {
    const token = request.cookies[SESSION_COOKIE] ?? '';
    let viewer: Viewer = request.viewer;
    reply.hijack();
    const res = reply.raw;
    // The security headers the hooks set, and the stream's own: never cached, never buffered
    // by a proxy, and the connection closed with the stream.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'close',
    });
    res.write(': open\n\n');

    let ended = false;
    let wake: (() => void) | null = null;
    const end = () => {
      if (ended) return;
      ended = true;
      wake?.();
      res.end();
    };
    open.add(end);
    // The client gone (the response's connection closed) or the socket failing ends it too.
    res.on('close', end);
    res.on('error', end);
    // A client that went away before the stream began closed its connection unheard.
    if (res.destroyed || request.raw.socket.destroyed) end();
    const stopListening = onAlertsChanged(() => wake?.());
    let nextBeat = Date.now() + times.heartbeatMs;
    const endAt = Date.now() + times.maxMs;

    /** Seqs above the cursor already told (or not the viewer's), and when each missing one was first missed. */
    let cursor = after;
    const seen = new Set<number>();
    const missing = new Map<number, number>();
    let checkedAt = Date.now();
    try {
      while (!ended) {
        const events = await alertEventsAfter(db, cursor, EVENTS_PER_READ);
        const fresh = events.filter((e) => !seen.has(e.seq));
        for (const e of fresh) seen.add(e.seq);
        // Who may see what is read again before telling, when it was last read a while ago:
        // a viewer moved to another branch or signed out hears nothing more of the old one.
        if (fresh.length > 0 && Date.now() - checkedAt > VIEWER_FRESH_MS) {
          const still = await stillSignedIn(db, token, now());
          if (!still) break;
          viewer = still;
          checkedAt = Date.now();
        }
        if (!(await tell(fresh.filter((e) => visible(viewer, e))))) break;
        const before = cursor;
        cursor = settle(cursor, events, seen, missing, Date.now());
        if (ended || Date.now() >= endAt) break;
        if (Date.now() >= nextBeat) {
          nextBeat = Date.now() + times.heartbeatMs;
          const still = await stillSignedIn(db, token, now());
          if (!still) break;
          viewer = still;
          checkedAt = Date.now();
          res.write(': heartbeat\n\n');
        }
        // A full read that moved on: more are waiting now. One that did not (a gap in the seqs
        // it waits for) waits like any other, rather than read the same rows again at once.
        if (events.length === EVENTS_PER_READ && (fresh.length > 0 || cursor !== before)) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(times.pollMs, Math.max(0, nextBeat - Date.now()), Math.max(0, endAt - Date.now())));
          function done() {
            clearTimeout(timer);
            wake = null;
            resolve();
          }
          wake = done;
        });
      }
    } catch (error) {
      request.log.error({ err: error }, 'alert stream failed');
    } finally {
      stopListening();
      open.delete(end);
      end();
    }

    /**
     * Writes the events; answers false when the client stopped reading: a page that does not
     * take what it was sent within DRAIN_WAIT_MS is ended, so no stream piles up in memory.
     */
    async function tell(events: AlertEventRef[]): Promise<boolean> {
      if (events.length === 0) return true;
      const views = await readAlertViews(db, [...new Set(events.map((e) => e.alertId))]);
      for (const e of events) {
        const alert = views.get(e.alertId);
        if (!alert || ended) continue;
        const message: AlertStreamMessage = { seq: e.seq, type: e.type, alert };
        if (res.write(`id: ${e.seq}\nevent: alert\ndata: ${JSON.stringify(message)}\n\n`)) continue;
        const drained = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), DRAIN_WAIT_MS);
          res.once('drain', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (!drained) return false;
      }
      return true;
    }
  }
};

const visible = (viewer: Viewer, event: AlertEventRef): boolean => {
  const scope = reportScope(viewer);
  return scope.kind === 'all' || (scope.kind === 'branches' && scope.branchIds.includes(event.branchId));
};

/**
 * The stream's new cursor: past every seq told or waited for long enough, in order, so that
 * an event whose transaction committed after a later one's is still told.
 */
function settle(cursor: number, events: readonly AlertEventRef[], seen: Set<number>, missing: Map<number, number>, at: number): number {
  const highest = events.at(-1)?.seq ?? cursor;
  for (let seq = cursor + 1; seq < highest; seq++) if (!seen.has(seq) && !missing.has(seq)) missing.set(seq, at);
  let next = cursor;
  while (next < highest) {
    const seq = next + 1;
    if (seen.delete(seq)) {
      next = seq;
      continue;
    }
    const since = missing.get(seq);
    if (since === undefined || at - since < GAP_WAIT_MS) break;
    missing.delete(seq);
    next = seq;
  }
  // A stream that asked to start past the end (a stale Last-Event-ID) must not wait forever.
  for (const seq of missing.keys()) if (seq <= next) missing.delete(seq);
  return next;
}

/**
 * The viewer behind a stream's session now, or undefined when there is none: the session
 * ended (signed out, expired, unused too long) or the account was disabled, taken off the
 * roster or must change its password. Unlike a request, the stream's heartbeat does not keep
 * the session in use: a page left open is not someone at the desk.
 */
async function stillSignedIn(db: Kysely<Database>, token: string, now: number): Promise<Viewer | undefined> {
  const session = await findSession(db, hashSecret(token));
  if (!session || now >= session.expiresAt || now - session.lastSeenAt >= SESSION_IDLE_MS) return undefined;
  const found = await findAccountHolder(db, session.staffNumber);
  const viewer = found && viewerOf(found.holder);
  return viewer && !viewer.mustChangePassword && reportScope(viewer).kind !== 'none' ? viewer : undefined;
}
