/**
 * Errors are values at boundaries: store, sync and server functions return a
 * Result; a `reason` is a stable code for programs, `message` names the problem and the fix.
 */
export type Ok<T> = { ok: true; value: T };
export type Err<R extends string = string> = { ok: false; reason: R; message: string };
export type Result<T, R extends string = string> = Ok<T> | Err<R>;

/** Wraps a value as a success. */
export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

/** Builds a failure with a stable reason code and a human message. */
export const err = <R extends string>(reason: R, message: string): Err<R> => ({ ok: false, reason, message });
