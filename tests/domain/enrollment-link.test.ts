import { describe, expect, it } from 'vitest';
import { enrollmentCodeInFragment, enrollmentLinkOf } from '../../src/domain/enrollment-link.ts';

describe('enrollment link', () => {
  it('given the app address and a code, then the link carries the formatted code in its fragment, never in its query', () => {
    expect(enrollmentLinkOf('https://branch.example/', 'k7qm2xpd')).toBe('https://branch.example/#enroll=K7QM-2XPD');
    expect(enrollmentLinkOf('http://192.168.1.20:8080', 'K7QM-2XPD')).toBe('http://192.168.1.20:8080/#enroll=K7QM-2XPD');
    expect(new URL(enrollmentLinkOf('https://branch.example/app?x=1', 'K7QM-2XPD')).search).toBe('?x=1');
  });

  it.for<[string, string | null]>([
    ['#enroll=K7QM-2XPD', 'K7QM-2XPD'],
    ['#enroll=k7qm2xpd', 'K7QM-2XPD'],
    ['enroll=K7QM 2XPD', 'K7QM-2XPD'],
    ['#other=1&enroll=K7QM-2XPD', 'K7QM-2XPD'],
    ['', null],
    ['#', null],
    ['#enroll=', null],
    ['#enroll=K7QM-2XP', null],
    ['#enroll=<script>', null],
    ['#code=K7QM-2XPD', null],
  ])('given the fragment %j, then the code it carries is %j', ([hash, code]) => {
    expect(enrollmentCodeInFragment(hash)).toBe(code);
  });

  it('given a link made for a code, then reading its fragment gives the code back', () => {
    const link = new URL(enrollmentLinkOf('https://branch.example/', '4KQ7MZ3D'));
    expect(enrollmentCodeInFragment(link.hash)).toBe('4KQ7-MZ3D');
  });
});
