import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { LANGUAGES, type Language } from '../../../domain/language.ts';
import { COUNTER_NAME_MAX, LABEL_MAX, type BranchSetup, type SetupCounter, type SetupList, type SetupReason, type SetupTopic } from '../../../domain/manage-setup.ts';
import { OPINION_KINDS } from '../../../domain/opinion.ts';
import { REASON_SCORES, type ReasonLabels } from '../../../domain/reason.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import type { ApiResult } from '../api.ts';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/**
 * Manage › Counters & lists: a branch's counters, the reasons a customer may pick after a
 * rating, and the lobby opinion box's topics (src/server/routes/manage-setup.ts). Head office
 * and a regional manager pick the branch in the filter; a branch manager's is theirs. Nothing
 * is deleted (records name their counter, reasons and topic): a reason or topic is switched off.
 * Changes reach the branch's tablets at their next sync.
 */
export function Setup({ branch }: PageProps) {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('dashboard.nav.setup')} branch={branch} />
      <p class="page-intro">{t('dashboard.setup.intro')}</p>
      {branch ? <SetupBranch branch={branch} key={branch.id} /> : <p class="empty">{t('dashboard.setup.pickBranch')}</p>}
    </>
  );
}

/** Which field a problem is next to: a language's label, the scores or kinds, a counter's name. */
type Field = Language | 'offered' | 'name';
type Problems = Partial<Record<Field | 'form', string>>;

/** The field a server's refusal names ("labels.en: must not be empty"), so its text goes next to that field. */
function fieldOfMessage(message: string): Field | null {
  const path = /^([\w.-]+):/.exec(message)?.[1] ?? '';
  const last = path.split('.').pop() ?? '';
  if ((LANGUAGES as readonly string[]).includes(last)) return last as Language;
  if (last === 'scores' || last === 'kinds') return 'offered';
  if (last === 'name') return 'name';
  return null;
}

/** A refused request's problems: next to the field it names, else under the form. */
function useProblemsOf() {
  const { t } = useT();
  return (result: { reason: string; message?: string }): Problems => {
    if (result.reason === 'bad-request') {
      const field = fieldOfMessage(result.message ?? '');
      return field ? { [field]: t('dashboard.setup.errors.refusedField') } : { form: t('dashboard.setup.errors.bad-request') };
    }
    return { form: t(result.reason === 'forbidden' ? 'dashboard.setup.errors.forbidden' : `dashboard.errors.${result.reason}`) };
  };
}

function SetupBranch({ branch }: { branch: BranchRef }) {
  const { api } = useDashboard();
  const [load, reload] = useLoad(`setup:${branch.id}`, () => api.setup(branch.id));
  const [done, setDone] = useState<string | null>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);

  const changed = (message: string, focus = true) => {
    reload();
    setDone(message);
    if (focus) setTimeout(() => doneLine.current?.focus(), 0);
  };

  return (
    <>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {done}
      </p>
      <Loaded load={load} retry={reload}>
        {(setup) => (
          <div class="setup-sections">
            <Counters branch={branch} counters={setup.counters} onChanged={changed} />
            <ItemList list="reasons" setup={setup} onChanged={changed} />
            <ItemList list="topics" setup={setup} onChanged={changed} />
          </div>
        )}
      </Loaded>
    </>
  );
}

/** A field's error, next to it, named by the field's aria-describedby. */
function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return (
    <span id={id} class="field-error">
      {text}
    </span>
  );
}

const nameProblem = (name: string, t: (key: string, options?: Record<string, unknown>) => string): string | undefined => {
  if (name.trim() === '') return t('dashboard.setup.errors.nameEmpty');
  if (name.trim().length > COUNTER_NAME_MAX) return t('dashboard.setup.errors.tooLong', { max: COUNTER_NAME_MAX });
  return undefined;
};

function CounterNameForm({ initial, submitLabel, busyLabel, onSubmit, onCancel, autoFocus = false }: {
  initial: string;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (name: string) => Promise<Problems | null>;
  onCancel?: () => void;
  autoFocus?: boolean;
}) {
  const { t } = useT();
  const id = useId();
  const [name, setName] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problem = nameProblem(name, t);
    if (problem) {
      setProblems({ name: problem });
      input.current?.focus();
      return;
    }
    setBusy(true);
    setProblems({});
    const refused = await onSubmit(name.trim());
    setBusy(false);
    if (refused) return setProblems(refused);
    if (!onCancel) setName('');
  };

  return (
    <form class="staff-form setup-form" onSubmit={(event) => void submit(event)} noValidate>
      <div class="field">
        <label for={`${id}-name`}>{t('dashboard.setup.counterName')}</label>
        <input
          ref={input}
          id={`${id}-name`}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="off"
          maxLength={COUNTER_NAME_MAX}
          aria-invalid={problems.name ? true : undefined}
          aria-describedby={`${id}-name-error`}
          required
        />
        <FieldError id={`${id}-name-error`} text={problems.name} />
      </div>
      <div class="staff-form-actions">
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
            {t('dashboard.cancel')}
          </button>
        )}
      </div>
      <p class="error" role="alert">
        {problems.form}
      </p>
    </form>
  );
}

