/**
 * Whether IndexedDB refused this tab's last write for lack of space. Kept in memory on
 * purpose: when the origin's quota is exhausted, IndexedDB cannot take even the row that
 * would say so. Set by a write that failed with QuotaExceededError, cleared by a record
 * written or a probe that fits (probeStorage), so the status corner tells staff the truth.
 */
export class StoragePressure {
  #full = false;
  #listeners = new Set<(full: boolean) => void>();

  get full(): boolean {
    return this.#full;
  }

  /** A write was refused for lack of space. */
  refused(): void {
    this.#set(true);
  }

  /** A write went through: there is room again. */
  relieved(): void {
    this.#set(false);
  }

  /** Follows the state; the listener is called at once, then on every change. */
  subscribe(onNext: (full: boolean) => void, _onError?: (error: unknown) => void): { unsubscribe(): void } {
    this.#listeners.add(onNext);
    onNext(this.#full);
    return { unsubscribe: () => void this.#listeners.delete(onNext) };
  }

  #set(full: boolean): void {
    if (this.#full === full) return;
    this.#full = full;
    for (const listener of this.#listeners) listener(full);
  }
}
