import type { Teller } from '../../domain/teller.ts';
import { useT } from '../services.tsx';

/** Words of a Latin-script name that are not a given or family name's own ("de la Torre"). */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'e', 'van', 'von', 'der', 'da', 'das', 'do', 'dos', 'di', 'du', 'le', 'bin', 'binti']);
const HAN = /\p{Script=Han}/u;

/**
 * What stands for a teller without a photo: for a Chinese name, one character, the family
 * name's (王 for 王小明); for a Latin-script name, the first letters of the given and family
 * names (MT for María José Fernández de la Torre, WX for Wang Xiaoming); empty when the name
 * has no letter at all (the card then shows a neutral person glyph).
 */
export function initialsOf(name: string): string {
  const letters = [...name.trim()].filter((c) => /\p{L}/u.test(c));
  const first = letters[0];
  if (!first) return '';
  if (HAN.test(first)) return first;
  const words = name.trim().split(/[\s.-]+/).filter((w) => /\p{L}/u.test(w));
  const named = words.filter((w) => !PARTICLES.has(w.toLowerCase()));
  const given = named[0] ?? words[0]!;
  const family = named.length > 1 ? named[named.length - 1] : undefined;
  const initial = (word: string) => ([...word].find((c) => /\p{L}/u.test(c)) ?? '').toLocaleUpperCase();
  return `${initial(given)}${family ? initial(family) : ''}`;
}

/** Who serves the customer: photo, name, staff number and star level. */
export function TellerCard({ teller }: { teller: Teller }) {
  const { t } = useT();
  const initials = initialsOf(teller.name);
  return (
    <section class="teller-card" aria-label={teller.name} data-testid="teller-card">
      {teller.photo ? <img class="teller-photo" src={teller.photo} alt="" /> : <span class="teller-photo teller-initials" aria-hidden="true">{initials || <PersonGlyph />}</span>}
      <div>
        <p class="teller-name">{teller.name}</p>
        <p class="teller-number">{t('teller.staffNumber', { number: teller.staffNumber })}</p>
        <p class="teller-stars" role="img" aria-label={t('teller.stars', { count: teller.stars })}>
          {'★'.repeat(teller.stars)}
          <span class="teller-stars-off">{'★'.repeat(5 - teller.stars)}</span>
        </p>
      </div>
    </section>
  );
}

/** A neutral person, for a name with no letter to take. */
function PersonGlyph() {
  return (
    <svg viewBox="0 0 24 24" width="60%" height="60%" fill="currentColor" aria-hidden="true">
      <circle cx="12" cy="8" r="4.5" />
      <path d="M3 22c0-5 4-8 9-8s9 3 9 8z" />
    </svg>
  );
}
