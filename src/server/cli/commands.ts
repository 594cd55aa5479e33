import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PRIVACY_COMMANDS } from './privacy-commands.ts';
import { QUEUE_COMMANDS } from './queue-commands.ts';
import { recordAudit, shellActor } from '../services/audit.ts';
import { choice, positional, required, str, table, text, time, wholeNumber, type Command, type Parsed } from './args.ts';
import type { Kysely } from 'kysely';
import { reportScope } from '../../domain/access.ts';
import type { ReplyDeadlines } from '../../domain/case.ts';
import { isLanguage, LANGUAGES as SCREEN_LANGUAGES, type Language } from '../../domain/language.ts';
import { enrollmentLinkOf } from '../../domain/enrollment-link.ts';
import { enrollmentQrSvg } from '../enrollment-qr.ts';
import { writePrivateFile } from '../private-files.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Voices } from '../../domain/voice.ts';
import { createDatabaseFromEnv } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import { listAccounts, type AccountHolder } from '../repositories/accounts.ts';
import { listBranches } from '../repositories/branches.ts';
import { listCounters } from '../repositories/counters.ts';
import { listDevices } from '../repositories/devices.ts';
import { latestOpinions } from '../repositories/opinions.ts';
import { latestRatings } from '../repositories/ratings.ts';
import { listItems, offeredOf, type ListedItem, type ListTable } from '../repositories/labelled-lists.ts';
import { latestShiftEvents } from '../repositories/shift-events.ts';
import { listTellers, ROSTER_ROLES, type StoredTeller } from '../repositories/tellers.ts';
import { readPhotoFile } from '../photos.ts';
import { addHeadOfficeAccount, addRosterAccount, editAccount, viewerOf } from '../services/accounts.ts';
import { addRegionalAccount } from '../services/regions.ts';
import { listRegions } from '../repositories/regions.ts';
import { addBranch, addCounter, defaultBranchTimeZone, editBranch, renameCounter } from '../services/branches.ts';
import { editNetworkBranch, addNetworkRegion, renameNetworkRegion, setNetworkSettings, type NetworkActor } from '../services/network.ts';
import { issueEnrollmentCode, referencePrefixText, type CodeTarget } from '../services/enrollment.ts';
import { revokeDeviceById } from '../services/fleet.ts';
import { parseInput } from '../services/input.ts';
import { editTablet, replacementSheet, replaceTablet } from '../services/tablets.ts';
import { TabletEditSchema } from '../../domain/manage-tablets.ts';
import type { ItemEdit, ItemInput } from '../services/labelled-lists.ts';
import { addReason, editReason, setReasonOrder } from '../services/reasons.ts';
import { setCounterQueueCode } from '../services/queue-systems.ts';
import { rebuildRollups } from '../services/report-rollups.ts';
import { readCaseDeadlines } from '../services/settings.ts';
import { addTeller, editTeller } from '../services/tellers.ts';
import { addTopic, editTopic, setTopicOrder } from '../services/topics.ts';

/**
 * The admin CLI: `npm run admin -- <command>`. Thin on purpose: each command parses its
 * arguments, calls one repository or service function and prints the answer, so tests can
 * call the same functions. Uses the server's DATABASE_URL / DATA_DIR.
 */


const now = () => Date.now();

/** A branch's voices as `branch:set --voice` takes them: zh-Hans=zh-CN,zh-Hant=zh-HK,en=en-GB,es=es-ES. */
const voicesText = (voices: Voices): string => SCREEN_LANGUAGES.map((language) => `${language}=${voices[language]}`).join(',');

/** `--voice zh-Hant=zh-HK,es=es-MX`: the language each locale speaks; the service checks the pairs. */
function voicePairs(value: string | boolean | undefined): Result<Partial<Record<Language, string>> | undefined> {
  if (value === undefined) return ok(undefined);
  const pairs: Partial<Record<Language, string>> = {};
  for (const pair of String(value).split(',')) {
    const [language = '', locale, ...extra] = pair.trim().split('=');
    if (!isLanguage(language) || !locale || extra.length > 0) {
      return err('invalid-input', `--voice takes <lang>=<locale> pairs such as zh-Hant=zh-HK (lang one of ${SCREEN_LANGUAGES.join(', ')}), not "${pair.trim()}".`);
    }
    pairs[language] = locale;
  }
  return ok(pairs);
}

/** The shell's operator: head office's powers, audited as the OS account that ran the command. */
const operator = (): NetworkActor => ({ actor: shellActor() });

/** `--region <regionId|none>`: a region, none (null), or unchanged (undefined); the service checks the id. */
const regionOption = (value: string | boolean | undefined): string | null | undefined => (value === undefined ? undefined : String(value) === 'none' ? null : String(value));

/** What the commands of one labelled list say of it; the rest is the same for reasons and topics. */
type ListCommands = {
  list: ListTable;
  noun: 'reason' | 'topic';
  /** The option that names what offers an item, and an example value (every choice). */
  offered: { option: 'scores' | 'kinds'; example: string };
  listSummary: string;
  /** Where `<noun>:add` puts the item: "a branch's list". */
  addsTo: string;
  add(db: Kysely<Database>, input: ItemInput & { scores?: string[]; kinds?: string[] }): Promise<Result<ListedItem<ListTable>>>;
  edit(db: Kysely<Database>, branchId: string, id: string, changes: ItemEdit & { scores?: string[]; kinds?: string[] }): Promise<Result<ListedItem<ListTable>>>;
  order(db: Kysely<Database>, branchId: string, ids: readonly string[]): Promise<Result<ListedItem<ListTable>[]>>;
};

const REASON_COMMANDS: ListCommands = {
  list: 'reasons',
  noun: 'reason',
  offered: { option: 'scores', example: 'neutral,dissatisfied' },
  listSummary: 'list the reasons offered after a neutral or dissatisfied rating, in order',
  addsTo: "a branch's list",
  add: addReason,
  edit: editReason,
  order: setReasonOrder,
};

