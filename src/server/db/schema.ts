import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The server's tables, declared once; row types flow from here.
 * Every time is an integer of epoch milliseconds, so SQLite and PostgreSQL answer alike.
 */
export interface Database {
  regions: RegionTable;
  branches: BranchTable;
  counters: CounterTable;
  devices: DeviceTable;
  enrollment_codes: EnrollmentCodeTable;
  ratings: RatingTable;
  tellers: TellerTable;
  reasons: ReasonTable;
  shift_events: ShiftEventTable;
  topics: TopicTable;
  opinions: OpinionTable;
  case_events: CaseEventTable;
  opinion_reads: OpinionReadTable;
  settings: SettingTable;
  rating_days: RatingDayTable;
  rating_branch_days: RatingBranchDayTable;
  rating_reason_days: RatingReasonDayTable;
  opinion_days: OpinionDayTable;
  complaint_cases: ComplaintCaseTable;
  case_days: CaseDayTable;
  day_closes: DayCloseTable;
  staff_accounts: StaffAccountTable;
  sessions: SessionTable;
  staff_sessions: StaffSessionTable;
  attempts: AttemptTable;
  retired_tokens: RetiredTokenTable;
  audit_log: AuditLogTable;
  blankings: BlankingTable;
  job_runs: JobRunTable;
  alert_rules: AlertRuleTable;
  alerts: AlertTable;
  alert_events: AlertEventTable;
  webhooks: WebhookTable;
  email_recipients: EmailRecipientTable;
  notifications: NotificationTable;
  notification_attempts: NotificationAttemptTable;
  queue_systems: QueueSystemTable;
  queue_events: QueueEventTable;
  match_dirty: MatchDirtyTable;
  tickets: TicketTable;
  rating_flags: RatingFlagTable;
  rating_exclusions: RatingExclusionTable;
  wait_days: WaitDayTable;
  wait_hours: WaitHourTable;
  wait_score_days: WaitScoreDayTable;
  surveys: SurveyTable;
  survey_versions: SurveyVersionTable;
  survey_responses: SurveyResponseTable;
  survey_answers: SurveyAnswerTable;
}

/** How a staff-made record was attested: a staff session the server checked, or the tablet's own PIN check. */
export type AttestationColumn = 'server' | 'tablet';

/** sha256 of the record's canonical JSON (domain/attestation.ts); null for rows stored before migration 0007. */
interface ContentHashColumn {
  content_hash: string | null;
}

/** What a staff-made record says of its maker's check (migration 0007). */
interface AttestationColumns {
  attestation: ColumnType<AttestationColumn, AttestationColumn | undefined, AttestationColumn>;
  /** The staff session that signed it, when the server verified the signature. */
  staff_session_id: string | null;
}

/** A region: branches grouped under one regional manager (migration 0010). */
export interface RegionTable {
  id: string;
  name: string;
  created_at: number;
}

export interface BranchTable {
  id: string;
  name: string;
  default_language: string;
  rating_cooldown_ms: ColumnType<number, number | undefined, number>;
  /** Bumped by every edit of the branch or its counters; devices pull when theirs differs. */
  config_version: ColumnType<number, number | undefined, number>;
  /** Spoken prompts on the branch's tablets: 0 or 1. */
  speech_enabled: ColumnType<number, number | undefined, number>;
  /** IANA time zone of the branch: its report days are its calendar days (migration 0006). */
  time_zone: ColumnType<string, string | undefined, string>;
  /** The voice's locale per screen language, JSON such as {"zh-Hant":"zh-HK"}; null: the defaults (migration 0009). */
  voices: ColumnType<string | null, string | null | undefined, string | null>;
  /** The region the branch belongs to; null: none, head office alone oversees it (migration 0010). */
  region_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: number;
}