function Counters({ branch, counters, onChanged }: { branch: BranchRef; counters: SetupCounter[]; onChanged: (message: string) => void }) {
  const { api } = useDashboard();
  const { t } = useT();
  const problemsOf = useProblemsOf();
  const [renaming, setRenaming] = useState<string | null>(null);

  const send = async (request: Promise<ApiResult<SetupCounter>>, message: (c: SetupCounter) => string): Promise<Problems | null> => {
    const result = await request;
    if (!result.ok) return problemsOf(result);
    setRenaming(null);
    onChanged(message(result.value));
    return null;
  };

  return (
    <section class="setup-section" aria-labelledby="setup-counters-title">
      <h2 id="setup-counters-title">{t('dashboard.setup.counters.title')}</h2>
      <p class="muted">{t('dashboard.setup.counters.detail')}</p>
      {counters.length === 0 ? (
        <p class="empty">{t('dashboard.setup.counters.empty')}</p>
      ) : (
        <ul class="setup-items">
          {counters.map((counter) => (
            <li key={counter.id} class="setup-item">
              {renaming === counter.id ? (
                <CounterNameForm
                  initial={counter.name}
                  autoFocus
                  submitLabel={t('dashboard.setup.save')}
                  busyLabel={t('dashboard.setup.saving')}
                  onSubmit={(name) => send(api.renameCounter(counter.id, { name }), (c) => t('dashboard.setup.counters.renamed', { name: c.name }))}
                  onCancel={() => setRenaming(null)}
                />
              ) : (
                <>
                  <span class="setup-item-name">{counter.name}</span>
                  <span class="staff-row-actions">
                    <button type="button" class="quiet-action" aria-label={t('dashboard.setup.counters.renameNamed', { name: counter.name })} onClick={() => setRenaming(counter.id)}>
                      {t('dashboard.setup.counters.rename')}
                    </button>
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('dashboard.setup.counters.addTitle', { branch: branch.name })}</h3>
      <CounterNameForm
        initial=""
        submitLabel={t('dashboard.setup.counters.add')}
        busyLabel={t('dashboard.setup.adding')}
        onSubmit={(name) => send(api.addCounter(branch.id, { name }), (c) => t('dashboard.setup.counters.added', { name: c.name }))}
      />
    </section>
  );
}

type Item = SetupReason | SetupTopic;
const offeredOf = (item: Item): string[] => ('scores' in item ? item.scores : item.kinds);
const CHOICES: Record<SetupList, readonly string[]> = { reasons: REASON_SCORES, topics: OPINION_KINDS };
const EMPTY_LABELS: ReasonLabels = { en: '', es: '', 'zh-Hans': '', 'zh-Hant': '' };

/** The reasons or the topics of the branch: their labels in the four languages, what offers them, their order and status. */
function ItemList({ list, setup, onChanged }: { list: SetupList; setup: BranchSetup; onChanged: (message: string, focus?: boolean) => void }) {
  const { api } = useDashboard();
  const { t, language: shown } = useT();
  // The dashboard's languages are the product's; a label in another falls back to English.
  const language: Language = (LANGUAGES as readonly string[]).includes(shown) ? (shown as Language) : 'en';
  const problemsOf = useProblemsOf();
  const items: Item[] = list === 'reasons' ? setup.reasons : setup.topics;
  const branchId = setup.branch.id;
  const [editing, setEditing] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const labelOf = (item: Item) => item.labels[language];

  const saveItem = async (labels: ReasonLabels, offered: string[], id: string | null): Promise<Problems | null> => {
    const result: ApiResult<Item> =
      list === 'reasons'
        ? id === null
          ? await api.addReason(branchId, { labels, scores: offered as SetupReason['scores'] })
          : await api.editReason(branchId, id, { labels, scores: offered as SetupReason['scores'] })
        : id === null
          ? await api.addTopic(branchId, { labels, kinds: offered as SetupTopic['kinds'] })
          : await api.editTopic(branchId, id, { labels, kinds: offered as SetupTopic['kinds'] });
    if (!result.ok) return problemsOf(result);
    setEditing(null);
    onChanged(t(id === null ? `dashboard.setup.${list}.added` : `dashboard.setup.${list}.saved`, { label: labelOf(result.value) }));
    return null;
  };

  const setActive = async (item: Item, active: boolean) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const result: ApiResult<Item> = list === 'reasons' ? await api.editReason(branchId, item.id, { active }) : await api.editTopic(branchId, item.id, { active });
    setBusy(false);
    if (!result.ok) return setProblem(problemsOf(result).form ?? t('dashboard.setup.errors.bad-request'));
    onChanged(t(active ? 'dashboard.setup.activated' : 'dashboard.setup.retired', { label: labelOf(item) }));
  };

  /** Moves an item one place; the focus stays on the moved item's button, or its other one at an end of the list. */
  const move = async (item: Item, by: -1 | 1) => {
    if (busy) return;
    const ids = items.map((i) => i.id);
    const from = ids.indexOf(item.id);
    const to = from + by;
    if (to < 0 || to >= ids.length) return;
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    setBusy(true);
    setProblem(null);
    const result = await api.orderList(branchId, { list, ids });
    setBusy(false);
    if (!result.ok) return setProblem(problemsOf(result).form ?? t('dashboard.setup.errors.bad-request'));
    onChanged(t('dashboard.setup.moved', { label: labelOf(item), position: to + 1 }), false);
    const direction = to === 0 ? 'down' : to === ids.length - 1 ? 'up' : by === -1 ? 'up' : 'down';
    const refocus = (tries: number) => {
      const button = listRef.current?.querySelector<HTMLButtonElement>(`[data-item="${item.id}"][data-move="${direction}"]`);
      const inPlace = button?.closest('li')?.getAttribute('data-position') === String(to + 1);
      if (button && inPlace) button.focus();
      else if (tries > 0) setTimeout(() => refocus(tries - 1), 50);
    };
    refocus(40);
  };

  const offeredText = (item: Item) => offeredOf(item).map((o) => t(`dashboard.setup.${list}.offered.${o}`)).join(', ');

  return (
    <section class="setup-section" aria-labelledby={`setup-${list}-title`}>
      <h2 id={`setup-${list}-title`}>{t(`dashboard.setup.${list}.title`)}</h2>
      <p class="muted">{t(`dashboard.setup.${list}.detail`)}</p>
      <p class="error" role="alert">
        {problem}
      </p>
      <ol class="setup-items" ref={listRef}>
        {items.map((item, index) => (
          <li key={item.id} class={item.active ? 'setup-item' : 'setup-item row-inactive'} data-position={String(item.position)}>
            {editing === item.id ? (
              <ItemForm
                list={list}
                title={t(`dashboard.setup.${list}.editTitle`, { label: labelOf(item) })}
                initial={{ labels: item.labels, offered: offeredOf(item) }}
                onSubmit={(labels, offered) => saveItem(labels, offered, item.id)}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <span class="setup-position" aria-hidden="true">
                  {index + 1}
                </span>
                <div class="setup-item-body">
                  <span class="setup-item-name">{labelOf(item)}</span>
                  <span class="setup-labels">
                    {LANGUAGES.filter((l) => l !== language).map((l) => (
                      <span key={l} lang={l}>
                        {item.labels[l]}
                      </span>
                    ))}
                  </span>
                  <span class="sub">
                    {t(`dashboard.setup.${list}.offeredBy`, { offered: offeredText(item) })}
                    {!item.active && ` · ${t('dashboard.setup.inactive')}`}
                  </span>
                </div>
                <span class="staff-row-actions setup-actions">
                  <button
                    type="button"
                    class="quiet-action"
                    data-item={item.id}
                    data-move="up"
                    disabled={busy || index === 0}
                    aria-label={t('dashboard.setup.moveUpNamed', { label: labelOf(item) })}
                    onClick={() => void move(item, -1)}
                  >
                    <span aria-hidden="true">↑ </span>
                    {t('dashboard.setup.moveUp')}
                  </button>
                  <button
                    type="button"
                    class="quiet-action"
                    data-item={item.id}
                    data-move="down"
                    disabled={busy || index === items.length - 1}
                    aria-label={t('dashboard.setup.moveDownNamed', { label: labelOf(item) })}
                    onClick={() => void move(item, 1)}
                  >
                    <span aria-hidden="true">↓ </span>
                    {t('dashboard.setup.moveDown')}
                  </button>
                  <button type="button" class="quiet-action" aria-label={t('dashboard.setup.editNamed', { label: labelOf(item) })} onClick={() => setEditing(item.id)}>
                    {t('dashboard.setup.edit')}
                  </button>
                  <button
                    type="button"
                    class="quiet-action"
                    disabled={busy}
                    aria-label={t(item.active ? 'dashboard.setup.retireNamed' : 'dashboard.setup.activateNamed', { label: labelOf(item) })}
                    onClick={() => void setActive(item, !item.active)}
                  >
                    {t(item.active ? 'dashboard.setup.retire' : 'dashboard.setup.activate')}
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ol>
      {items.length === 0 && <p class="empty">{t(`dashboard.setup.${list}.empty`)}</p>}
      <ItemForm
        list={list}
        title={t(`dashboard.setup.${list}.addTitle`)}
        initial={{ labels: EMPTY_LABELS, offered: [...CHOICES[list]] }}
        onSubmit={(labels, offered) => saveItem(labels, offered, null)}
      />
    </section>
  );
}

/** A reason's or topic's four labels and what offers it: to add one (no cancel), or to edit one. */
function ItemForm({ list, title, initial, onSubmit, onCancel }: {
  list: SetupList;
  title: string;
  initial: { labels: ReasonLabels; offered: string[] };
  onSubmit: (labels: ReasonLabels, offered: string[]) => Promise<Problems | null>;
  onCancel?: () => void;
}) {
  const { t } = useT();
  const id = useId();
  const [labels, setLabels] = useState<ReasonLabels>(initial.labels);
  const [offered, setOffered] = useState<string[]>(initial.offered);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const heading = useRef<HTMLHeadingElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const editing = onCancel !== undefined;

  // An edit form is what was asked for: a screen reader goes on from its heading.
  useEffect(() => {
    if (editing) heading.current?.focus();
  }, [editing]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const found: Problems = {};
    for (const language of LANGUAGES) {
      const label = labels[language].trim();
      if (label === '') found[language] = t('dashboard.setup.errors.labelEmpty');
      else if (label.length > LABEL_MAX) found[language] = t('dashboard.setup.errors.tooLong', { max: LABEL_MAX });
    }
    if (offered.length === 0) found.offered = t(`dashboard.setup.${list}.errors.offeredEmpty`);
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      form.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    const trimmed = Object.fromEntries(LANGUAGES.map((l) => [l, labels[l].trim()])) as ReasonLabels;
    const refused = await onSubmit(trimmed, CHOICES[list].filter((c) => offered.includes(c)));
    setBusy(false);
    if (refused) return setProblems(refused);
    if (!editing) {
      setLabels(EMPTY_LABELS);
      setOffered([...CHOICES[list]]);
    }
  };

  return (
    <div class={editing ? 'setup-edit' : 'setup-add'}>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <form ref={form} class="staff-form setup-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-title`}>
        {LANGUAGES.map((language) => (
          <div class="field" key={language}>
            <label for={`${id}-${language}`}>{t(`dashboard.setup.labelIn.${language}`)}</label>
            <input
              id={`${id}-${language}`}
              data-field={language}
              lang={language}
              value={labels[language]}
              onInput={(e) => setLabels({ ...labels, [language]: e.currentTarget.value })}
              autoComplete="off"
              maxLength={LABEL_MAX}
              aria-invalid={problems[language] ? true : undefined}
              aria-describedby={`${id}-${language}-error`}
              required
            />
            <FieldError id={`${id}-${language}-error`} text={problems[language]} />
          </div>
        ))}
        <fieldset class="setup-offered" aria-describedby={`${id}-offered-error`}>
          <legend>{t(`dashboard.setup.${list}.offeredLegend`)}</legend>
          {CHOICES[list].map((choice, i) => (
            <span class="field-check" key={choice}>
              <input
                id={`${id}-offered-${choice}`}
                type="checkbox"
                data-field={i === 0 ? 'offered' : undefined}
                checked={offered.includes(choice)}
                aria-invalid={problems.offered ? true : undefined}
                onChange={(e) => setOffered(e.currentTarget.checked ? [...offered, choice] : offered.filter((o) => o !== choice))}
              />
              <label for={`${id}-offered-${choice}`}>{t(`dashboard.setup.${list}.offered.${choice}`)}</label>
            </span>
          ))}
          <FieldError id={`${id}-offered-error`} text={problems.offered} />
        </fieldset>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? t(editing ? 'dashboard.setup.saving' : 'dashboard.setup.adding') : t(editing ? 'dashboard.setup.save' : `dashboard.setup.${list}.add`)}
          </button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
              {t('dashboard.cancel')}
            </button>
          )}
        </div>
      </form>
      <p class="error" role="alert">
        {problems.form}
      </p>
    </div>
  );
}
