/**
 * Writing a batch in which some rows the database refuses: the whole batch first (the normal,
 * single-statement case); when it fails because of its data, halves of it, recursively, until the
 * refused rows stand alone. Every other row is written; a failure that is not about the data
 * (connection lost, read-only, out of disk) stops the walk and is thrown, to be retried whole.
 */

export interface BadRow<T> {
  item: T;
  error: Error;
}

export interface IsolatedWrite<T> {
  bad: BadRow<T>[];
  /** Statements run (1 when the batch went in whole). */
  statements: number;
}

/**
 * SQLSTATEs that one row's value causes: class 22 (data exception: out of range, too long, bad
 * encoding such as a NUL byte, bad datetime), class 23 (integrity constraint), 42804 (datatype
 * mismatch) and 54000 (program limit exceeded, e.g. a value too large); not a missing day partition.
 */
export function isRowCausedError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  // 23514 also reports a row with no day partition yet (maintenance behind): not the row's fault,
  // the batch is retried until the worker has created the day.
  if (code === '23514' && /no partition of relation/.test((err as Error).message ?? '')) return false;
  return code.startsWith('22') || code.startsWith('23') || code === '42804' || code === '54000';
}

/**
 * Writes `items` with `write`, isolating the rows whose own data makes it fail. `onWritten` sees
 * each sub-batch that went in (also when a later one then fails on a lost connection).
 */
export async function writeIsolatingBadRows<T, R>(
  items: readonly T[],
  write: (batch: readonly T[]) => Promise<R>,
  onWritten: (result: R, batch: readonly T[]) => void,
  isRowError: (err: unknown) => boolean = isRowCausedError,
): Promise<IsolatedWrite<T>> {
  const bad: BadRow<T>[] = [];
  let statements = 0;
  const stack: Array<readonly T[]> = items.length > 0 ? [items] : [];
  while (stack.length > 0) {
    const batch = stack.pop()!;
    statements++;
    try {
      onWritten(await write(batch), batch);
    } catch (err) {
      if (!isRowError(err)) throw err;
      if (batch.length === 1) {
        bad.push({ item: batch[0], error: err instanceof Error ? err : new Error(String(err)) });
        continue;
      }
      const mid = Math.ceil(batch.length / 2);
      stack.push(batch.slice(mid), batch.slice(0, mid)); // the first half is written first
    }
  }
  return { bad, statements };
}
