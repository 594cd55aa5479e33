import { fireEvent, waitFor } from '@testing-library/preact';
import jsQR from 'jsqr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceSurvey } from '../../../src/domain/survey.ts';
import { hasValidMac, importVisitKey, readVisitCode, toBase64Url, VISIT_PATH } from '../../../src/domain/visit-code.ts';
import { AFTER_DONE_MS, SURVEY_THANKS_MS } from '../../../src/ui/counter/CustomerFlow.tsx';
import { COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { text } from '../helpers.tsx';
import { givenCounterTablet, LABELS, nextFrame } from './given.tsx';

afterEach(() => {
  vi.useRealTimers();
});

const VISIT_KEY = toBase64Url(new Uint8Array(32).map((_, i) => i * 7 + 3));
const survey = (overrides: Partial<DeviceSurvey> = {}): DeviceSurvey => ({
  id: '0190a0b0-0000-7000-8000-0000000005e1',
  version: 2,
  startsOn: '2000-01-01',
  endsOn: '2999-12-31',
  channels: ['phone'],
  questionnaire: null,
  ...overrides,
});

/**
 * What a phone's camera reads from the QR image: the SVG's squares drawn as pixels, four to a
 * module, and decoded by jsQR. Also whether the four modules round the code are white.
 */
function scan(image: HTMLImageElement): { url: string | null; quietZone: boolean } {
  const svg = decodeURIComponent(image.src.replace(/^data:image\/svg\+xml,/, ''));
  const side = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const squares = [...svg.matchAll(/M(\d+),(\d+)h(\d+)v\d+h-\d+z/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const);
  const unit = squares[0]![2];
  const modules = side / unit;
  const scale = 4;
  const width = modules * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [x, y] of squares) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const at = (((y / unit) * scale + dy) * width + (x / unit) * scale + dx) * 4;
        pixels.set([0, 0, 0, 255], at);
      }
    }
  }
  const edge = (v: number) => v < 4 * unit || v >= side - 4 * unit;
  return { url: jsQR(pixels, width, width)?.data ?? null, quietZone: squares.every(([x, y]) => !edge(x) && !edge(y)) && svg.includes('fill="#fff"') };
}

/** Whether a QR image shows on the counter at any moment until `until` holds. */
async function everShowsImage(container: Element, until: () => void): Promise<boolean> {
  let shown = false;
  const observer = new MutationObserver(() => (shown ||= container.querySelector('img') !== null));
  observer.observe(container, { childList: true, subtree: true });
  try {
    await waitFor(until);
  } finally {
    observer.disconnect();
  }
  return shown || container.querySelector('img') !== null;
}

describe("CustomerFlow: a visit's survey code on the thank-you screen", () => {
  it('given a phone survey running and a visit key, when a customer rates, then the thanks show a QR image whose code the key signs, for this tablet, counter, teller and time', async () => {
    // The thanks stay a minute: the code comes however slowly a busy machine makes it.
    const { getByRole, findByRole, device, services } = await givenCounterTablet({ language: 'es', shift: 'open', config: { surveys: [survey()], visitKey: VISIT_KEY, ratingCooldownMs: 60_000 } });

    fireEvent.click(getByRole('button', { name: LABELS.es['very-satisfied'] }));

    const image = (await findByRole('img', { name: text('es', 'surveyCounter.image') })) as HTMLImageElement;
    expect(getByRole('heading', { level: 1, name: text('es', 'counter.thanks') })).toBeTruthy();
    expect(getByRole('status').textContent).toContain(text('es', 'surveyCounter.caption'));
    expect(getByRole('button', { name: text('es', 'surveyCounter.done') })).toBeTruthy();
    const { url, quietZone } = scan(image);
    expect(quietZone).toBe(true);
    expect(url?.startsWith(`${location.origin}${VISIT_PATH}`)).toBe(true);
    const read = readVisitCode(url!.slice(`${location.origin}${VISIT_PATH}`.length));
    expect(read).not.toBeNull();
    expect(await hasValidMac(await importVisitKey(VISIT_KEY), read!)).toBe(true);
    const [rating] = await services.db.ratings.toArray();
    expect(read!.claim).toEqual({ kind: 'visit', deviceId: device.identity.deviceId, counterId: COUNTER_ID, tellerId: TELLER_ID, at: Math.floor(rating!.createdAt / 1000) * 1000, nonce: expect.any(String) });
  });

  it('given thanks with a code, then they stay while a customer scans; Done brings the faces back at once and in the branch language, and a double tap on Done rates nothing', async () => {
    const { getByRole, findByRole, queryByRole, services, advance } = await givenCounterTablet({ shift: 'open', config: { surveys: [survey()], visitKey: VISIT_KEY } });
    fireEvent.click(getByRole('button', { name: 'Español' }));
    await findByRole('button', { name: LABELS.es.satisfied });
    await nextFrame();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fireEvent.click(getByRole('button', { name: LABELS.es.satisfied }));
    await findByRole('img', { name: text('es', 'surveyCounter.image') });

    // Far longer than the branch's cooldown (200 ms), and still there.
    await advance(SURVEY_THANKS_MS - 1000);
    expect(queryByRole('img', { name: text('es', 'surveyCounter.image') })).not.toBeNull();

    fireEvent.click(getByRole('button', { name: text('es', 'surveyCounter.done') }));
    // The faces, in the branch's English; the second tap of a double tap lands on one of them.
    const face = await findByRole('button', { name: LABELS.en.satisfied });
    fireEvent.click(face);
    expect(queryByRole('heading', { level: 1, name: text('en', 'counter.thanks') })).toBeNull();
    expect(await services.db.ratings.count()).toBe(1);

    // The next customer, a moment later, is counted.
    await advance(AFTER_DONE_MS);
    fireEvent.click(getByRole('button', { name: LABELS.en.neutral }));
    fireEvent.click(await findByRole('button', { name: text('en', 'counter.reasons.skip') }));
    await findByRole('img', { name: text('en', 'surveyCounter.image') });
    expect((await services.db.ratings.toArray()).map((r) => r.score)).toEqual(['satisfied', 'neutral']);

    // Left alone, the thanks with a code go by themselves.
    await advance(SURVEY_THANKS_MS);
    await findByRole('button', { name: LABELS.en.satisfied });
  });

  it.each([
    ['no visit key', { surveys: [survey()], visitKey: null }],
    ['a survey on the lobby only', { surveys: [survey({ channels: ['lobby'] })], visitKey: VISIT_KEY }],
    ['a phone survey that has ended', { surveys: [survey({ startsOn: '2001-01-01', endsOn: '2001-01-31' })], visitKey: VISIT_KEY }],
  ] as const)('given %s, when a customer rates, then the thanks show no code and go after the cooldown as ever', async (_, config) => {
    const { getByRole, findByRole, container } = await givenCounterTablet({ shift: 'open', config: { ...config, surveys: [...config.surveys] } });
    fireEvent.click(getByRole('button', { name: LABELS.en['very-satisfied'] }));
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });

    const shown = await everShowsImage(container, () => getByRole('button', { name: LABELS.en['very-satisfied'] }));

    expect(shown).toBe(false);
  });
});
