import { describe, expect, it } from 'vitest';
import { initialsOf } from '../../../src/ui/components/TellerCard.tsx';

describe('a teller without a photo', () => {
  it.each([
    ['王小明', '王'],
    ['欧阳娜娜', '欧'],
    ['Wang Xiaoming', 'WX'],
    ['María José Fernández de la Torre', 'MT'],
    ['Carlos Ruiz', 'CR'],
    ['Jean-Luc Picard', 'JP'],
    ['ana', 'A'],
    ['1001', ''],
  ])('given the name %j, then the card shows %j (one character for a Chinese name, given and family initials otherwise, a person glyph when no letter)', (name, initials) => {
    expect(initialsOf(name)).toBe(initials);
  });
});
