import type { TFunction } from 'i18next';
import { isLanguage } from '../../domain/language.ts';
import type { Labels } from '../../domain/reports.ts';

/**
 * A label the branch configured (a reason, a topic) in the reader's language. A reason or
 * topic the branch has since removed still counts; it is named as such, with its id.
 */
export function labelOf(labels: Labels | null, id: string | null, t: TFunction, language: string): string {
  if (id === null) return t('dashboard.noTopic');
  if (!labels) return t('dashboard.removedLabel', { id });
  return (isLanguage(language) ? labels[language] : undefined) ?? labels.en;
}

/**
 * A device as people in the branch know it: by where it stands (its counter, or the lobby).
 * The label a tablet sent at enrollment is its browser's user agent, which tells support
 * staff what runs there but names nothing; the fleet shows it as a detail, with the id.
 */
export function deviceNameOf(device: { mode: string; counterName: string | null }, t: TFunction): string {
  if (device.mode === 'counter') return device.counterName ?? t('dashboard.fleet.counter');
  return t('dashboard.fleet.lobby');
}
