import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { RecordIdSchema } from '../../domain/ids.ts';
import type { Language } from '../../domain/language.ts';
import { localDayOf } from '../../domain/period.ts';
import { VISIT_PATH } from '../../domain/visit-code.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Database } from '../db/schema.ts';
import { answersOf, formPage, givenOf, messagePage, PHONE_CSS, PHONE_CSS_PATH, pickLanguage, type FormPage, type MessageKind } from '../phone-page.ts';
import { addressKey, createAttemptCounter, type AttemptLimits } from '../plugins/attempt-limits.ts';
import { insertSurveyResponses } from '../repositories/survey-responses.ts';
import { checkVisitCode, responseOfCode, runningSurveyAt, surveyDayOf, surveyVersion, type CheckedVisit, type PhoneSurvey } from '../services/visit-codes.ts';

export type SurveyPhoneRoutesOptions = { db: Kysely<Database>; now: () => number; limits: AttemptLimits };

/** A form of ten questions with a long comment is a few kilobytes; anything much larger is not our form. */
const MAX_FORM_BYTES = 32 * 1024;

/** The status of each page that says one thing. */
const STATUS: Record<MessageKind, number> = { invalid: 404, expired: 410, used: 409, none: 200, thanks: 200, limited: 429 };

type CodeRequest = FastifyRequest<{ Params: { code: string }; Querystring: { lang?: unknown } }>;

/**
 * The phone page, at /v/:code (domain/visit-code.ts VISIT_PATH): a customer scans the QR code of
 * their visit (or of a printed card) and answers the survey running at that branch, in their
 * phone's language, once. Pages written on the server (phone-page.ts), a plain HTML form, no
 * session and no cookie: the code is the only credential. A code that is not valid counts
 * against the address, like other refused secrets; one that is valid is never limited, so
 * customers on a branch's guest network answer beside someone guessing.
 */