const TOPIC_COMMANDS: ListCommands = {
  list: 'topics',
  noun: 'topic',
  offered: { option: 'kinds', example: 'complaint,suggestion,praise,question' },
  listSummary: 'list the topics the lobby opinion box offers, in order',
  addsTo: "a branch's opinion-box list",
  add: addTopic,
  edit: editTopic,
  order: setTopicOrder,
};

/** `<list>`, `<noun>:add` and `<noun>:set` of a branch's labelled list. */
function labelledListCommands({ list: listName, noun, offered: { option, example }, listSummary, addsTo, add, edit, order }: ListCommands): Record<string, Command> {
  const Noun = noun[0]!.toUpperCase() + noun.slice(1);
  return {
    [listName]: {
      usage: `${listName} [--branch <branchId>]`,
      summary: listSummary,
      options: { branch: text },
      run: async (db, { values }) => {
        const rows = (await listItems(db, listName, { branchId: str(values.branch) })).map((item) => [
          item.branchId,
          `${item.position}`,
          item.id,
          offeredOf(item).join(','),
          item.active ? 'yes' : 'no',
          ...LANGUAGES.map((lang) => item.labels[lang]),
        ]);
        return ok(table(['branch', '#', 'id', option, 'active', ...LANGUAGES], rows));
      },
    },
    [`${noun}:add`]: {
      usage: `${noun}:add --branch <branchId> --id <slug> --en <text> --es <text> --zh-Hans <text> --zh-Hant <text> [--${option} ${example}]`,
      summary: `add a ${noun} at the end of ${addsTo}`,
      options: { branch: text, id: text, en: text, es: text, 'zh-Hans': text, 'zh-Hant': text, [option]: text },
      run: async (db, { values }) => {
        const branch = required(values, 'branch', `${noun}:add`);
        const id = required(values, 'id', `${noun}:add`);
        const labels = LANGUAGES.map((lang) => required(values, lang, `${noun}:add`));
        for (const r of [branch, id, ...labels]) if (!r.ok) return r;
        const added = await add(db, { branchId: val(branch), id: val(id), [option]: list(values[option]), labels: labelsOf(values) });
        return added.ok ? ok(`Added ${noun} "${added.value.id}" to branch ${added.value.branchId} at position ${added.value.position}.`) : added;
      },
    },
    [`${noun}:set`]: {
      usage: `${noun}:set --branch <branchId> <${noun}Id> [--en|--es|--zh-Hans|--zh-Hant <text>] [--${option} …] [--position N] [--active yes|no]`,
      summary: `change a ${noun}'s labels, ${option} or place, or stop offering it`,
      options: { branch: text, en: text, es: text, 'zh-Hans': text, 'zh-Hant': text, [option]: text, position: text, active: text },
      argument: `${noun}Id`,
      run: async (db, { values, positionals }) => {
        const branch = required(values, 'branch', `${noun}:set`);
        const id = positional(positionals, `${noun}Id`, `${noun}:set`);
        const position = wholeNumber(values.position, 'position');
        const active = choice(values.active, 'active', 'yes', 'no');
        if (!branch.ok) return branch;
        if (!id.ok) return id;
        if (!position.ok) return position;
        if (!active.ok) return active;
        const edited = await edit(db, branch.value, id.value, { labels: labelsOf(values), [option]: list(values[option]), position: position.value, active: active.value });
        if (!edited.ok) return edited;
        const item = edited.value;
        return ok(
          `${Noun} "${item.id}" of branch ${item.branchId}: position ${item.position}, ${offeredOf(item).join(',')}, ${item.active ? 'active' : 'inactive'}, "${item.labels.en}".`,
        );
      },
    },
    [`${noun}s:order`]: {
      usage: `${noun}s:order --branch <branchId> --ids <id>,<id>,…`,
      summary: `put every ${noun} of a branch in a new order (the dashboard's move up and down)`,
      options: { branch: text, ids: text },
      run: async (db, { values }) => {
        const branch = required(values, 'branch', `${noun}s:order`);
        const ids = required(values, 'ids', `${noun}s:order`);
        if (!branch.ok) return branch;
        if (!ids.ok) return ids;
        const ordered = await order(db, branch.value, list(ids.value) ?? []);
        return ordered.ok ? ok(`${Noun}s of branch ${branch.value}: ${ordered.value.map((item) => item.id).join(', ')}.`) : ordered;
      },
    },
  };
}

