import { LANGUAGES } from '../../domain/language.ts';
import { useServices, useT } from '../services.tsx';

/** Four buttons, each language named in itself, so a customer finds their own. */
export function LanguageSwitch() {
  const { i18n } = useServices();
  const { t, language } = useT();
  return (
    <nav class="language-switch" aria-label={t('language.label')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          aria-pressed={language === lng}
          onClick={() => void i18n.changeLanguage(lng)}
        >
          {t(`language.names.${lng}`)}
        </button>
      ))}
    </nav>
  );
}
