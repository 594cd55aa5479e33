import { useId } from 'preact/hooks';
import { isLanguage, LANGUAGES } from '../../domain/language.ts';
import { useDashboard, useT } from './services.tsx';

/**
 * The dashboard's language: a compact select for a desktop header, each language named in
 * itself. (The tablets' LanguageSwitch is four large buttons for customers, and it reads the
 * tablet's services, which the dashboard does not make.)
 */
export function LanguageSelect() {
  const { i18n } = useDashboard();
  const { t, language } = useT();
  const id = useId();
  return (
    <span class="language-select">
      <label for={id}>{t('language.label')}</label>
      <select id={id} value={language} onChange={(event) => {
        const next = event.currentTarget.value;
        if (isLanguage(next)) void i18n.changeLanguage(next);
      }}>
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {t(`language.names.${lng}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