const COMMANDS: Record<string, Command> = {
  ...PRIVACY_COMMANDS,
  ...QUEUE_COMMANDS,
  branches: {
    usage: 'branches',
    summary: 'list branches',
    options: {},
    run: async (db) => {
      const rows = (await listBranches(db)).map((b) => [
        b.id,
        b.name,
        b.defaultLanguage,
        `${b.ratingCooldownMs}`,
        `${b.configVersion}`,
        time(b.createdAt),
        b.speech ? 'on' : 'off',
        voicesText(b.voices),
        b.timeZone,
      ]);
      return ok(table(['id', 'name', 'lang', 'cooldown ms', 'config v', 'created', 'speech', 'voices', 'time zone'], rows));
    },
  },
  'branch:add': {
    usage: 'branch:add --name <name> [--lang en|es|zh-Hans|zh-Hant] [--time-zone <IANA zone>] [--region <regionId|none>]',
    summary: "add a branch (with the default reasons and opinion-box topics), in a region or none; its zone is BRANCH_TIME_ZONE's or the server's unless given",
    options: { name: text, lang: text, 'time-zone': text, region: text },
    run: async (db, { values }, env) => {
      const name = required(values, 'name', 'branch:add');
      if (!name.ok) return name;
      const timeZone = str(values['time-zone']) ?? defaultBranchTimeZone(env);
      const region = regionOption(values.region);
      const added = await addBranch(db, { name: name.value, defaultLanguage: str(values.lang), timeZone }, now());
      if (!added.ok) return added;
      // Through the same service as the dashboard's move, so the operator's act is audited.
      if (region !== undefined && region !== null) {
        const moved = await editNetworkBranch(db, operator(), added.value.id, { regionId: region }, now());
        if (!moved.ok) return err('invalid-input', `Added branch ${added.value.id}, but not to the region: ${moved.message}`);
      }
      const inRegion = region === undefined ? '' : ` Region: ${region ?? 'none'}.`;
      return ok(`Added branch ${added.value.id} "${added.value.name}" (${added.value.defaultLanguage}). Time zone: ${added.value.timeZone}.${inRegion}`);
    },
  },
  'branch:set': {
    usage: 'branch:set <branchId> [--name <name>] [--lang <lang>] [--cooldown <ms>] [--speech on|off] [--voice <lang>=<locale>[,…]] [--time-zone <IANA zone>] [--region <regionId|none>]',
    summary:
      "change a branch's name, language, rating cooldown, spoken prompts, the voice each language is spoken in (--voice zh-Hant=zh-HK for Cantonese, zh-Hant=zh-TW for Mandarin; es=es-ES|es-MX, en=en-GB|en-US, zh-Hans=zh-CN) or time zone (a new zone moves its records to their days there)",
    options: { name: text, lang: text, cooldown: text, speech: text, voice: text, 'time-zone': text, region: text },
    argument: 'branchId',
    run: async (db, { values, positionals }) => {
      const id = positional(positionals, 'branchId', 'branch:set');
      const cooldown = wholeNumber(values.cooldown, 'cooldown');
      const speech = choice(values.speech, 'speech', 'on', 'off');
      const voices = voicePairs(values.voice);
      if (!id.ok) return id;
      if (!cooldown.ok) return cooldown;
      if (!speech.ok) return speech;
      if (!voices.ok) return voices;
      const region = regionOption(values.region);
      if (region !== undefined) {
        const moved = await editNetworkBranch(db, operator(), id.value, { regionId: region }, now());
        if (!moved.ok) return err('invalid-input', moved.message);
        const onlyRegion = ['name', 'lang', 'cooldown', 'speech', 'voice', 'time-zone'].every((option) => values[option] === undefined);
        if (onlyRegion) return ok(`Branch ${id.value} is now in region ${region ?? 'none'}.`);
      }
      const edited = await editBranch(db, id.value, {
        name: str(values.name),
        defaultLanguage: str(values.lang),
        ratingCooldownMs: cooldown.value,
        speech: speech.value,
        voices: voices.value,
        timeZone: str(values['time-zone']),
      });
      if (!edited.ok) return edited;
      const b = edited.value;
      return ok(
        `Branch ${b.id}: "${b.name}", ${b.defaultLanguage}, cooldown ${b.ratingCooldownMs} ms, time zone ${b.timeZone}, speech ${b.speech ? 'on' : 'off'}, voices ${voicesText(b.voices)}, config version ${b.configVersion}.`,
      );
    },
  },
  'rollups:rebuild': {
    usage: 'rollups:rebuild [--branch <branchId>]',
    summary: "recompute the report roll-ups from the stored records: every branch's, or one's",
    options: { branch: text },
    run: async (db, { values }) => {
      const rebuilt = await rebuildRollups(db, str(values.branch));
      if (!rebuilt.ok) return rebuilt;
      const n = rebuilt.value.branches;
      return ok(`Rebuilt the report roll-ups of ${n} branch${n === 1 ? '' : 'es'}.`);
    },
  },
  counters: {
    usage: 'counters [--branch <branchId>]',
    summary: 'list counters',
    options: { branch: text },
    run: async (db, { values }) => {
      const rows = (await listCounters(db, str(values.branch))).map((c) => [c.id, c.branchId, c.name, time(c.createdAt), c.queueCode ?? '-']);
      return ok(table(['id', 'branch', 'name', 'created', 'queue code'], rows));
    },
  },
  'counter:add': {
    usage: 'counter:add --branch <branchId> --name <name>',
    summary: 'add a counter (teller window) to a branch',
    options: { branch: text, name: text },
    run: async (db, { values }) => {
      const branch = required(values, 'branch', 'counter:add');
      const name = required(values, 'name', 'counter:add');
      if (!branch.ok) return branch;
      if (!name.ok) return name;
      const added = await addCounter(db, { branchId: branch.value, name: name.value }, now());
      return added.ok ? ok(`Added counter ${added.value.id} "${added.value.name}" to branch ${added.value.branchId}.`) : added;
    },
  },
  'counter:set': {
    usage: 'counter:set <counterId> [--name <name>] [--queue-code <code|none>]',
    summary: "rename a counter (counters are never deleted: their ratings name them), or set what the branch's queue system calls it (none: not mapped; audited)",
    options: { name: text, 'queue-code': text },
    argument: 'counterId',
    run: async (db, { values, positionals }) => {
      const id = positional(positionals, 'counterId', 'counter:set');
      if (!id.ok) return id;
      const name = str(values.name);
      const queueCode = str(values['queue-code']);
      if (name === undefined && queueCode === undefined) return err('invalid-input', 'counter:set needs --name or --queue-code; see `npm run admin -- help`.');
      const said: string[] = [];
      if (name !== undefined) {
        const renamed = await renameCounter(db, id.value, name);
        if (!renamed.ok) return renamed;
        said.push(`Counter ${renamed.value.id} of branch ${renamed.value.branchId} is now "${renamed.value.name}".`);
      }
      if (queueCode !== undefined) {
        const set = await setCounterQueueCode(db, { actor: shellActor() }, id.value, queueCode === 'none' ? null : queueCode, now());
        if (!set.ok) return set;
        const { counter } = set.value;
        said.push(counter.queueCode === null ? `Counter ${counter.id} is mapped to no queue code.` : `Counter ${counter.id} is the queue system's counter ${counter.queueCode}.`);
      }
      return ok(said.join('\n'));
    },
  },
  'code:create': {
    usage: 'code:create (--counter <counterId> | --lobby --branch <branchId>) [--hours 24] [--url <the app\'s address> [--qr <file.svg>]]',
    summary: "make a one-time code that enrolls a tablet at a counter, or as a branch's lobby opinion box; with --url, the link that fills it in too, and with --qr, that link as a QR code",
    options: { counter: text, lobby: { type: 'boolean' }, branch: text, hours: text, url: text, qr: text },
    run: async (db, { values }) => {
      const target = codeTarget(values);
      if (!target.ok) return target;
      const app = appUrl(values.url);
      if (!app.ok) return app;
      const qrFile = str(values.qr);
      if (qrFile !== undefined && !app.value) return err('invalid-input', '--qr needs --url: the QR code holds the link to the app, at its address.');
      if (qrFile !== undefined && !qrFile.endsWith('.svg')) return err('invalid-input', `--qr writes an SVG file: give a name ending in .svg, not "${qrFile}".`);
      const hours = values.hours === undefined ? undefined : Number(values.hours);
      const issued = await issueEnrollmentCode(db, { ...target.value, hours }, now());
      if (!issued.ok) return issued;
      // "Lobby enrollment code:" for the lobby, so a script reading "Enrollment code:" cannot mistake one for the other.
      const label = issued.value.mode === 'lobby' ? 'Lobby enrollment code' : 'Enrollment code';
      const url = app.value ? enrollmentLinkOf(app.value, issued.value.formatted) : null;
      const link = url ? `\n${issued.value.mode === 'lobby' ? 'Lobby enrollment link' : 'Enrollment link'}: ${url}` : '';
      // Readable by this account only: the QR code holds the code.
      if (url && qrFile) writePrivateFile(qrFile, enrollmentQrSvg(url, issued.value.formatted));
      const qr = url && qrFile ? `\nQR code: ${resolve(qrFile)}` : '';
      return ok(`${label}: ${issued.value.formatted}${link}${qr}\nExpires: ${time(issued.value.expiresAt)} (it works once)`);
    },
  },
  tellers: {
    usage: 'tellers [--branch <branchId>]',
    summary: 'list tellers (never their PINs)',
    options: { branch: text },
    run: async (db, { values }) => {
      const rows = (await listTellers(db, { branchId: str(values.branch) })).map((t) => [
        t.id,
        t.branchId,
        t.staffNumber,
        t.name,
        t.role,
        '★'.repeat(t.stars),
        t.photo === null ? '-' : `${Math.ceil(t.photo.length / 1000)} KB`,
        t.active ? 'yes' : 'no',
        time(t.createdAt),
      ]);
      return ok(table(['id', 'branch', 'staff no', 'name', 'role', 'stars', 'photo', 'active', 'created'], rows));
    },
  },
  'teller:add': {
    usage:
      'teller:add --branch <branchId> --staff-number <n> --name <name> --pin <4-8 digits> [--stars 3] [--photo <file.jpg|png|webp>] ' +
      `[--role ${ROSTER_ROLES.join('|')}]`,
    summary: 'add a teller or other member of staff to a branch (role teller unless given; the PIN is stored only as a salted hash)',
    options: { branch: text, 'staff-number': text, name: text, pin: text, stars: text, photo: text, role: text },
    run: async (db, { values }) => {
      const branch = required(values, 'branch', 'teller:add');
      const staffNumber = required(values, 'staff-number', 'teller:add');
      const name = required(values, 'name', 'teller:add');
      const pin = required(values, 'pin', 'teller:add');
      const stars = wholeNumber(values.stars, 'stars');
      for (const r of [branch, staffNumber, name, pin, stars]) if (!r.ok) return r;
      const photo = await photoOption(values.photo);
      if (!photo.ok) return photo;
      const added = await addTeller(
        db,
        { branchId: val(branch), staffNumber: val(staffNumber), name: val(name), pin: val(pin), stars: val(stars), photo: photo.value, role: str(values.role) },
        now(),
      );
      return added.ok ? ok(`Added teller ${added.value.id}: ${describeTeller(added.value)}.\n${ONE_TIME_PIN}`) : added;
    },
  },
  'teller:set': {
    usage: `teller:set <tellerId> [--name <name>] [--stars 1-5] [--pin <digits>] [--photo <file>|none] [--role ${ROSTER_ROLES.join('|')}] [--active yes|no]`,
    summary: "change a teller's name, stars, PIN, photo or role, or take them off the roster",
    options: { name: text, stars: text, pin: text, photo: text, role: text, active: text },
    argument: 'tellerId',
    run: async (db, { values, positionals }) => {
      const id = positional(positionals, 'tellerId', 'teller:set');
      const stars = wholeNumber(values.stars, 'stars');
      const active = choice(values.active, 'active', 'yes', 'no');
      if (!id.ok) return id;
      if (!stars.ok) return stars;
      if (!active.ok) return active;
      const photo = await photoOption(values.photo);
      if (!photo.ok) return photo;
      const edited = await editTeller(db, id.value, {
        name: str(values.name),
        stars: stars.value,
        pin: str(values.pin),
        photo: photo.value,
        role: str(values.role),
        active: active.value,
      });
      return edited.ok ? ok(`Teller ${edited.value.id}: ${describeTeller(edited.value)}.${values.pin === undefined ? '' : `\n${ONE_TIME_PIN}`}`) : edited;
    },
  },
  accounts: {
    usage: 'accounts',
    summary: 'list dashboard accounts; role and branch come from the roster (never shows passwords, only whether one must still be changed)',
    options: {},
    run: async (db) => {
      const rows = (await listAccounts(db)).map((a) => {
        const viewer = viewerOf(a);
        return [
          a.staffNumber,
          viewer?.name ?? a.roster?.name ?? a.name,
          a.headOffice ? 'head-office' : a.regionId !== null ? 'regional-manager' : (a.roster?.role ?? '-'),
          a.headOffice ? 'all' : (a.roster?.branchId ?? '-'),
          a.regionId === null ? '-' : `${a.region?.name ?? 'removed'} (${a.regionId})`,
          a.active ? (viewer ? 'yes' : 'off roster') : 'no',
          a.mustChangePassword ? 'must change' : 'own',
          time(a.createdAt),
        ];
      });
      return ok(table(['staff no', 'name', 'role', 'branch', 'region', 'active', 'password', 'created'], rows));
    },
  },
  'account:add': {
    usage: 'account:add (--teller <tellerId> | --head-office --staff-number <n> --name <name> | --region <regionId> --staff-number <n> --name <name>) --password <password>',
    summary:
      "give a member of a branch's roster (staff number, name, role and branch from the roster), of head office, or a region's regional manager a dashboard sign-in; they choose their own password at the first sign-in",
    options: { teller: text, 'head-office': { type: 'boolean' }, region: text, 'staff-number': text, name: text, password: text },
    run: async (db, { values }) => {
      const target = accountTarget(values);
      const password = required(values, 'password', 'account:add');
      if (!target.ok) return target;
      if (!password.ok) return password;
      // The admin chose this password and may have typed it where others can read it (the
      // shell's history): its owner chooses their own at the first sign-in.
      const t = target.value;
      const added =
        t.kind === 'teller'
          ? await addRosterAccount(db, { tellerId: t.tellerId, password: password.value, mustChangePassword: true }, now())
          : t.kind === 'region'
            ? await addRegionalAccount(db, { staffNumber: t.staffNumber, name: t.name, regionId: t.regionId, password: password.value, mustChangePassword: true }, now())
            : await addHeadOfficeAccount(db, { staffNumber: t.staffNumber, name: t.name, password: password.value, mustChangePassword: true }, now());
      return added.ok ? ok(`Added dashboard account ${describeAccount(added.value)}.`) : added;
    },
  },
  'account:set': {
    usage: 'account:set <staffNumber> [--password <password>] [--active yes|no]',
    summary: "set a dashboard account's password (its owner chooses their own at the next sign-in), or take it off the dashboard (either ends its sessions)",
    options: { password: text, active: text },
    argument: 'staffNumber',
    run: async (db, { values, positionals }) => {
      const staffNumber = positional(positionals, 'staffNumber', 'account:set');
      const active = choice(values.active, 'active', 'yes', 'no');
      if (!staffNumber.ok) return staffNumber;
      if (!active.ok) return active;
      const edited = await editAccount(db, staffNumber.value, { password: str(values.password), active: active.value }, now());
      if (!edited.ok) return edited;
      const { account, sessionsEnded } = edited.value;
      return ok(`Account ${describeAccount(account)}; ${sessionsEnded === 1 ? '1 session' : `${sessionsEnded} sessions`} ended.`);
    },
  },
  regions: {
    usage: 'regions',
    summary: 'list regions: the level between head office and the branches, each with a regional manager',
    options: {},
    run: async (db) => {
      const branches = await listBranches(db);
      const rows = (await listRegions(db)).map((r) => [r.id, r.name, `${branches.filter((b) => b.regionId === r.id).length}`, time(r.createdAt)]);
      return ok(table(['id', 'name', 'branches', 'created'], rows));
    },
  },
  'region:add': {
    usage: 'region:add --name <name>',
    summary: 'add a region (its name unique); give it a regional manager with account:add --region <id>',
    options: { name: text },
    run: async (db, { values }) => {
      const name = required(values, 'name', 'region:add');
      if (!name.ok) return name;
      // Through the same audited service as the dashboard: the audit log names the shell operator.
      const added = await addNetworkRegion(db, operator(), { name: name.value }, now());
      return added.ok ? ok(`Added region ${added.value.id} "${added.value.name}".`) : err('invalid-input', added.message);
    },
  },
  'region:set': {
    usage: 'region:set <regionId> --name <name>',
    summary: 'rename a region',
    options: { name: text },
    argument: 'regionId',
    run: async (db, { values, positionals }) => {
      const id = positional(positionals, 'regionId', 'region:set');
      const name = required(values, 'name', 'region:set');
      if (!id.ok) return id;
      if (!name.ok) return name;
      const renamed = await renameNetworkRegion(db, operator(), id.value, { name: name.value }, now());
      return renamed.ok ? ok(`Region ${renamed.value.id} is now "${renamed.value.name}".`) : err('invalid-input', renamed.message);
    },
  },
  ...labelledListCommands(REASON_COMMANDS),
  ...labelledListCommands(TOPIC_COMMANDS),
  settings: {
    usage: 'settings',
    summary: "show the network's settings: the reply deadlines for complaint cases",
    options: {},
    run: async (db) => ok(describeDeadlines(await readCaseDeadlines(db))),
  },
  'settings:set': {
    usage: 'settings:set [--reply-within-hours 24] [--not-on-spot-within-hours 72] [--target-satisfaction 80] [--target-complaint-rate 5] [--target-follow-up-rate 30] [--wait-target-minutes 15]',
    summary:
      "change the reply deadlines of every branch (1 to 720 hours; every tablet pulls them at its next sync), the programme's targets (0 to 100 %), which the reports judge the figures against, or the waiting-time target (1 to 180 minutes)",
    options: { 'reply-within-hours': text, 'not-on-spot-within-hours': text, 'target-satisfaction': text, 'target-complaint-rate': text, 'target-follow-up-rate': text, 'wait-target-minutes': text },
    run: async (db, { values }) => {
      const reply = wholeNumber(values['reply-within-hours'], 'reply-within-hours');
      const notOnSpot = wholeNumber(values['not-on-spot-within-hours'], 'not-on-spot-within-hours');
      const waitTarget = wholeNumber(values['wait-target-minutes'], 'wait-target-minutes');
      if (!reply.ok) return reply;
      if (!notOnSpot.ok) return notOnSpot;
      if (!waitTarget.ok) return waitTarget;
      const targets: Record<string, number | undefined> = {};
      for (const id of ['satisfaction', 'complaint-rate', 'follow-up-rate'] as const) {
        const given = str(values[`target-${id}`]);
        if (given === undefined) continue;
        if (!/^\d+(\.\d+)?$/.test(given)) return err('invalid-input', `--target-${id} takes a percentage from 0 to 100, not "${given}".`);
        targets[id] = Number(given);
      }
      const set = await setNetworkSettings(db, operator(), { replyWithinHours: reply.value, notOnSpotWithinHours: notOnSpot.value, targets, waitTargetMinutes: waitTarget.value }, now());
      if (!set.ok) return err('invalid-input', set.message);
      const { satisfaction, 'complaint-rate': complaints, 'follow-up-rate': followUp } = set.value.targets;
      const lines = [describeDeadlines(set.value.deadlines)];
      if (reply.value !== undefined || notOnSpot.value !== undefined) lines.push("Every branch's config version was bumped: tablets pull the new deadlines at their next sync.");
      if (Object.keys(targets).length > 0) lines.push(`Targets: satisfaction at least ${satisfaction}%, complaint rate at most ${complaints}%, follow-up rate at least ${followUp}%.`);
      if (waitTarget.value !== undefined) lines.push(`Waiting-time target: called within ${set.value.waitTargetMinutes} minutes.`);
      return ok(lines.join('\n'));
    },
  },
  devices: {
    usage: 'devices [--branch <branchId>]',
    summary: 'list enrolled devices: mode, reference-code prefix, last health and address, a copy of its token seen',
    options: { branch: text },
    run: async (db, { values }) => {
      const rows = (await listDevices(db, str(values.branch))).map((d) => [
        d.id,
        d.branchId,
        d.mode,
        d.counterId ?? '-',
        d.referencePrefix === null ? '-' : referencePrefixText(d.referencePrefix),
        time(d.enrolledAt),
        d.lastSeenAt === null ? 'never' : time(d.lastSeenAt),
        d.revokedAt === null ? '-' : time(d.revokedAt),
        d.health === null ? '?' : `${d.health.outboxDepth}`,
        d.lastAddress ?? '-',
        // Two devices hold its token (decision 0016): revoke it, and enroll the real tablet again.
        d.copySeen === null ? '-' : `${time(d.copySeen.at)} from ${d.copySeen.address ?? '?'}`,
      ]);
      return ok(table(['id', 'branch', 'mode', 'counter', 'prefix', 'enrolled', 'last seen', 'revoked', 'outbox', 'address', 'token copy refused'], rows));
    },
  },
  'device:revoke': {
    usage: 'device:revoke <deviceId>',
    summary: 'stop a device from syncing, at once',
    options: {},
    argument: 'deviceId',
    run: async (db, { positionals }) => {
      const id = positional(positionals, 'deviceId', 'device:revoke');
      if (!id.ok) return id;
      const revoked = await revokeDeviceById(db, id.value, now());
      return revoked.ok ? ok(`Revoked device ${revoked.value.id} at ${time(revoked.value.revokedAt ?? now())}.`) : revoked;
    },
  },
  'device:set': {
    usage: "device:set <deviceId> [--label <text, '' clears it>] [--counter <counterId>]",
    summary: "name a tablet's place (up to 60 characters), or move a counter tablet to another counter of its branch (it pulls it at its next sync)",
    options: { label: text, counter: text },
    argument: 'deviceId',
    run: async (db, { positionals, values }) => {
      const id = positional(positionals, 'deviceId', 'device:set');
      if (!id.ok) return id;
      const edit = parseInput(TabletEditSchema, { label: str(values.label), counterId: str(values.counter) });
      if (!edit.ok) return err('invalid-input', `${edit.message.replace(/^nothing to change: give a label or a counterId$/, 'nothing to change: give --label or --counter')}`);
      const set = await editTablet(db, 'shell', { deviceId: id.value, edit: edit.value, actor: shellActor() }, now());
      if (!set.ok) return err(set.reason === 'not-found' ? 'device-not-found' : 'invalid-input', set.message);
      const d = set.value;
      return ok(`Device ${d.id}: ${d.mode === 'counter' ? `counter ${d.counterName ?? '-'}` : 'lobby'}, label ${d.placeLabel === null ? '(none)' : `"${d.placeLabel}"`}.`);
    },
  },
  'device:replace': {
    usage: "device:replace <deviceId> [--url <the app's address> [--qr <file.svg>]]",
    summary: 'make a one-time code (24 hours) for a new tablet at the same place: as it enrolls, the old one is revoked and its label passes on',
    options: { url: text, qr: text },
    argument: 'deviceId',
    run: async (db, { positionals, values }) => {
      const id = positional(positionals, 'deviceId', 'device:replace');
      if (!id.ok) return id;
      const app = appUrl(values.url);
      if (!app.ok) return app;
      const qrFile = str(values.qr);
      if (qrFile !== undefined && !app.value) return err('invalid-input', '--qr needs --url: the QR code holds the link to the app, at its address.');
      if (qrFile !== undefined && !qrFile.endsWith('.svg')) return err('invalid-input', `--qr writes an SVG file: give a name ending in .svg, not "${qrFile}".`);
      const replaced = await replaceTablet(db, 'shell', { deviceId: id.value, actor: shellActor() }, now());
      if (!replaced.ok) return err(replaced.reason === 'not-found' ? 'device-not-found' : 'invalid-input', replaced.message);
      const { issued, place, branchName } = replaced.value;
      const sheet = app.value ? replacementSheet(replaced.value, app.value) : null;
      // Readable by this account only: the QR code holds the code.
      if (sheet && qrFile) writePrivateFile(qrFile, sheet.qrSvg);
      return ok(
        [
          `Replacement code for device ${id.value} (${place ?? 'lobby'}, ${branchName}): ${issued.formatted}`,
          ...(sheet ? [`Enrollment link: ${sheet.link}`] : []),
          ...(sheet && qrFile ? [`QR code: ${resolve(qrFile)}`] : []),
          `Expires: ${time(issued.expiresAt)} (it works once). The old tablet syncs until the new one enrolls, then it is revoked: let it send what it holds first.`,
        ].join('\n'),
      );
    },
  },
  ratings: {
    usage: 'ratings [--limit 20] [--json]',
    summary: 'show the latest ratings, newest first',
    options: { limit: text, json: { type: 'boolean' } },
    run: async (db, { values }) => {
      const limit = wholeNumber(values.limit, 'limit');
      if (!limit.ok) return limit;
      if (limit.value !== undefined && (limit.value < 1 || limit.value > 10_000)) return err('invalid-input', '--limit must be from 1 to 10000');
      const ratings = await latestRatings(db, limit.value ?? 20);
      if (values.json) return ok(JSON.stringify(ratings, null, 2));
      const rows = ratings.map((r) => [
        `${r.seq}`,
        r.id,
        r.counterId,
        r.tellerId ?? '-',
        r.score,
        r.reasons.join(',') || '-',
        time(r.createdAt),
        time(r.receivedAt),
      ]);
      return ok(table(['seq', 'id', 'counter', 'teller', 'score', 'reasons', 'created', 'received'], rows));
    },
  },
  shifts: {
    usage: 'shifts [--limit 20] [--json]',
    summary: 'show the latest shift events (sign-in, pause, resume, sign-out), newest first',
    options: { limit: text, json: { type: 'boolean' } },
    run: async (db, { values }) => {
      const limit = wholeNumber(values.limit, 'limit');
      if (!limit.ok) return limit;
      if (limit.value !== undefined && (limit.value < 1 || limit.value > 10_000)) return err('invalid-input', '--limit must be from 1 to 10000');
      const events = await latestShiftEvents(db, limit.value ?? 20);
      if (values.json) return ok(JSON.stringify(events, null, 2));
      const rows = events.map((e) => [`${e.seq}`, e.type, e.tellerId, e.signInId, e.counterId, time(e.createdAt), time(e.receivedAt)]);
      return ok(table(['seq', 'type', 'teller', 'sign-in', 'counter', 'created', 'received'], rows));
    },
  },
  opinions: {
    usage: 'opinions [--branch <branchId>] [--limit 20] [--json]',
    summary: 'show the latest opinion-box entries with their contact details, newest first (--json: whole texts)',
    options: { branch: text, limit: text, json: { type: 'boolean' } },
    run: async (db, { values }) => {
      const limit = wholeNumber(values.limit, 'limit');
      if (!limit.ok) return limit;
      if (limit.value !== undefined && (limit.value < 1 || limit.value > 10_000)) return err('invalid-input', '--limit must be from 1 to 10000');
      const branchId = str(values.branch);
      const opinions = await latestOpinions(db, { branchId, limit: limit.value ?? 20 });
      // Contact details are about to be shown: the audit log says who saw which (docs/privacy.md).
      await recordAudit(
        db,
        shellActor(),
        { action: 'contact-view', branchId: branchId ?? null, subject: 'cli-opinions', detail: { entries: opinions.length, withContact: opinions.filter((o) => o.contact).map((o) => o.id) } },
        now(),
      );
      if (values.json) return ok(JSON.stringify(opinions, null, 2));
      // Names read better than ids for the person who answers the complaint.
      const [counters, tellers] = await Promise.all([listCounters(db, branchId), listTellers(db, { branchId })]);
      const counterName = new Map(counters.map((c) => [c.id, c.name]));
      const tellerName = new Map(tellers.map((t) => [t.id, t.name]));
      const rows = opinions.map((o) => [
        time(o.receivedAt),
        o.referenceCode,
        o.opinionKind,
        o.topicId,
        o.language,
        excerpt(o.text),
        o.visit?.score ?? '-',
        o.visit?.counterId ? (counterName.get(o.visit.counterId) ?? o.visit.counterId) : '-',
        o.visit?.tellerId ? (tellerName.get(o.visit.tellerId) ?? o.visit.tellerId) : '-',
        o.contact?.name || '-',
        o.contact?.phone || '-',
        o.contact?.email || '-',
        o.contact ? (o.contact.wantsReply ? 'yes' : 'no') : '-',
      ]);
      return ok(table(['received', 'reference', 'kind', 'topic', 'lang', 'text', 'score', 'counter', 'teller', 'name', 'phone', 'e-mail', 'reply'], rows));
    },
  },
};

