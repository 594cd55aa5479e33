import { useT } from '../services.tsx';

/**
 * What a customer sees when their entry or their survey answers could not be saved on the
 * tablet: the reason in their language, then Cancel or Try again. What they gave stays on
 * screen behind it, so Try again saves exactly that.
 */
export function WriteFailed({ reason, onCancel, onRetry }: { reason: string; onCancel: () => void; onRetry: () => void }) {
  const { t } = useT();
  return (
    <section class="lobby-failed" role="alert" data-screen="lobby-failed">
      <h1>{t('lobby.failed.title')}</h1>
      <p>{t(`errors.${reason}`, { defaultValue: t('errors.unknown') })}</p>
      <p>{t('lobby.failed.detail')}</p>
      <div class="actions">
        <button type="button" onClick={onCancel}>{t('lobby.failed.cancel')}</button>
        <button type="button" class="primary" onClick={onRetry}>{t('lobby.failed.retry')}</button>
      </div>
    </section>
  );
}
