import type { Score } from '../../domain/rating.ts';

// Drawn, not emoji: a tablet's fonts may lack colour emoji, and the four faces must look
// the same on every device. The mouth goes from a broad smile to a frown.
const MOUTHS: Record<Score, string> = {
  'very-satisfied': 'M30 60 Q50 84 70 60',
  satisfied: 'M32 63 Q50 75 68 63',
  neutral: 'M33 66 L67 66',
  dissatisfied: 'M32 72 Q50 58 68 72',
};

/** A face for one score; decorative, the button carries the label. */
export function Face({ score }: { score: Score }) {
  return (
    <svg class="face" viewBox="0 0 100 100" aria-hidden="true" focusable="false">
      <circle cx="50" cy="50" r="46" class="face-disc" />
      <circle cx="36" cy="40" r="6" class="face-feature-fill" />
      <circle cx="64" cy="40" r="6" class="face-feature-fill" />
      <path d={MOUTHS[score]} class="face-feature" />
    </svg>
  );
}