/** How much of an opinion's text the table shows; --json has all of it. */
const EXCERPT_CHARACTERS = 40;

/** The start of a text on one line, with an ellipsis when there is more. */
function excerpt(text: string): string {
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  return characters.length <= EXCERPT_CHARACTERS ? characters.join('') : `${characters.slice(0, EXCERPT_CHARACTERS - 1).join('').trimEnd()}…`;
}

/** --counter <id> for a counter tablet, or --lobby --branch <id> for the lobby's opinion box. */
function codeTarget(values: Parsed['values']): Result<CodeTarget> {
  const usage = 'see `npm run admin -- help`.';
  if (values.lobby) {
    if (values.counter !== undefined) return err('invalid-input', `code:create takes --counter or --lobby, not both: a lobby tablet has no counter; ${usage}`);
    const branch = required(values, 'branch', 'code:create --lobby');
    return branch.ok ? ok({ mode: 'lobby', branchId: branch.value }) : branch;
  }
  if (values.branch !== undefined) return err('invalid-input', `code:create --branch goes with --lobby; a counter tablet's code names its counter: --counter <counterId>; ${usage}`);
  const counter = required(values, 'counter', 'code:create');
  return counter.ok ? ok({ counterId: counter.value }) : counter;
}

/** --url: the address the tablets open the app at (https://, or http:// on a test bench), for the enrollment link; none without it. */
function appUrl(value: unknown): Result<string | null> {
  if (value === undefined) return ok(null);
  const url = URL.canParse(String(value)) ? new URL(String(value)) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return err('invalid-input', `--url must be the app's address, such as https://branchvoice.example.com/, not "${String(value)}".`);
  return ok(url.toString());
}

