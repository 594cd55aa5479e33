import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { verifyPin } from '../../../src/domain/pin.ts';
import { referenceCode, type Opinion } from '../../../src/domain/opinion.ts';
import { PROTOCOL_VERSION } from '../../../src/domain/wire.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { listTellers } from '../../../src/server/repositories/tellers.ts';
import { deviceConfigFor } from '../../../src/server/services/device-config.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { enrollDevice } from '../../../src/server/services/enrollment.ts';
import { signIn } from '../../../src/server/services/sessions.ts';
import { anOpinion, aRating, aShiftEvent, BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { runAdmin } from '../../../src/server/cli/commands.ts';
import { LOBBY_CODE_LINE, runTsx } from '../process.ts';

/** The device a configuration is read for here: its id matters only to a counter's visit key, while a survey runs. */
const DEVICE = '0190a0b0-0000-7000-8000-0000000000de';

const CODE_LINE = /^Enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})$/m;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const UNKNOWN_REGION = '0190a0b0-0000-7000-8000-0000000000ff';

// The smallest valid PNG: one transparent pixel.
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A temp dir with a tiny PNG, a PNG too large for the roster and a text file posing as a JPEG. */
function photoFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'bv-photos-'));
  const files = { png: join(dir, 'mei.png'), large: join(dir, 'large.png'), text: join(dir, 'notes.jpg') };
  writeFileSync(files.png, TINY_PNG);
  writeFileSync(files.large, Buffer.concat([TINY_PNG.subarray(0, 8), Buffer.alloc(160_000)]));
  writeFileSync(files.text, 'not a photo');
  return { dir, files };
}

// The one test that runs the real process (1–3 s to start tsx on a loaded 2-core machine)
// needs more than the unit project's 20 s while Chromium runs beside.
vi.setConfig({ testTimeout: 60_000 });

