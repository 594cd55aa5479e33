import { describe, expect, it } from 'vitest';
import { applyCaseEvent, type ComplaintCase } from '../../src/domain/case.ts';
import { caseTally, emptyTally, figure, programmeFigures, satisfactionRate, tallyDelta, atFaultShare } from '../../src/domain/metrics.ts';
import { aCaseEvent } from '../builders/case-event.ts';

describe('the programme figures (seed 001)', () => {
  it('satisfaction is (very satisfied + satisfied) / all ratings, and null without ratings', () => {
    expect(satisfactionRate({ 'very-satisfied': 6, satisfied: 2, neutral: 1, dissatisfied: 1 })).toBe(0.8);
    expect(satisfactionRate({ 'very-satisfied': 0, satisfied: 0, neutral: 0, dissatisfied: 0 })).toBeNull();
  });

  it.each([
    ['satisfaction', 80, 100, true],
    ['satisfaction', 79, 100, false],
    ['complaint-rate', 5, 100, true],
    ['complaint-rate', 6, 100, false],
    ['follow-up-rate', 3, 10, true],
    ['follow-up-rate', 2, 10, false],
  ] as const)('%s of %i / %i meets its target: %s', (id, numerator, denominator, met) => {
    expect(figure(id, numerator, denominator)).toMatchObject({ id, numerator, denominator, met, value: numerator / denominator });
  });

  it('given no denominator, a figure has no value and is not judged', () => {
    expect(figure('follow-up-rate', 0, 0)).toMatchObject({ value: null, met: null });
  });

  it('computes all three from score counts and case tallies', () => {
    const figures = programmeFigures({
      scores: { 'very-satisfied': 50, satisfied: 30, neutral: 10, dissatisfied: 10 },
      cases: { ...emptyTally(), opened: 4, replied: 3, followedUp: 1 },
    });
    expect(figures.map((f) => [f.id, f.numerator, f.denominator, f.met])).toEqual([
      ['satisfaction', 80, 100, true],
      ['complaint-rate', 4, 100, true],
      ['follow-up-rate', 1, 3, true],
    ]);
  });
});

describe('a case tally: what a case counts toward the figures', () => {
  const step = (c: ComplaintCase | undefined, event: Parameters<typeof applyCaseEvent>[1]): ComplaintCase => {
    const next = applyCaseEvent(c, event);
    if (!next.ok) throw new Error(next.message);
    return next.case;
  };
  const CASE = '0190a0b0-0000-7000-8000-00000000c001';
  const opened = step(undefined, aCaseEvent('opened', CASE));
  const replied = step(opened, aCaseEvent('replied', CASE));
  const followed = step(replied, aCaseEvent('followed-up', CASE));

  it('given an open case, it counts as opened only', () => {
    expect(caseTally(opened)).toEqual({ ...emptyTally(), opened: 1 });
  });

  it('given a reply and a follow-up, it moves into the follow-up figure', () => {
    expect(caseTally(followed)).toEqual({ ...emptyTally(), opened: 1, replied: 1, followedUp: 1 });
    expect(tallyDelta(caseTally(opened), caseTally(followed))).toEqual({ ...emptyTally(), replied: 1, followedUp: 1 });
    expect(tallyDelta(undefined, caseTally(opened))).toEqual({ ...emptyTally(), opened: 1 });
  });

  it('given decided responsibility, the at-fault share counts decided cases only', () => {
    expect(atFaultShare({ ...emptyTally(), opened: 5, atFault: 1, notAtFault: 3 })).toBe(0.25);
    expect(atFaultShare(emptyTally())).toBeNull();
  });
});