const LANGUAGES = ['en', 'es', 'zh-Hans', 'zh-Hant'] as const;

/** The value of a Result already checked to be ok. */
const val = <T>(result: Result<T>): T => (result as { value: T }).value;

/** The label options given, by language; absent ones stay undefined. */
const labelsOf = (values: Parsed['values']) => Object.fromEntries(LANGUAGES.map((lang) => [lang, str(values[lang])]));

const list = (value: string | boolean | undefined): string[] | undefined =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : undefined;

/** --photo <file> reads the file; --photo none removes the photo; no --photo leaves it. */
async function photoOption(value: string | boolean | undefined): Promise<Result<string | null | undefined>> {
  if (typeof value !== 'string') return ok(undefined);
  if (value === 'none') return ok(null);
  return readPhotoFile(value);
}

const describeDeadlines = (d: ReplyDeadlines): string =>
  `Reply within: ${d.replyWithinHours} hours\nNot answered on the spot (handed on): ${d.notOnSpotWithinHours} hours`;

/** --teller <id> for a roster member, or --head-office or --region <id> with a staff number and name of its own. */
function accountTarget(
  values: Parsed['values'],
): Result<{ kind: 'teller'; tellerId: string } | { kind: 'head-office'; staffNumber: string; name: string } | { kind: 'region'; regionId: string; staffNumber: string; name: string }> {
  if (values.region !== undefined) {
    if (values.teller !== undefined || values['head-office']) return err('invalid-input', 'account:add takes one of --teller, --head-office or --region: a regional manager has no branch roster.');
    const regionId = required(values, 'region', 'account:add --region');
    const staffNumber = required(values, 'staff-number', 'account:add --region');
    const name = required(values, 'name', 'account:add --region');
    if (!regionId.ok) return regionId;
    if (!staffNumber.ok) return staffNumber;
    return name.ok ? ok({ kind: 'region', regionId: regionId.value, staffNumber: staffNumber.value, name: name.value }) : name;
  }
  if (values['head-office']) {
    if (values.teller !== undefined) return err('invalid-input', 'account:add takes --teller or --head-office, not both: head office has no branch roster.');
    const staffNumber = required(values, 'staff-number', 'account:add --head-office');
    const name = required(values, 'name', 'account:add --head-office');
    if (!staffNumber.ok) return staffNumber;
    return name.ok ? ok({ kind: 'head-office', staffNumber: staffNumber.value, name: name.value }) : name;
  }
  if (values['staff-number'] !== undefined || values.name !== undefined) {
    return err('invalid-input', 'account:add --teller takes the staff number and name from the roster; --staff-number and --name go with --head-office or --region.');
  }
  const teller = required(values, 'teller', 'account:add');
  return teller.ok ? ok({ kind: 'teller', tellerId: teller.value }) : teller;
}