describeEachDatabase('npm run admin', (kind) => {
  const database = useTestDatabase(kind);
  // The CLI finds the database as the server does: DATABASE_URL, else DATA_DIR's SQLite file.
  const env = (): Record<string, string> =>
    kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url };
  // In-process (runAdmin is what the process runs): a process per command took two minutes.
  // The zone test below runs the real process, so its arguments, output and exit code stay proven.
  const admin = (...args: string[]) => runAdmin(args, { ...process.env, ...env() });

  const photos = photoFiles();
  afterAll(() => rmSync(photos.dir, { recursive: true, force: true }));

  it('given an empty database, when the admin sets up a branch, a counter, a teller and a code, then a tablet enrolls and its records list as JSON', async () => {
    const branch = await admin('branch:add', '--name', 'Harbour Road', '--lang', 'es');
    expect(branch).toMatchObject({ code: 0, stderr: '' });
    const branchId = branch.stdout.match(/Added branch (\S+) "Harbour Road" \(es\)\./)?.[1];
    expect(branchId).toBeDefined();

    const counter = await admin('counter:add', '--branch', branchId!, '--name', 'Window 1');
    const counterId = counter.stdout.match(/Added counter (\S+) "Window 1"/)?.[1];
    expect(counterId).toBeDefined();

    const teller = await admin('teller:add', '--branch', branchId!, '--staff-number', 'T-042', '--name', 'Mei Chen', '--pin', '482913', '--stars', '4', '--photo', photos.files.png);
    expect(teller).toMatchObject({ code: 0, stderr: '' });
    expect(teller.stdout).toMatch(new RegExp(`^Added teller ${UUID}: T-042 "Mei Chen", teller, 4 stars, photo, active, branch ${branchId}\\.$`, 'm'));
    const tellerId = teller.stdout.match(/Added teller (\S+):/)![1]!;

    const code = await admin('code:create', '--counter', counterId!, '--hours', '2');
    expect(code.code).toBe(0);
    const typed = code.stdout.match(CODE_LINE)?.[1];
    expect(code.stdout).toMatch(/^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(it works once\)$/m);

    const device = await enrollDevice(database.current.db, { code: typed! }, Date.now());
    if (!device.ok) throw new Error(device.message);
    // The photo travels as a data URL of the file, and the PIN as a hash that verifies.
    const [rostered] = device.value.config.tellers;
    expect(rostered).toMatchObject({ id: tellerId, staffNumber: 'T-042', stars: 4, photo: `data:image/png;base64,${TINY_PNG.toString('base64')}` });
    expect(await verifyPin('482913', rostered!.pin!)).toBe(true);

    const server = await startTestServer({ db: database.current.db });
    const scope = { branchId: branchId!, counterId: counterId!, tellerId };
    const signedIn = aShiftEvent(scope);
    const signInId = signedIn.signInId;
    const ratings = [aRating({ ...scope, signInId, score: 'dissatisfied', reasons: ['speed'], language: 'es' }), aRating({ ...scope, signInId })];
    const signedOut = aShiftEvent({ ...scope, signInId, type: 'signed-out' });
    await callApi(server, 'POST', '/api/sync/push', { token: device.value.token, body: { protocol: PROTOCOL_VERSION, records: [signedIn, ...ratings, signedOut] } });

    const listed = await admin('ratings', '--json', '--limit', '5');
    expect(listed.code).toBe(0);
    const json = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(json.map((r) => Object.keys(r).sort())).toEqual(
      Array(2).fill(['branchId', 'counterId', 'createdAt', 'deviceId', 'id', 'language', 'reasons', 'receivedAt', 'score', 'seq', 'signInId', 'tellerId']),
    );
    expect(json[1]).toMatchObject({ id: ratings[0]!.id, branchId, counterId, deviceId: device.value.deviceId, tellerId, signInId, score: 'dissatisfied', reasons: ['speed'], language: 'es', createdAt: ratings[0]!.createdAt });
    expect(json[0]!.seq as number).toBeGreaterThan(json[1]!.seq as number);

    const shifts = await admin('shifts', '--json');
    expect(shifts.code).toBe(0);
    const events = (JSON.parse(shifts.stdout) as Record<string, unknown>[]).map((e) => ({ id: e.id, type: e.type, tellerId: e.tellerId, signInId: e.signInId, deviceId: e.deviceId }));
    expect(events).toEqual([signedOut, signedIn].map((e) => ({ id: e.id, type: e.type, tellerId, signInId, deviceId: device.value.deviceId })));

    const branches = await admin('branches');
    const devices = await admin('devices', '--branch', branchId!);
    // config version: 1, +1 for the counter, +1 for the teller
    expect(branches.stdout).toMatch(new RegExp(`^${branchId}\\s+Harbour Road\\s+es\\s+3000\\s+3\\s+\\S+\\s+off\\s+zh-Hans=zh-CN,zh-Hant=zh-TW,en=en-GB,es=es-ES\\s+UTC$`, 'm'));
    expect(devices.stdout).toContain(device.value.deviceId);

    const revoked = await admin('device:revoke', device.value.deviceId);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(`Revoked device ${device.value.deviceId} at `) });
  });

  it('given a teller, when the admin lists and edits tellers, then no PIN or hash is ever printed and each edit shows in the roster', async () => {
    const branchId = (await admin('branch:add', '--name', 'Harbour Road')).stdout.match(/Added branch (\S+)/)![1]!;
    const added = await admin('teller:add', '--branch', branchId, '--staff-number', '7', '--name', 'Ana Ruiz', '--pin', '1234');
    const tellerId = added.stdout.match(/Added teller (\S+):/)![1]!;
    expect(added.stdout).toContain('3 stars, no photo, active');

    const [stored] = await listTellers(database.current.db);
    const listing = await admin('tellers', '--branch', branchId);
    expect(listing).toMatchObject({ code: 0, stderr: '' });
    expect(listing.stdout).toMatch(new RegExp(`^${tellerId}\\s+${branchId}\\s+7\\s+Ana Ruiz\\s+teller\\s+★★★\\s+-\\s+yes\\s`, 'm'));
    for (const secret of ['1234', stored!.pin.hash, stored!.pin.salt]) {
      expect(listing.stdout).not.toContain(secret);
      expect(added.stdout).not.toContain(secret);
    }

    const edited = await admin('teller:set', tellerId, '--name', 'Ana R.', '--stars', '5', '--pin', '987654', '--photo', photos.files.png, '--role', 'complaint-manager', '--active', 'no');
    expect(edited).toMatchObject({
      code: 0,
      stdout: `Teller ${tellerId}: 7 "Ana R.", complaint-manager, 5 stars, photo, inactive, branch ${branchId}.\n` +
        'The PIN is one-time: at the first sign-in on a tablet, with the network up, its owner must choose their own.\n',
    });
    const [after] = await listTellers(database.current.db);
    // A PIN the admin sets is one-time (decision 0021); so is the one teller:add gave.
    expect(after!.pinMustChange).toBe(true);
    expect(await verifyPin('987654', after!.pin)).toBe(true);
    // A manager's hash costs six times a teller's: lobby tablets carry it.
    expect(after!.pin.iterations).toBe(600_000);
    expect(await deviceConfigFor(database.current.db, { id: DEVICE, mode: 'lobby', branchId, counterId: null }, SERVER_NOW)).toMatchObject({ tellers: [] });

    const noPhoto = await admin('teller:set', tellerId, '--photo', 'none', '--active', 'yes');
    expect(noPhoto.stdout).toContain('no photo, active');
    expect((await admin('tellers', '--branch', branchId)).stdout).toMatch(new RegExp(`^${tellerId}\\s+${branchId}\\s+7\\s+Ana R\\.\\s+complaint-manager\\s`, 'm'));

    const shortPin = await admin('teller:add', '--branch', branchId, '--staff-number', '8', '--name', 'Bo Li', '--pin', '1234', '--role', 'branch-manager');
    expect(shortPin).toEqual({
      code: 1,
      stdout: '',
      stderr: "pin: a branch-manager's PIN must be 6 to 8 digits: their acts weigh most, and lobby tablets carry its hash\n",
    });
    const manager = await admin('teller:add', '--branch', branchId, '--staff-number', '8', '--name', 'Bo Li', '--pin', '123456', '--role', 'branch-manager');
    expect(manager.stdout).toMatch(/^Added teller \S+: 8 "Bo Li", branch-manager, 3 stars/m);
    const clerk = (await admin('teller:add', '--branch', branchId, '--staff-number', '9', '--name', 'Cai Lun', '--pin', '1234')).stdout.match(/Added teller (\S+):/)![1]!;
    const promotedWithoutPin = await admin('teller:set', clerk, '--role', 'branch-manager');
    expect(promotedWithoutPin.code).toBe(1);
    expect(promotedWithoutPin.stderr).toBe('pin: Cai Lun becomes a branch-manager, whose PIN must be 6 to 8 digits; give a new one with --pin\n');
    const wrongRole = await admin('teller:set', tellerId, '--role', 'boss');
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toContain('must be one of teller, lobby-staff, complaint-manager, branch-manager');
  });

  it('given a photo too large for the roster, then teller:add explains the limit, exits 1 and adds nobody', async () => {
    const branchId = (await admin('branch:add', '--name', 'Harbour Road')).stdout.match(/Added branch (\S+)/)![1]!;
    const answer = await admin('teller:add', '--branch', branchId, '--staff-number', '7', '--name', 'Ana', '--pin', '1234', '--photo', photos.files.large);
    expect(answer).toEqual({
      code: 1,
      stdout: '',
      stderr: `${photos.files.large} is too large: 214 KB as a data URL, and the limit is 200 KB (about 150 KB of file). Resize it, e.g. to 400×400 pixels, and try again.\n`,
    });
    expect(await listTellers(database.current.db)).toEqual([]);
  });

  it('given a new branch, when the admin adds, moves and edits reasons, then `reasons` lists them in order', async () => {
    const branchId = (await admin('branch:add', '--name', 'Harbour Road')).stdout.match(/Added branch (\S+)/)![1]!;
    const added = await admin('reason:add', '--branch', branchId, '--id', 'queue', '--en', 'Long queue', '--es', 'Cola larga', '--zh-Hans', '排队太久', '--zh-Hant', '排隊太久', '--scores', 'dissatisfied');
    expect(added).toEqual({ code: 0, stdout: `Added reason "queue" to branch ${branchId} at position 7.\n`, stderr: '' });

    const moved = await admin('reason:set', '--branch', branchId, 'queue', '--position', '2', '--en', 'Queue too long');
    expect(moved.stdout).toBe(`Reason "queue" of branch ${branchId}: position 2, dissatisfied, active, "Queue too long".\n`);
    await admin('reason:set', '--branch', branchId, 'environment', '--active', 'no');

    const listing = await admin('reasons', '--branch', branchId);
    const rows = listing.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/\s{2,}/).slice(1, 5));
    expect(rows).toEqual([
      ['1', 'waiting-time', 'neutral,dissatisfied', 'yes'],
      ['2', 'queue', 'dissatisfied', 'yes'],
      ['3', 'attitude', 'neutral,dissatisfied', 'yes'],
      ['4', 'professionalism', 'neutral,dissatisfied', 'yes'],
      ['5', 'speed', 'neutral,dissatisfied', 'yes'],
      ['6', 'explanation', 'neutral,dissatisfied', 'yes'],
      ['7', 'environment', 'neutral,dissatisfied', 'no'],
    ]);
    expect(listing.stdout).toMatch(/\bqueue\s+dissatisfied\s+yes\s+Queue too long\s+Cola larga\s+排队太久\s+排隊太久$/m);

    const speech = await admin('branch:set', branchId, '--speech', 'on');
    // version 1, and one more for each of the four edits
    expect(speech.stdout).toMatch(/speech on, voices zh-Hans=zh-CN,zh-Hant=zh-TW,en=en-GB,es=es-ES, config version 5\.$/m);
  });

  it('given a counter and the lists, when the admin renames the counter and puts the reasons and topics in a new order, then `counters`, `reasons` and `topics` show it; an order missing an item is refused', async () => {
    const branchId = (await admin('branch:add', '--name', 'Harbour Road')).stdout.match(/Added branch (\S+)/)![1]!;
    const counterId = (await admin('counter:add', '--branch', branchId, '--name', 'Window 1')).stdout.match(/Added counter (\S+)/)![1]!;
    expect(await admin('counter:set', counterId, '--name', 'Window One')).toEqual({ code: 0, stdout: `Counter ${counterId} of branch ${branchId} is now "Window One".\n`, stderr: '' });
    expect((await admin('counters', '--branch', branchId)).stdout).toMatch(/Window One/);
    expect(await admin('counter:set', counterId, '--name', '  ')).toMatchObject({ code: 1, stderr: 'name: must not be empty\n' });

    const reasons = ['environment', 'waiting-time', 'attitude', 'professionalism', 'speed', 'explanation'];
    expect((await admin('reasons:order', '--branch', branchId, '--ids', reasons.join(','))).stdout).toBe(`Reasons of branch ${branchId}: ${reasons.join(', ')}.\n`);
    const listed = (await admin('reasons', '--branch', branchId)).stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/\s{2,}/)[2]);
    expect(listed).toEqual(reasons);
    expect(await admin('topics:order', '--branch', branchId, '--ids', 'other,waiting')).toMatchObject({ code: 1, stderr: expect.stringContaining("ids: must name each of the branch's 7 topics once") });
  });

  it('given a Hong Kong branch, when the admin sets Cantonese for 繁體中文 and Mexico\'s Spanish, then the branch and `branches` show them, the rest unchanged', async () => {
    const branchId = (await admin('branch:add', '--name', 'Hong Kong Central', '--lang', 'zh-Hant')).stdout.match(/Added branch (\S+)/)![1]!;
    const set = await admin('branch:set', branchId, '--voice', 'zh-Hant=zh-HK,es=es-MX');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/voices zh-Hans=zh-CN,zh-Hant=zh-HK,en=en-GB,es=es-MX, config version 2\.$/m);
    const again = await admin('branch:set', branchId, '--voice', 'en=en-US');
    expect(again.stdout).toMatch(/voices zh-Hans=zh-CN,zh-Hant=zh-HK,en=en-US,es=es-MX, config version 3\.$/m);
    expect((await admin('branches')).stdout).toContain('zh-Hans=zh-CN,zh-Hant=zh-HK,en=en-US,es=es-MX');
  });

  it('given a lobby tablet, when the admin makes its code and reads the opinions, then the table and the JSON show every entry with its contact details, newest first', async () => {
    // Set up through the services: only the commands under test run as processes.
    const { branch, counter, teller } = await givenBranchWithCounter(database.current);
    const counterDevice = await givenEnrolledDevice(database.current);

    const qrDir = mkdtempSync(join(tmpdir(), 'bv-qr-'));
    const qrFile = join(qrDir, 'lobby.svg');
    const code = await admin('code:create', '--lobby', '--branch', branch.id, '--hours', '2', '--url', 'https://branch.example/app', '--qr', qrFile);
    expect(code).toMatchObject({ code: 0, stderr: '' });
    expect(code.stdout).toMatch(/^Lobby enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})\nLobby enrollment link: https:\/\/branch\.example\/app#enroll=\1\nQR code: \S+lobby\.svg\nExpires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(it works once\)\n$/);
    // The QR code (read by a camera in tests/e2e/enrollment-link.test.ts) holds the code: its file is the owner's only.
    const svg = readFileSync(qrFile, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain(`>${code.stdout.match(LOBBY_CODE_LINE)![1]!}</text>`);
    if (process.platform !== 'win32') expect(statSync(qrFile).mode & 0o777).toBe(0o600);
    rmSync(qrDir, { recursive: true, force: true });
    expect(code.stdout).not.toMatch(CODE_LINE);
    const lobby = await enrollDevice(database.current.db, { code: code.stdout.match(LOBBY_CODE_LINE)![1]! }, SERVER_NOW);
    if (!lobby.ok) throw new Error(lobby.message);
    // The counter tablet has prefix 0 ("22"), so the lobby's is 1 ("23").
    expect(lobby.value).toMatchObject({ mode: 'lobby', referencePrefix: 1, config: { counter: null } });

    const complaint = anOpinion({
      text: 'Only one window was open at lunchtime,\nand the queue reached the door.',
      visit: { score: 'dissatisfied', counterId: counter.id, tellerId: teller.id },
      contact: { name: 'Wong Tai Sin', phone: '+852 9123 4567', email: '', wantsReply: true, consent: true },
      referenceCode: referenceCode(1, 1),
      language: 'zh-Hant',
    });
    const praise = anOpinion({ opinionKind: 'praise', topicId: 'staff', text: 'Very kind.', referenceCode: referenceCode(1, 2) });
    const server = await startTestServer({ db: database.current.db });
    const pushed = await callApi(server, 'POST', '/api/sync/push', { token: lobby.value.token, body: { protocol: PROTOCOL_VERSION, records: [complaint, praise] } });
    expect(pushed.body).toMatchObject({ results: [{ status: 'accepted' }, { status: 'accepted' }] });

    const listing = await admin('opinions', '--branch', branch.id);
    const json = await admin('opinions', '--json');
    const devices = await admin('devices', '--branch', branch.id);

    expect(listing).toMatchObject({ code: 0, stderr: '' });
    const lines = listing.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^received\s+reference\s+kind\s+topic\s+lang\s+text\s+score\s+counter\s+teller\s+name\s+phone\s+e-mail\s+reply$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ['2026-11-23T10:00:00Z', '23-2224', 'praise', 'staff', 'en', 'Very kind.', '-', '-', '-', '-', '-', '-', '-'],
      ['2026-11-23T10:00:00Z', '23-2223', 'complaint', 'waiting', 'zh-Hant', 'Only one window was open at lunchtime,…', 'dissatisfied', 'Window 3', 'Mei Chen', 'Wong Tai Sin', '+852 9123 4567', '-', 'yes'],
    ]);

    // The whole text, line break included, and the contact details as the customer gave them.
    const stored = { seq: expect.any(Number), deviceId: lobby.value.deviceId, receivedAt: SERVER_NOW };
    expect(JSON.parse(json.stdout)).toEqual([
      { ...withoutKind(praise), ...stored },
      { ...withoutKind(complaint), ...stored },
    ]);

    expect(devices.stdout).toMatch(/^id\s+branch\s+mode\s+counter\s+prefix\s+enrolled\s+last seen\s+revoked\s+outbox\s+address\s+token copy refused$/m);
    expect(devices.stdout).toMatch(new RegExp(`^${counterDevice.deviceId}\\s+${branch.id}\\s+counter\\s+${counter.id}\\s+22\\s`, 'm'));
    expect(devices.stdout).toMatch(new RegExp(`^${lobby.value.deviceId}\\s+${branch.id}\\s+lobby\\s+-\\s+23\\s`, 'm'));
  });

  it('given a new branch, when the admin adds, moves and edits topics, then `topics` lists them in order and each edit bumps the config version', async () => {
    const added = await addBranch(database.current.db, { name: 'Harbour Road' }, SERVER_NOW);
    if (!added.ok) throw new Error(added.message);
    const branchId = added.value.id;
    const topic = await admin('topic:add', '--branch', branchId, '--id', 'cards', '--en', 'Cards', '--es', 'Tarjetas', '--zh-Hans', '银行卡', '--zh-Hant', '銀行卡', '--kinds', 'question,complaint');
    expect(topic).toEqual({ code: 0, stdout: `Added topic "cards" to branch ${branchId} at position 8.\n`, stderr: '' });

    const moved = await admin('topic:set', '--branch', branchId, 'cards', '--position', '2', '--en', 'Bank cards');
    expect(moved.stdout).toBe(`Topic "cards" of branch ${branchId}: position 2, complaint,question, active, "Bank cards".\n`);
    const off = await admin('topic:set', '--branch', branchId, 'fees', '--active', 'no', '--kinds', 'complaint');
    expect(off.stdout).toBe(`Topic "fees" of branch ${branchId}: position 4, complaint, inactive, "Fees and charges".\n`);

    const listing = await admin('topics', '--branch', branchId);
    const rows = listing.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/\s{2,}/).slice(1, 5));
    const all = 'complaint,suggestion,praise,question';
    expect(rows).toEqual([
      ['1', 'waiting', all, 'yes'],
      ['2', 'cards', 'complaint,question', 'yes'],
      ['3', 'staff', all, 'yes'],
      ['4', 'fees', 'complaint', 'no'],
      ['5', 'products', all, 'yes'],
      ['6', 'self-service', all, 'yes'],
      ['7', 'premises', all, 'yes'],
      ['8', 'other', all, 'yes'],
    ]);
    expect(listing.stdout).toMatch(/\bcards\s+complaint,question\s+yes\s+Bank cards\s+Tarjetas\s+银行卡\s+銀行卡$/m);
    // version 1, and one more for each of the three edits
    expect((await findBranch(database.current.db, branchId))?.configVersion).toBe(4);
  });

  it('given two branches, when head office sets the reply deadlines, then `settings` shows them and every branch has a new config version', async () => {
    await givenBranchWithCounter(database.current);
    const other = await addBranch(database.current.db, { name: 'Harbour Road' }, SERVER_NOW);
    if (!other.ok) throw new Error(other.message);

    expect(await admin('settings')).toEqual({ code: 0, stdout: 'Reply within: 24 hours\nNot answered on the spot (handed on): 72 hours\n', stderr: '' });
    const set = await admin('settings:set', '--reply-within-hours', '12', '--not-on-spot-within-hours', '48');
    expect(set).toEqual({
      code: 0,
      stdout: "Reply within: 12 hours\nNot answered on the spot (handed on): 48 hours\nEvery branch's config version was bumped: tablets pull the new deadlines at their next sync.\n",
      stderr: '',
    });
    const refused = await admin('settings:set', '--not-on-spot-within-hours', '6');
    expect(refused).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('notOnSpotWithinHours: 6 hours is shorter than the reply deadline of 12 hours') });

    expect((await admin('settings')).stdout).toBe('Reply within: 12 hours\nNot answered on the spot (handed on): 48 hours\n');
    // Main Street: 3 after its counter and teller, Harbour Road: 1; one bump each.
    expect((await findBranch(database.current.db, BRANCH_ID))?.configVersion).toBe(4);
    expect((await findBranch(database.current.db, other.value.id))?.configVersion).toBe(2);
    expect(await deviceConfigFor(database.current.db, { id: DEVICE, mode: 'lobby', branchId: other.value.id, counterId: null }, SERVER_NOW)).toMatchObject({ caseDeadlines: { replyWithinHours: 12, notOnSpotWithinHours: 48 } });
  });

  it('given ratings late in the evening, when the admin moves the branch to Shanghai, then `branches` shows its zone, the ratings move to their day there, and rollups:rebuild keeps them', async () => {
    const added = await runTsx('src/server/cli/admin.ts', ['branch:add', '--name', 'Nanjing Road'], { ...env(), BRANCH_TIME_ZONE: 'Asia/Shanghai' });
    expect(added).toMatchObject({ code: 0, stdout: expect.stringMatching(/ \(en\)\. Time zone: Asia\/Shanghai\.$/m) });
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    const server = await startTestServer({ db: database.current.db });
    const ratings = [aRating({ createdAt: Date.UTC(2026, 10, 23, 10) }), aRating({ createdAt: Date.UTC(2026, 10, 23, 20), score: 'neutral' })];
    await callApi(server, 'POST', '/api/sync/push', { token: device.token, body: { protocol: PROTOCOL_VERSION, records: ratings } });
    const days = () => database.current.db.selectFrom('rating_branch_days').select(['day', 'satisfied', 'neutral']).where('branch_id', '=', BRANCH_ID).orderBy('day').execute();
    expect(await days()).toEqual([{ day: '2026-11-23', satisfied: 1, neutral: 1 }]);

    const refused = await admin('branch:set', BRANCH_ID, '--time-zone', 'Mars/Olympus');
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'timeZone: must be an IANA time zone such as Europe/Madrid or Asia/Shanghai\n' });
    const moved = await admin('branch:set', BRANCH_ID, '--time-zone', 'Asia/Shanghai');
    expect(moved).toMatchObject({ code: 0, stdout: expect.stringContaining(', time zone Asia/Shanghai, ') });
    // 20:00 UTC is 04:00 the next morning in Shanghai.
    const movedDays = [{ day: '2026-11-23', satisfied: 1, neutral: 0 }, { day: '2026-11-24', satisfied: 0, neutral: 1 }];
    expect(await days()).toEqual(movedDays);
    expect((await admin('branches')).stdout).toMatch(new RegExp(`^${BRANCH_ID}\\s+Main Street\\s.*\\sAsia/Shanghai$`, 'm'));

    expect(await admin('rollups:rebuild')).toEqual({ code: 0, stdout: 'Rebuilt the report roll-ups of 2 branches.\n', stderr: '' });
    expect(await admin('rollups:rebuild', '--branch', BRANCH_ID)).toEqual({ code: 0, stdout: 'Rebuilt the report roll-ups of 1 branch.\n', stderr: '' });
    expect(await days()).toEqual(movedDays);
    expect(await admin('rollups:rebuild', '--branch', 'no-such-branch')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'No branch has the id no-such-branch; list them with `npm run admin -- branches`.\n',
    });
  });

  it('given a branch manager on the roster, when the admin gives them and head office dashboard accounts, then `accounts` lists both (never a password or hash), a new password ends their sessions and only it signs in', async () => {
    await givenBranchWithCounter(database.current);
    const manager = await admin('teller:add', '--branch', BRANCH_ID, '--staff-number', '2002', '--name', 'Li Wei', '--pin', '135790', '--role', 'branch-manager');
    const managerId = manager.stdout.match(/Added teller (\S+):/)![1]!;

    expect(await admin('account:add', '--teller', managerId, '--password', 'first password 1')).toEqual({
      code: 0,
      stdout: `Added dashboard account 2002 "Li Wei", branch-manager of branch ${BRANCH_ID}, active, chooses a password of their own at the next sign-in.\n`,
      stderr: '',
    });
    expect(await admin('account:add', '--head-office', '--staff-number', 'HQ2', '--name', 'Ana Ruiz', '--password', 'head office pw')).toEqual({
      code: 0,
      stdout: 'Added dashboard account HQ2 "Ana Ruiz", head office, every branch, active, chooses a password of their own at the next sign-in.\n',
      stderr: '',
    });
    expect(await admin('account:add', '--head-office', '--staff-number', '2002', '--name', 'Someone Else', '--password', 'head office pw')).toEqual({
      code: 1,
      stdout: '',
      stderr: "Staff number 2002 already has a dashboard account (Li Wei); staff numbers are unique across the network's accounts. Change that account with `npm run admin -- account:set 2002`.\n",
    });

    const stored = await database.current.db.selectFrom('staff_accounts').select('password').execute();
    const listing = await admin('accounts');
    expect(listing).toMatchObject({ code: 0, stderr: '' });
    expect(listing.stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/).slice(0, 7))).toEqual([
      ['staff no', 'name', 'role', 'branch', 'region', 'active', 'password'],
      ['HQ2', 'Ana Ruiz', 'head-office', 'all', '-', 'yes', 'must change'],
      ['2002', 'Li Wei', 'branch-manager', BRANCH_ID, '-', 'yes', 'must change'],
    ]);
    // Every account the admin makes starts with the admin's password: its owner must change it.
    const flags = await database.current.db.selectFrom('staff_accounts').select(['staff_number', 'must_change_password']).orderBy('staff_number').execute();
    expect(flags).toEqual([
      { staff_number: '2002', must_change_password: 1 },
      { staff_number: 'HQ2', must_change_password: 1 },
    ]);
    for (const secret of ['first password 1', 'head office pw', ...stored.map((s) => s.password)]) expect(listing.stdout).not.toContain(secret);

    const session = await signIn(database.current.db, { staffNumber: '2002', password: 'first password 1' }, SERVER_NOW);
    expect(session.ok).toBe(true);
    // The owner chose their own password since; a new one from the admin must be changed again.
    await database.current.db.updateTable('staff_accounts').set({ must_change_password: 0 }).where('staff_number', '=', '2002').execute();
    expect(await admin('account:set', '2002', '--password', 'second password 2')).toEqual({
      code: 0,
      stdout: `Account 2002 "Li Wei", branch-manager of branch ${BRANCH_ID}, active, chooses a password of their own at the next sign-in; 1 session ended.\n`,
      stderr: '',
    });
    expect(await database.current.db.selectFrom('staff_accounts').select('must_change_password').where('staff_number', '=', '2002').executeTakeFirst()).toEqual({ must_change_password: 1 });
    expect(await signIn(database.current.db, { staffNumber: '2002', password: 'first password 1' }, SERVER_NOW)).toMatchObject({ ok: false });
    expect(await signIn(database.current.db, { staffNumber: '2002', password: 'second password 2' }, SERVER_NOW)).toMatchObject({ ok: true });

    // Off the roster, the account stays but cannot sign in; `accounts` says why.
    await admin('teller:set', managerId, '--active', 'no');
    expect((await admin('accounts')).stdout).toMatch(/^2002\s+Li Wei\s+branch-manager\s+\S+\s+-\s+off roster\s/m);
    expect(await admin('account:set', 'HQ2', '--active', 'no')).toMatchObject({
      code: 0,
      stdout: 'Account HQ2 "Ana Ruiz", head office, every branch, inactive, chooses a password of their own at the next sign-in; 0 sessions ended.\n',
    });
  });

  it('given a region added with region:add, when the admin gives it a regional manager with account:add --region, then `regions` and `accounts` list them, and an unknown region is refused', async () => {
    const added = await admin('region:add', '--name', 'North Coast');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const regionId = /^Added region (\S+) "North Coast"\.$/m.exec(added.stdout)![1]!;
    expect((await admin('regions')).stdout).toMatch(new RegExp(`^${regionId}\\s+North Coast\\s+0\\s`, 'm'));
    expect(await admin('region:add', '--name', 'north coast')).toMatchObject({ code: 1, stderr: expect.stringContaining('already called north coast') });

    expect(await admin('account:add', '--region', regionId, '--staff-number', 'RM1', '--name', 'Rosa Diaz', '--password', 'regional pw 1')).toEqual({
      code: 0,
      stdout: 'Added dashboard account RM1 "Rosa Diaz", regional manager of region "North Coast", active, chooses a password of their own at the next sign-in.\n',
      stderr: '',
    });
    expect((await admin('accounts')).stdout).toMatch(new RegExp(`^RM1\\s+Rosa Diaz\\s+regional-manager\\s+-\\s+North Coast \\(${regionId}\\)\\s+yes\\s+must change`, 'm'));
    expect(await admin('account:add', '--region', UNKNOWN_REGION, '--staff-number', 'RM2', '--name', 'X', '--password', 'regional pw 1')).toMatchObject({ code: 1, stderr: expect.stringContaining(`No region has the id ${UNKNOWN_REGION}`) });
  });
});

