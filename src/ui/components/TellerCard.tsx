import type { Teller } from '../../domain/teller.ts';
import { useT } from '../services.tsx';

/** Who serves the customer: photo, name, staff number and star level. */
export function TellerCard({ teller }: { teller: Teller }) {
  const { t } = useT();
  const initials = [...teller.name].slice(0, 2).join('');
  return (
    <section class="teller-card" aria-label={teller.name} data-testid="teller-card">
      {teller.photo ? <img class="teller-photo" src={teller.photo} alt="" /> : <span class="teller-photo teller-initials" aria-hidden="true">{initials}</span>}
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