/** `1001 "Mei Chen", branch-manager of branch <id>, active`: what the account may see is the roster's say. */
function describeAccount(a: AccountHolder): string {
  const viewer = viewerOf(a);
  const who = a.headOffice
    ? 'head office, every branch'
    : a.regionId !== null
      ? `regional manager of ${a.region ? `region "${a.region.name}"` : 'a region since removed'}`
      : a.roster
        ? `${a.roster.role} of branch ${a.roster.branchId}`
        : 'no longer on a roster';
  const status = !a.active ? 'inactive' : !viewer ? 'off the roster: cannot sign in' : reportScope(viewer).kind === 'none' ? 'active, sees no reports in this role' : 'active';
  const password = a.mustChangePassword ? ', chooses a password of their own at the next sign-in' : '';
  return `${a.staffNumber} "${viewer?.name ?? a.roster?.name ?? a.name}", ${who}, ${status}${password}`;
}

/** Said wherever the CLI sets a PIN (decision 0021). */
const ONE_TIME_PIN = 'The PIN is one-time: at the first sign-in on a tablet, with the network up, its owner must choose their own.';

const describeTeller = (t: StoredTeller): string =>
  `${t.staffNumber} "${t.name}", ${t.role}, ${t.stars} stars, ${t.photo === null ? 'no photo' : 'photo'}, ${t.active ? 'active' : 'inactive'}, branch ${t.branchId}`;