export const surveyPhoneRoutes: FastifyPluginAsync<SurveyPhoneRoutesOptions> = async (app, { db, now, limits }) => {
  const attempts = createAttemptCounter(db);

  // A browser's form post, for this page only: the API elsewhere takes JSON alone (plugins/session-auth.ts requireJson).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_FORM_BYTES }, (_request, body, done) => done(null, new URLSearchParams(body as string)));

  /** GET /v/phone.<hash>.css: the page's one stylesheet, kept by phones for a year (its address changes with it). */
  app.get(PHONE_CSS_PATH, async (_request, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/css; charset=utf-8').send(PHONE_CSS));

  function send(reply: FastifyReply, status: number, html: string): FastifyReply {
    // A page per code and visit: no cache keeps it, and the form's response id is fresh each time it is shown.
    return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  }

  const message = (reply: FastifyReply, language: Language, code: string, kind: MessageKind, values?: Record<string, string | number>) =>
    send(reply, STATUS[kind], messagePage(language, code, kind, values));

  const languageOf = (request: CodeRequest, visit: CheckedVisit | null): Language => pickLanguage(request.query.lang, request.headers['accept-language'], visit?.branch.defaultLanguage ?? 'en');

  /**
   * The code checked; when it is not valid, the refusal counted against the address and the
   * page answered (429 once too many). Null when answered.
   */
  async function checked(request: CodeRequest, reply: FastifyReply): Promise<CheckedVisit | null> {
    const { code } = request.params;
    const check = await checkVisitCode(db, code, now());
    if (check.ok) return check.visit;
    const language = languageOf(request, check.problem === 'expired' ? check.visit : null);
    if (check.problem === 'expired') {
      message(reply, language, code, 'expired');
      return null;
    }
    const counted = await attempts.take(createHash('sha256').update(`visit code by address|${addressKey(request)}`).digest('hex'), limits.visitCodeByAddress, now());
    if (!counted.ok) {
      const seconds = Math.max(1, Math.ceil(counted.retryAfterMs / 1000));
      request.log.warn({ limit: 'visit code by address', retryAfterS: seconds }, 'attempts limited');
      reply.header('retry-after', String(seconds));
      message(reply, language, code, 'limited', { minutes: Math.ceil(seconds / 60) });
      return null;
    }
    message(reply, language, code, 'invalid');
    return null;
  }

  const formOf = (request: CodeRequest, visit: CheckedVisit, survey: PhoneSurvey, language: Language, responseId: string): FormPage => ({
    language,
    code: request.params.code,
    questionnaire: survey.questionnaire,
    surveyId: survey.id,
    version: survey.version,
    responseId,
    visit: { branch: visit.branch.name, counter: visit.counter.name, at: visit.claim.kind === 'visit' ? visit.claim.at : null, timeZone: visit.branch.timeZone },
  });

  /** GET /v/:code: the survey's form, or the page that says why there is none. */
  app.get<{ Params: { code: string }; Querystring: { lang?: unknown } }>('/v/:code', async (request, reply) => {
    const visit = await checked(request, reply);
    if (!visit) return reply;
    const language = languageOf(request, visit);
    const { code } = request.params;
    if (await responseOfCode(db, visit.read.codeId)) return message(reply, language, code, 'used');
    const survey = await runningSurveyAt(db, visit.branch.id, 'phone', surveyDayOf(visit, now()));
    if (!survey) return message(reply, language, code, 'none');
    return send(reply, 200, formPage(formOf(request, visit, survey, language, uuidv7())));
  });

  /**
   * POST /v/:code (a form): the answers, checked as a lobby tablet's are; problems show the form
   * again with what was given and each problem beside its question (400, nothing stored). A
   * send of the same form again (its response id) is the thank-you again; the code used by
   * another response is "already used". The unique code id makes two sends at once one response.
   */
  app.post<{ Params: { code: string }; Querystring: { lang?: unknown } }>('/v/:code', async (request, reply) => {
    const visit = await checked(request, reply);
    if (!visit) return reply;
    const language = languageOf(request, visit);
    const { code } = request.params;
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const sentId = form.get('response') ?? '';
    const responseId = v.is(RecordIdSchema, sentId) ? sentId : uuidv7();
    const thanks = () => message(reply, language, code, 'thanks', { branch: visit.branch.name });
    const used = await responseOfCode(db, visit.read.codeId);
    if (used) return used.id === responseId ? thanks() : message(reply, language, code, 'used');

    const at = now();
    const running = await runningSurveyAt(db, visit.branch.id, 'phone', surveyDayOf(visit, at));
    if (!running) return message(reply, language, code, 'none');
    // Answers belong to the wording shown: the version the form names, while its survey still runs here.
    const sentVersion = Number(form.get('version'));
    const shown = form.get('survey') === running.id && Number.isInteger(sentVersion) && sentVersion >= 1 && sentVersion <= running.version ? await surveyVersion(db, running.id, sentVersion) : null;
    const survey = shown ?? running;
    const given = givenOf(survey.questionnaire, form);
    const { answers, problems, formProblem } = answersOf(survey.questionnaire, given);
    if (!shown || problems.size > 0 || formProblem) {
      return send(reply, 400, formPage({ ...formOf(request, visit, survey, language, responseId), given, problems, formProblem: shown ? formProblem : 'changed' }));
    }

    const stored = await inTransaction(db, (trx) =>
      insertSurveyResponses(trx, [
        {
          id: responseId,
          survey_id: survey.id,
          version: survey.version,
          branch_id: visit.branch.id,
          channel: 'phone',
          device_id: visit.deviceId,
          counter_id: visit.counter.id,
          teller_id: visit.tellerId,
          visited_at: visit.claim.at,
          code_id: visit.read.codeId,
          language,
          answers: JSON.stringify(answers),
          created_at: at,
          received_at: at,
          day: localDayOf(at, visit.branch.timeZone),
          content_hash: null,
        },
      ]),
    );
    if (stored.has(responseId)) {
      request.log.info({ surveyId: survey.id, version: survey.version, branchId: visit.branch.id, kind: visit.claim.kind }, 'phone survey answered');
      return thanks();
    }
    // Another send got there first: this same form (a double tap), or another with this code.
    const holder = await responseOfCode(db, visit.read.codeId);
    return holder?.id === responseId ? thanks() : message(reply, language, code, 'used');
  });
};

/** The phone page's address for a code, at the origin a request reached. */
export const phoneUrlOf = (request: FastifyRequest, code: string): string => `${request.protocol}://${request.host}${VISIT_PATH}${code}`;