// Argument errors are the CLI's own, whatever the database. One after the other: in one
// process, two SQLite handles migrating at once would wait on each other's lock while
// better-sqlite3's busy wait holds the event loop.
describe('npm run admin, given bad input', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bv-admin-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const admin = (...args: string[]) => runAdmin(args, { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' });

  it.for<[string[], string]>([
    [['branch:add'], 'branch:add needs --name; see `npm run admin -- help`.'],
    [['branch:add', '--name', 'X', '--lang', 'fr'], 'defaultLanguage: must be one of zh-Hans, zh-Hant, en, es'],
    [['branch:set', '0190a0b0-0000-7000-8000-0000000000ff', '--cooldown', 'soon'], '--cooldown must be a whole number, not "soon".'],
    [['code:create', '--counter', 'nope'], 'No counter has the id nope; list them with `npm run admin -- counters`.'],
    [['code:create', '--lobby'], 'code:create --lobby needs --branch; see `npm run admin -- help`.'],
    [['code:create', '--lobby', '--branch', 'nope'], 'No branch has the id nope; list them with `npm run admin -- branches`.'],
    [['code:create', '--lobby', '--branch', 'b', '--counter', 'c'], 'code:create takes --counter or --lobby, not both: a lobby tablet has no counter; see `npm run admin -- help`.'],
    [['code:create', '--branch', 'b'], "code:create --branch goes with --lobby; a counter tablet's code names its counter: --counter <counterId>; see `npm run admin -- help`."],
    [['code:create', '--counter', 'c', '--qr', 'c.svg'], '--qr needs --url: the QR code holds the link to the app, at its address.'],
    [['code:create', '--counter', 'c', '--url', 'https://branch.example/', '--qr', 'c.png'], '--qr writes an SVG file: give a name ending in .svg, not "c.png".'],
    [['code:create', '--counter', 'c', '--url', 'ftp://branch.example/'], '--url must be the app\'s address, such as https://branchvoice.example.com/, not "ftp://branch.example/".'],
    [['opinions', '--limit', '0'], '--limit must be from 1 to 10000'],
    [['topic:add', '--branch', 'b', '--id', 'x', '--en', 'X', '--es', 'X', '--zh-Hans', 'X', '--zh-Hant', 'X', '--kinds', 'rant'], 'kinds.0: must be complaint, suggestion, praise or question'],
    [['topic:set', '--branch', 'b', 'fees'], 'Nothing to change: give a new label, kinds, position or active.'],
    [['topic:set', '--branch', 'b', 'fees', '--position', '0'], 'position: must be 1 or more'],
    [['device:revoke'], 'device:revoke needs the <deviceId>; see `npm run admin -- help`.'],
    [['ratings', '--limit', '0'], '--limit must be from 1 to 10000'],
    [['branches', 'extra'], 'branches takes no argument "extra".\nUsage: npm run admin -- branches'],
    [['teller:add', '--branch', 'b', '--staff-number', '1', '--name', 'N'], 'teller:add needs --pin; see `npm run admin -- help`.'],
    [['teller:add', '--branch', 'b', '--staff-number', '1', '--name', 'N', '--pin', '12a4'], 'pin: must be 4 to 8 digits'],
    [['teller:add', '--branch', 'b', '--staff-number', '1 2', '--name', 'N', '--pin', '1234'], 'staffNumber: must be 1 to 20 letters, digits or dashes'],
    [['teller:add', '--branch', 'b', '--staff-number', '1', '--name', 'N', '--pin', '1234', '--stars', '6'], 'stars: must be 1 to 5'],
    [['teller:add', '--branch', 'b', '--staff-number', '1', '--name', 'N', '--pin', '1234'], 'No branch has the id b; list them with `npm run admin -- branches`.'],
    [['teller:set', '0190a0b0-0000-7000-8000-0000000000ff', '--active', 'maybe'], '--active must be yes or no, not "maybe".'],
    [['teller:set', '0190a0b0-0000-7000-8000-0000000000ff'], 'Nothing to change: give a new name, PIN, stars, photo, role or active.'],
    [['teller:set', '0190a0b0-0000-7000-8000-0000000000ff', '--stars', '2'], 'No teller has the id 0190a0b0-0000-7000-8000-0000000000ff; list them with `npm run admin -- tellers`.'],
    [['reason:add', '--branch', 'b', '--id', 'x', '--en', 'X', '--es', 'X', '--zh-Hans', 'X'], 'reason:add needs --zh-Hant; see `npm run admin -- help`.'],
    [['reason:add', '--branch', 'b', '--id', 'Bad Id', '--en', 'X', '--es', 'X', '--zh-Hans', 'X', '--zh-Hant', 'X'], 'id: must be 1 to 64 lower-case letters, digits or dashes'],
    [['reason:add', '--branch', 'b', '--id', 'x', '--en', 'X', '--es', 'X', '--zh-Hans', 'X', '--zh-Hant', 'X', '--scores', 'happy'], 'scores.0: must be neutral or dissatisfied'],
    [['reason:set', '--branch', 'b', 'speed', '--position', '0'], 'position: must be 1 or more'],
    [['reason:set', '--branch', 'b', 'speed', '--en', 'Slow'], 'No branch has the id b; list them with `npm run admin -- branches`.'],
    [['branch:set', '0190a0b0-0000-7000-8000-0000000000ff', '--speech', 'loud'], '--speech must be on or off, not "loud".'],
    [['branch:set', '0190a0b0-0000-7000-8000-0000000000ff', '--voice', 'zh-HK'], '--voice takes <lang>=<locale> pairs such as zh-Hant=zh-HK (lang one of zh-Hans, zh-Hant, en, es), not "zh-HK".'],
    [['branch:set', '0190a0b0-0000-7000-8000-0000000000ff', '--voice', 'zh-Hant=zh-CN'], 'voices.zh-Hant: must be one of zh-HK, zh-TW'],
    [['shifts', '--limit', 'x'], '--limit must be a whole number, not "x".'],
    [['settings:set', '--reply-within-hours', '0'], 'replyWithinHours: must be at least 1 hour'],
    [['account:add', '--password', 'long enough pw'], 'account:add needs --teller; see `npm run admin -- help`.'],
    [['account:add', '--teller', 't'], 'account:add needs --password; see `npm run admin -- help`.'],
    [['account:add', '--teller', 't', '--head-office', '--password', 'long enough pw'], 'account:add takes --teller or --head-office, not both: head office has no branch roster.'],
    [['account:add', '--teller', 't', '--name', 'N', '--password', 'long enough pw'], 'account:add --teller takes the staff number and name from the roster; --staff-number and --name go with --head-office or --region.'],
    [['account:add', '--region', 'r', '--head-office', '--staff-number', 'RM9', '--name', 'N', '--password', 'long enough pw'], 'account:add takes one of --teller, --head-office or --region: a regional manager has no branch roster.'],
    [['account:add', '--region', 'r', '--staff-number', 'RM9', '--password', 'long enough pw'], 'account:add --region needs --name; see `npm run admin -- help`.'],
    [['account:add', '--head-office', '--staff-number', 'HQ9', '--password', 'long enough pw'], 'account:add --head-office needs --name; see `npm run admin -- help`.'],
    [['account:add', '--head-office', '--staff-number', 'HQ9', '--name', 'N', '--password', 'too short'], 'password: must be at least 10 characters'],
    [['account:add', '--head-office', '--staff-number', 'HQ 9', '--name', 'N', '--password', 'long enough pw'], 'staffNumber: must be 1 to 20 letters, digits or dashes'],
    [['account:add', '--teller', 'nope', '--password', 'long enough pw'], 'No teller has the id nope; list them with `npm run admin -- tellers`.'],
    [['account:set'], 'account:set needs the <staffNumber>; see `npm run admin -- help`.'],
    [['account:set', 'HQ9'], 'Nothing to change: give a new --password or --active yes|no.'],
    [['account:set', 'HQ9', '--active', 'maybe'], '--active must be yes or no, not "maybe".'],
    [['account:set', 'HQ9', '--password', 'long enough pw'], 'No dashboard account has the staff number HQ9; list them with `npm run admin -- accounts`.'],
  ])('given `admin %s`, then it explains on stderr and exits 1', async ([args, message], { expect }) => {
    expect(await admin(...args)).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('given a file that is not an image as a photo, then it says so', async ({ expect }) => {
    const { dir, files } = photoFiles();
    try {
      const answer = await admin('teller:add', '--branch', 'b', '--staff-number', '1', '--name', 'N', '--pin', '1234', '--photo', files.text);
      expect(answer).toEqual({ code: 1, stdout: '', stderr: `${files.text} is not a JPEG, PNG or WebP image.\n` });
      const missing = await admin('teller:set', '0190a0b0-0000-7000-8000-0000000000ff', '--photo', join(dir, 'nope.png'));
      expect(missing).toEqual({ code: 1, stdout: '', stderr: `Cannot read the photo ${join(dir, 'nope.png')}: ENOENT.\n` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given an unknown command, then it shows the help on stderr and exits 1', async ({ expect }) => {
    const answer = await admin('branch:delete');
    expect(answer.code).toBe(1);
    expect(answer.stderr).toMatch(/^Unknown command "branch:delete"\.\n\nUsage: npm run admin -- <command> \[options\]/);
  });
});

const withoutKind = ({ kind: _, ...rest }: Opinion) => rest;