function help(): string {
  // Usage lines are long (teller:add), so each summary goes on the line below its command.
  return [
    'Usage: npm run admin -- <command> [options]',
    '',
    ...Object.values(COMMANDS).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '  help',
    '      show this help',
    '',
    'Uses DATABASE_URL (postgres://…) when set, else the SQLite file under DATA_DIR (default ./data).',
  ].join('\n');
}








/** Parses the command line; the options allowed are the command's own, strictly. */
function parseCommand(argv: string[]): Result<{ command: Command; args: Parsed } | 'help'> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return ok('help');
  const command = COMMANDS[name];
  if (!command) return err('invalid-input', `Unknown command "${name}".\n\n${help()}`);
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if (!command.argument && positionals.length > 0) {
      return err('invalid-input', `${name} takes no argument "${positionals.join(' ')}".\nUsage: npm run admin -- ${command.usage}`);
    }
    // No option here sets `multiple`, so every value is a string or a boolean.
    return ok({ command, args: { values: values as Parsed['values'], positionals } });
  } catch (error) {
    return err('invalid-input', `${(error as Error).message}\nUsage: npm run admin -- ${command.usage}`);
  }
}

/** What one admin command printed, and its exit code. */
export type AdminRun = { code: number; stdout: string; stderr: string };

/**
 * Runs one admin command as `npm run admin -- <argv>` would, against the database the
 * environment names (DATABASE_URL, else DATA_DIR's SQLite file), and answers what it printed.
 * src/server/cli/admin.ts is the process around it; tests call it in-process.
 */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<AdminRun> {
  const parsed = parseCommand(argv);
  if (!parsed.ok) return failWith(parsed.message);
  if (parsed.value === 'help') return { code: 0, stdout: `${help()}\n`, stderr: '' };
  const database = createDatabaseFromEnv(env);
  try {
    const migrated = await migrateToLatest(database.db);
    if (!migrated.ok) return failWith(migrated.message);
    const result = await parsed.value.command.run(database.db, parsed.value.args, env);
    if (!result.ok) return failWith(result.message);
    return { code: 0, stdout: `${result.value}\n`, stderr: '' };
  } finally {
    await database.destroy();
  }
}

const failWith = (message: string): AdminRun => ({ code: 1, stdout: '', stderr: `${message}\n` });