export interface CounterTable {
  id: string;
  branch_id: string;
  name: string;
  created_at: number;
  /** What the branch's queue system calls the counter ("3", "W03"), unique in the branch; null: not mapped (migration 0014). */
  queue_code: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DeviceTable {
  id: string;
  branch_id: string;
  counter_id: string | null;
  mode: string;
  label: string | null;
  /** sha256 of the bearer token, hex; the token itself is never stored. */
  token_hash: string;
  enrolled_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
  /** The last DeviceHealth the device reported, as JSON text. */
  health: string | null;
  /**
   * The device's reference-code prefix (0–675, decision 0004): unique in its branch and
   * never given again, revoked devices keep theirs. Null only past 676 devices in a branch.
   */
  reference_prefix: number | null;
  /** When the current token was issued (enrollment or the last rotation). */
  token_issued_at: number | null;
  /** The token the current one replaced, valid until `previous_token_until` once the new one is used. */
  previous_token_hash: string | null;
  previous_token_until: number | null;
  /** A retired token was used again: a copy of this tablet's token is in use elsewhere. */
  clone_suspected_at: number | null;
  /** JSON: what was seen when the copy was detected (address, time). */
  clone_detail: string | null;
  /** The address of the last request, as the server saw it. */
  last_address: string | null;
  /** What staff call the tablet, e.g. "Window 3, left"; null: none (migration 0011). */
  place_label: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Tokens a device held before its current and previous ones; any use of one is a copy's. */
export interface RetiredTokenTable {
  token_hash: string;
  device_id: string;
  retired_at: number;
}

export interface EnrollmentCodeTable {
  /** sha256 of the normalized code, hex. */
  code_hash: string;
  branch_id: string;
  counter_id: string | null;
  mode: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  device_id: string | null;
  /** The device a tablet enrolled with this code replaces, revoked as it enrolls; null: none (migration 0011). */
  replaces_device_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RatingTable extends ContentHashColumn {
  /** Arrival order, stamped by the database; never sent by a device. */
  seq: Generated<number>;
  id: string;
  branch_id: string;
  counter_id: string;
  device_id: string;
  score: string;
  /** JSON array of reason ids. */
  reasons: string;
  language: string;
  /** Null only for ratings stored before tellers existed (migration 0002). */
  teller_id: string | null;
  sign_in_id: string | null;
  /** The device's clock: data, never the order. */
  created_at: number;
  /** The server's clock when the batch was stored. */
  received_at: number;
  /** `created_at`'s calendar day in the branch's time zone, YYYY-MM-DD: the roll-ups' day. */
  day: string;
  /** The tablet's clock offset the push reported (server minus tablet, ms); null: unknown (migration 0014). */
  clock_offset_ms: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface TellerTable {
  id: string;
  branch_id: string;
  staff_number: string;
  name: string;
  /** A data URL (JPEG, PNG or WebP), or null. */
  photo: string | null;
  stars: number;
  /** PBKDF2 of the PIN (domain/pin.ts), base64; the PIN itself is never stored. */
  pin_salt: string;
  pin_hash: string;
  pin_iterations: number;
  /** 0 or 1: 1 while the PIN is one the server made or an admin set, until its owner chooses their own (0012). */
  pin_must_change: ColumnType<number, number | undefined, number>;
  /** 0 or 1. An inactive teller leaves the roster but stays known to ingest. */
  active: ColumnType<number, number | undefined, number>;
  /** 'teller', 'lobby-staff', 'complaint-manager' or 'branch-manager' (repositories/tellers.ts ROSTER_ROLES). */
  role: ColumnType<string, string | undefined, string>;
  created_at: number;
}

export interface ReasonTable {
  branch_id: string;
  id: string;
  /** JSON array of the scores that offer this reason. */
  scores: string;
  /** JSON object: the label in each product language. */
  labels: string;
  /** 1-based order on the tablet. */
  position: number;
  /** 0 or 1. */
  active: ColumnType<number, number | undefined, number>;
}

export interface ShiftEventTable extends ContentHashColumn, AttestationColumns {
  seq: Generated<number>;
  id: string;
  branch_id: string;
  counter_id: string;
  device_id: string;
  teller_id: string;
  sign_in_id: string;
  type: string;
  created_at: number;
  received_at: number;
}

export interface TopicTable {
  branch_id: string;
  id: string;
  /** JSON array of the opinion kinds that offer this topic. */
  kinds: string;
  /** JSON object: the label in each product language. */
  labels: string;
  /** 1-based order on the tablet. */
  position: number;
  /** 0 or 1. An inactive topic leaves the tablets but stays known to ingest. */
  active: ColumnType<number, number | undefined, number>;
}

export interface OpinionTable extends ContentHashColumn {
  seq: Generated<number>;
  id: string;
  branch_id: string;
  device_id: string;
  opinion_kind: string;
  topic_id: string;
  text: string;
  /** The optional "how was your visit": each part may be left out. */
  visit_score: string | null;
  visit_counter_id: string | null;
  visit_teller_id: string | null;
  /** Contact details: all null when the customer gave none, all set (phone or e-mail may be '') when they did. */
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  /** 0 or 1; null without contact details. */
  wants_reply: number | null;
  /** 1: the customer consented to be contacted (required with contact details); null without them. */
  consent: number | null;
  reference_code: string;
  language: string;
  created_at: number;
  received_at: number;
  /** `created_at`'s calendar day in the branch's time zone, YYYY-MM-DD. */
  day: string;
  /** 1: it came with contact details; kept when they are blanked, so the roll-ups still count it (migration 0008). */
  had_contact: ColumnType<number, number | undefined, number>;
  /** The consent text's version (domain/consent.ts) agreed to; null without contact details or before versions (version 1). */
  consent_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** When retention or an erasure blanked the contact details; the customer's words. Null while kept. */
  contact_blanked_at: ColumnType<number | null, number | null | undefined, number | null>;
  text_blanked_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface CaseEventTable extends ContentHashColumn, AttestationColumns {
  /** Arrival order, and the order the server folds a case in; the devices' pull cursor (decision 0006). */
  seq: Generated<number>;
  id: string;
  branch_id: string;
  case_id: string;
  device_id: string;
  staff_id: string;
  role: string;
  type: string;
  /** The whole CaseEvent as pushed, as JSON text. */
  payload: string;
  /** The opinion-box entry an 'opened' event names; null for every other event (migration 0005). */
  opinion_id: string | null;
  created_at: number;
  received_at: number;
  /** 'applied' or 'refused': what applyCaseEvent made of it when it arrived. */
  status: string;
  /** The CaseRefusal and its message when refused; null when applied. */
  reason: string | null;
  message: string | null;
  /** When retention or an erasure blanked the customer's words in `payload` (migration 0008). */
  text_blanked_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface OpinionReadTable extends ContentHashColumn, AttestationColumns {
  /** Arrival order: breaks a tie between two marks made at the same millisecond. */
  seq: Generated<number>;
  /** The entry-read record's device-made id: a batch sent again is stored once. */
  id: string;
  opinion_id: string;
  branch_id: string;
  device_id: string;
  staff_id: string;
  /** The review role the staff member read it in: 'complaint-manager' or 'branch-manager'. */
  role: string;
  /** The tablet's clock when the entry was marked read: the earliest mark is the first read. */
  created_at: number;
  received_at: number;
}

/** Network-wide settings by key (repositories/settings.ts); a key without a row has its default. */
export interface SettingTable {
  key: string;
  /** JSON text, checked by the service that wrote it. */
  value: string;
  updated_at: number;
}

/** Score counts of a roll-up row, one column per score of the counter evaluator. */
interface ScoreColumns {
  very_satisfied: ColumnType<number, number | undefined, number>;
  satisfied: ColumnType<number, number | undefined, number>;
  neutral: ColumnType<number, number | undefined, number>;
  dissatisfied: ColumnType<number, number | undefined, number>;
}

/** Ratings by branch, day, counter and teller (teller '' for ratings from before tellers existed). */
export interface RatingDayTable extends ScoreColumns {
  branch_id: string;
  day: string;
  counter_id: string;
  teller_id: string;
}

/** Ratings by branch and day: what the overview and head office's comparison read. */
export interface RatingBranchDayTable extends ScoreColumns {
  branch_id: string;
  day: string;
}

/** How often each reason was picked, by branch, day, counter and teller. */
export interface RatingReasonDayTable {
  branch_id: string;
  day: string;
  counter_id: string;
  teller_id: string;
  reason_id: string;
  count: ColumnType<number, number | undefined, number>;
}

/** Opinion-box entries by branch, day, kind and topic. */
export interface OpinionDayTable {
  branch_id: string;
  day: string;
  opinion_kind: string;
  topic_id: string;
  count: ColumnType<number, number | undefined, number>;
  with_contact: ColumnType<number, number | undefined, number>;
}

/** Each complaint case as the server's fold last left it. */
export interface ComplaintCaseTable {
  id: string;
  branch_id: string;
  /** The day it was opened in the branch's zone: the day its tally counts in. */
  opened_day: string;
  channel: string;
  topic_id: string | null;
  status: string;
  opened_at: number;
  /** The domain ComplaintCase as JSON text (plus `topicId`). */
  state: string;
  updated_at: number;
  /** When retention or an erasure blanked the summary in `state` (migration 0008). */
  text_blanked_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Case tallies (domain/metrics.ts CaseTally) by branch, opening day, channel and topic ('' for none). */
export interface CaseDayTable {
  branch_id: string;
  day: string;
  channel: string;
  topic_id: string;
  opened: ColumnType<number, number | undefined, number>;
  replied: ColumnType<number, number | undefined, number>;
  followed_up: ColumnType<number, number | undefined, number>;
  at_fault: ColumnType<number, number | undefined, number>;
  not_at_fault: ColumnType<number, number | undefined, number>;
  escalated: ColumnType<number, number | undefined, number>;
  signed_off: ColumnType<number, number | undefined, number>;
}

/** A branch's day close: the first "close day" pressed, and the manager's confirmation. */
export interface DayCloseTable {
  branch_id: string;
  day: string;
  started_at: number | null;
  /** The staff member (roster id) who pressed "close day" first. */
  started_by: string | null;
  started_device_id: string | null;
  confirmed_at: number | null;
  /** The staff number of the account that confirmed. */
  confirmed_by: string | null;
  /** JSON array of DayCloseDevice: the devices not synced when confirmed. */
  gaps: string | null;
  /** How the staff member who started the close was checked; null before it started. */
  started_attestation: AttestationColumn | null;
  started_session_id: string | null;
}

/** A dashboard account: a roster member (teller_id) or head office (head_office 1, no teller). */
export interface StaffAccountTable {
  staff_number: string;
  teller_id: string | null;
  name: string;
  head_office: ColumnType<number, number | undefined, number>;
  /** scrypt, self-describing: `scrypt$N$r$p$salt$hash` (base64). */
  password: string;
  active: ColumnType<number, number | undefined, number>;
  created_at: number;
  updated_at: number;
  /** 1: the password was set by someone else (first run, an admin's reset) and must be changed at sign-in. */
  must_change_password: ColumnType<number, number | undefined, number>;
  /** A regional manager's region (migration 0010); null for every other account. */
  region_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A dashboard session: only the hash of the cookie's token is kept. */
export interface SessionTable {
  token_hash: string;
  staff_number: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** A member of staff signed in on a tablet with the PIN checked by the server (migration 0007). */
export interface StaffSessionTable {
  id: string;
  device_id: string;
  branch_id: string;
  staff_id: string;
  role: string;
  /** The HMAC key the tablet signs the session's records with, base64url; see the migration. */
  key: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  /** The server's clock minus the tablet's at sign-in. */
  clock_offset_ms: ColumnType<number, number | undefined, number>;
}

/** Refused attempts by key in a fixed window, shared by every server process (plugins/attempt-limits.ts). */
export interface AttemptTable {
  key: string;
  count: number;
  window_ends_at: number;
}

/** One act on customers' personal data (services/audit.ts): append-only. */
export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  action: string;
  /** Who, as the server verified them: a staff id, a dashboard staff number, an OS account. */
  actor: string;
  actor_role: string;
  /** How: 'staff-session' (PIN checked by the server), 'dashboard-session' (password), 'server-shell' (the CLI). */
  verified: string;
  device_id: string | null;
  address: string | null;
  branch_id: string | null;
  /** What it was about: a record id, a customer's request, a report. */
  subject: string;
  /** JSON: counts and record ids, never the data. */
  detail: string;
}

/** What retention or an erasure blanked, in order: the feed the lobby tablets prune their copies by. */
export interface BlankingTable {
  seq: Generated<number>;
  branch_id: string;
  /** 'opinion' or 'case'. */
  subject_kind: string;
  subject_id: string;
  /** 'retention' or 'erasure'. */
  reason: string;
  at: number;
}

/** A daily job's claim on its day: the server whose insert lands runs it. */
export interface JobRunTable {
  job: string;
  day: string;
  started_at: number;
  finished_at: number | null;
  /** JSON: what it did, as counts. */
  detail: string | null;
}

/** An alert rule of one kind (domain/alerts.ts) for the network (branch_id '') or one branch, whose row wins (migration 0013). */
export interface AlertRuleTable {
  branch_id: string;
  kind: string;
  enabled: number;
  /** JSON: the kind's parameters (AlertRuleParams). */
  params: string;
  /** Minutes an alert may wait unacknowledged before it goes up a level. */
  ack_minutes: number;
  updated_at: number;
  /** Who set it: a dashboard staff number, or the shell's account for the CLI. */
  updated_by: string;
}

/** One alert: what it is about, where, when it happened and when it was raised, who has it now, who acknowledged it. */
export interface AlertTable {
  /** The order alerts were raised in. */
  seq: Generated<number>;
  id: string;
  /** What it is about, once (domain/alerts.ts alertDedupeKey): raising it again is a no-op. */
  dedupe_key: string;
  kind: string;
  branch_id: string;
  counter_id: string | null;
  teller_id: string | null;
  /** 'rating', 'opinion', 'case' or 'day'. */
  source_kind: string;
  source_id: string | null;
  /** JSON AlertDetail: the score and reasons, the count and window, the figure and target, the deadline. */
  detail: string;
  /** When it happened: the rating's own time (the tablet's clock), the entry's, the deadline's. */
  occurred_at: number;
  /** The server's clock when it was raised. */
  raised_at: number;
  /** 1: its record reached the server long after it was made (an offline tablet); shown with its real time. */
  late: number;
  /** Who has it: 'branch', 'region' or 'head-office' (AlertLevel). */
  level: string;
  /** When it goes up a level unless acknowledged; null once acknowledged or at the top. */
  escalate_at: number | null;
  acknowledged_at: number | null;
  /** A dashboard staff number or a roster staff id, as the server verified them. */
  acknowledged_by: string | null;
  acknowledged_name: string | null;
  /** 'dashboard-session' or 'staff-session'. */
  acknowledged_via: string | null;
  comment: string | null;
  /** The complaint case it was turned into. */
  case_id: string | null;
}

/** Every change of an alert in order: the live stream's feed and what notifications tell (AlertEventType). */
export interface AlertEventTable {
  seq: Generated<number>;
  alert_id: string;
  branch_id: string;
  /** 'raised', 'escalated', 'acknowledged', 'case-opened'. */
  type: string;
  /** The alert's level after the event. */
  level: string;
  at: number;
  actor: string | null;
  /** JSON: the comment, the case id, the levels. */
  detail: string;
}

/** An outside system alerts and digests are posted to, signed with its secret. */
export interface WebhookTable {
  id: string;
  name: string;
  url: string;
  /** The HMAC-SHA256 key of the signature header; shown once when made. */
  secret: string;
  /** Its scope: both null for the whole network; a region's or a branch's. */
  region_id: string | null;
  branch_id: string | null;
  /** JSON array of NotificationEvent. */
  events: string;
  enabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}

/** A person who gets alerts or digests by e-mail, through the SMTP server the server is configured with. */
export interface EmailRecipientTable {
  id: string;
  address: string;
  name: string;
  /** The language the messages are written in. */
  language: string;
  region_id: string | null;
  branch_id: string | null;
  /** JSON array of NotificationEvent. */
  events: string;
  enabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}

/** One message to one target ('webhook' or 'email'), made with what it tells and delivered by the worker that leases it. */
export interface NotificationTable {
  id: string;
  channel: string;
  target_id: string;
  /** 'alert-event' (subject_id: the event's seq) or 'digest' (subject_id: day and scope). */
  subject_kind: string;
  subject_id: string;
  branch_id: string | null;
  region_id: string | null;
  /** What it tells, fixed when made (services/notify.ts NotificationPayload as JSON): a webhook's body as is; an e-mail is written from it in its recipient's language. */
  body: string;
  /** 'pending', 'delivered', 'failed' (gave up; a replay makes it pending again). */
  status: string;
  attempts: number;
  next_attempt_at: number;
  /** A worker's claim: no other worker takes it before then. */
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  /** Who replayed it, for its next try's log row; null once that try is made, and for the worker's own tries. */
  replay_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Each try to deliver a notification: the delivery log. */
export interface NotificationAttemptTable {
  seq: Generated<number>;
  notification_id: string;
  at: number;
  ok: number;
  /** The webhook's HTTP status; null for e-mail or when nothing answered. */
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  /** Who asked for this try again by hand (a replay); null for the worker's own tries. */
  replay_by: string | null;
}

/** A branch's queue system and the hash of its key (migration 0014). */
export interface QueueSystemTable {
  id: string;
  branch_id: string;
  name: string;
  token_hash: string;
  created_at: number;
  /** The account that made it. */
  created_by: string;
  revoked_at: number | null;
  last_seen_at: number | null;
  last_address: string | null;
}

/** A ticket's step as the queue system told it; unique by (branch_id, day, ticket, type, at). */
export interface QueueEventTable {
  seq: Generated<number>;
  branch_id: string;
  /** The branch's calendar day of `at`: ticket numbers start again each day. */
  day: string;
  ticket: string;
  /** domain/queue.ts QueueEventType. */
  type: string;
  at: number;
  /** Our counter, mapped from the queue system's code; null for `issued`. */
  counter_id: string | null;
  service_type: string | null;
  queue_system_id: string;
  /** 'post' or 'import'. */
  source: string;
  received_at: number;
}

/** A branch-day whose tickets, join, flags and waiting roll-ups must be recomputed. */
export interface MatchDirtyTable {
  branch_id: string;
  day: string;
  marked_at: number;
  /** How many times the day was marked again since this mark was set (migration 0016): the matcher takes the mark only if it is unchanged. */
  version: Generated<number>;
}

/** A ticket of a branch-day as its events leave it, and the rating the join gave it (derived). */
export interface TicketTable {
  branch_id: string;
  day: string;
  ticket: string;
  service_type: string | null;
  /** The counter of its latest call or start; null while not called. */
  counter_id: string | null;
  issued_at: number | null;
  called_at: number | null;
  started_at: number | null;
  ended_at: number | null;
  /** Issued to called (or started, when no call was told); null while either is unknown. */
  wait_ms: number | null;
  /** Started to ended; null while either is unknown. */
  service_ms: number | null;
  /** The branch's local hour of issue (of the first event told, when issue was not), 0–23. */
  hour: number | null;
  rating_id: string | null;
  rating_score: string | null;
  /** The rating's corrected time. */
  rated_at: number | null;
}

/** A flagged rating (derived): kinds comma-separated in FLAG_KINDS order, evidence as JSON (domain/queue.ts FlagEvidence). */
export interface RatingFlagTable {
  rating_id: string;
  branch_id: string;
  /** The branch-day the rating was checked in: its corrected time's day. */
  day: string;
  counter_id: string;
  teller_id: string | null;
  score: string;
  created_at: number;
  corrected_at: number;
  kinds: string;
  evidence: string;
}

/** A rating a branch manager kept out of the assessment, with why and who (a fact, not derived). */
export interface RatingExclusionTable {
  rating_id: string;
  branch_id: string;
  /** ratings.day of the rating: the day its roll-up counts were taken from. */
  day: string;
  reason: string;
  /** The account id, and its name as it was. */
  excluded_by: string;
  excluded_name: string;
  excluded_at: number;
}

/** The waiting-time bucket counts w0…w25 (domain/queue.ts WAIT_BUCKET_EDGES_MIN). */
type WaitBucketCounts = { [K in `w${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25}`]: ColumnType<number, number | undefined, number> };

interface WaitColumns extends WaitBucketCounts {
  /** Tickets issued, and of them those whose wait is known. */
  tickets: ColumnType<number, number | undefined, number>;
  waited: ColumnType<number, number | undefined, number>;
  /** Tickets served start to end, and their service times summed. */
  served: ColumnType<number, number | undefined, number>;
  service_ms: ColumnType<number, number | undefined, number>;
}

/** Tickets by branch, day, counter ('' while not called) and local hour of issue (derived). */
export interface WaitDayTable extends WaitColumns {
  branch_id: string;
  day: string;
  counter_id: string;
  hour: number;
}

/** Tickets by branch, day and local hour of issue, with the counters that served them (derived). */
export interface WaitHourTable extends WaitColumns {
  branch_id: string;
  day: string;
  hour: number;
  counters: ColumnType<number, number | undefined, number>;
}

/** Ratings joined to a ticket by the ticket's waiting band (domain/queue.ts waitBandOf), excluded ones left out (derived). */
export interface WaitScoreDayTable extends ScoreColumns {
  branch_id: string;
  day: string;
  counter_id: string;
  band: number;
}

export type RegionRow = Selectable<RegionTable>;
export type TicketRow = Selectable<TicketTable>;
export type QueueSystemRow = Selectable<QueueSystemTable>;
export type RatingFlagRow = Selectable<RatingFlagTable>;
export type AlertRow = Selectable<AlertTable>;
export type NewAlertRow = Insertable<AlertTable>;
export type AlertEventRow = Selectable<AlertEventTable>;
export type WebhookRow = Selectable<WebhookTable>;
export type EmailRecipientRow = Selectable<EmailRecipientTable>;
export type NotificationRow = Selectable<NotificationTable>;
export type BranchRow = Selectable<BranchTable>;
export type CounterRow = Selectable<CounterTable>;
export type DeviceRow = Selectable<DeviceTable>;
export type NewDeviceRow = Insertable<DeviceTable>;
export type EnrollmentCodeRow = Selectable<EnrollmentCodeTable>;
export type RatingRow = Selectable<RatingTable>;
export type NewRatingRow = Insertable<RatingTable>;
export type BranchUpdate = Updateable<BranchTable>;
export type TellerRow = Selectable<TellerTable>;
export type NewTellerRow = Insertable<TellerTable>;
export type ReasonRow = Selectable<ReasonTable>;
export type ShiftEventRow = Selectable<ShiftEventTable>;
export type NewShiftEventRow = Insertable<ShiftEventTable>;
export type TopicRow = Selectable<TopicTable>;
export type OpinionRow = Selectable<OpinionTable>;
export type NewOpinionRow = Insertable<OpinionTable>;
export type CaseEventRow = Selectable<CaseEventTable>;
export type NewCaseEventRow = Insertable<CaseEventTable>;
export type OpinionReadRow = Selectable<OpinionReadTable>;
export type NewOpinionReadRow = Insertable<OpinionReadTable>;
export type SettingRow = Selectable<SettingTable>;
export type ComplaintCaseRow = Selectable<ComplaintCaseTable>;
export type DayCloseRow = Selectable<DayCloseTable>;
export type StaffAccountRow = Selectable<StaffAccountTable>;
export type SessionRow = Selectable<SessionTable>;
export type StaffSessionRow = Selectable<StaffSessionTable>;

/** A survey and its schedule (migration 0015; domain/survey.ts). */
export interface SurveyTable {
  id: string;
  /** Head office's own name for it ("Spring 2027 service survey"); customers see the version's title. */
  name: string;
  current_version: number;
  /** The first and last day it runs, YYYY-MM-DD, in each branch's own calendar. */
  starts_on: string;
  ends_on: string;
  /** JSON array of branch ids; null: every branch. */
  branch_ids: string | null;
  /** JSON array of channels: 'lobby', 'phone'. */
  channels: string;
  created_at: number;
  /** The dashboard account (or 'cli') that made it. */
  created_by: string;
  updated_at: number;
}

/** One wording of a survey, never edited: answers name the version they were given to. */
export interface SurveyVersionTable {
  survey_id: string;
  version: number;
  /** The questionnaire as JSON (domain/survey.ts QuestionnaireSchema). */
  questionnaire: string;
  created_at: number;
  created_by: string;
}

/** One customer's answers to one version, from a lobby tablet or a phone. */
export interface SurveyResponseTable extends ContentHashColumn {
  seq: Generated<number>;
  /** The lobby record's device-made id, or the phone page's: a resend is stored once. */
  id: string;
  survey_id: string;
  version: number;
  branch_id: string;
  /** 'lobby' or 'phone'. */
  channel: string;
  /** The lobby tablet that pushed it, or the counter tablet whose visit code the phone used; null for a printed card. */
  device_id: string | null;
  /** From a visit code or a card: the counter, the teller who served (null: none signed in, or a card) and the visit's time. */
  counter_id: string | null;
  teller_id: string | null;
  visited_at: number | null;
  /** The visit code's id (domain/visit-code.ts codeId) a phone answered with; unique, so a code is used once. Null from a lobby tablet. */
  code_id: string | null;
  language: string;
  /** The answers as JSON (domain/survey.ts Answer[]), as given. */
  answers: string;
  /** The tablet's clock (lobby) or the server's (phone) when the answers were given. */
  created_at: number;
  received_at: number;
  /** `created_at`'s day at the branch, YYYY-MM-DD. */
  day: string;
  /** When retention blanked its short-text answers (services/privacy.ts): they are gone from `answers` and `survey_answers`. */
  text_blanked_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** The answers of a response one per row (one per option chosen of a multiple choice), for the reports. */
export interface SurveyAnswerTable {
  response_id: string;
  survey_id: string;
  question_id: string;
  /** The question's type: faces, recommend, single, multiple, text. */
  type: string;
  score: string | null;
  value: number | null;
  option_id: string | null;
  text: string | null;
}
export type SurveyRow = Selectable<SurveyTable>;
export type SurveyVersionRow = Selectable<SurveyVersionTable>;
export type NewSurveyResponseRow = Insertable<SurveyResponseTable>;
export type NewSurveyAnswerRow = Insertable<SurveyAnswerTable>;
