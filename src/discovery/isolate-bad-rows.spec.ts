import { isRowCausedError, writeIsolatingBadRows } from './isolate-bad-rows';

const sqlError = (code: string) => Object.assign(new Error(`sql ${code}`), { code });

/** A writer that refuses any batch holding a poisoned number, the way one INSERT fails whole. */
function writerRefusing(poison: Set<number>, code = '22003') {
  const written: number[] = [];
  const write = async (batch: readonly number[]) => {
    if (batch.some((n) => poison.has(n))) throw sqlError(code);
    written.push(...batch);
    return batch.length;
  };
  return { written, write };
}

describe('writeIsolatingBadRows', () => {
  it('writes a clean batch in one statement', async () => {
    const { written, write } = writerRefusing(new Set());
    const items = Array.from({ length: 5000 }, (_, i) => i);
    const out = await writeIsolatingBadRows(items, write, () => undefined);
    expect(out).toEqual({ bad: [], statements: 1 });
    expect(written).toEqual(items);
  });

  it.each([[[0]], [[4999]], [[17, 18]], [[1, 2500, 4998]]])('isolates poisoned rows %j and writes every other one, in order', async (poisoned) => {
    const { written, write } = writerRefusing(new Set(poisoned));
    const items = Array.from({ length: 5000 }, (_, i) => i);
    const results: number[] = [];
    const out = await writeIsolatingBadRows(items, write, (r) => results.push(r));
    expect(out.bad.map((b) => b.item)).toEqual(poisoned);
    expect(out.bad[0].error.message).toBe('sql 22003');
    expect(written).toEqual(items.filter((i) => !poisoned.includes(i)));
    expect(results.reduce((a, b) => a + b, 0)).toBe(5000 - poisoned.length);
    // about 2·log2(5000) statements per bad row, not one per row
    expect(out.statements).toBeLessThan(30 * poisoned.length);
  });

  it('stops and throws on a failure that is not about the data, after reporting what went in', async () => {
    let calls = 0;
    const seen: number[][] = [];
    const write = async (batch: readonly number[]) => {
      calls++;
      if (calls === 1) throw sqlError('22001');
      if (calls === 3) throw Object.assign(new Error('Connection terminated'), { code: undefined });
      return [...batch];
    };
    await expect(writeIsolatingBadRows([1, 2, 3, 4], write, (r) => seen.push(r))).rejects.toThrow('Connection terminated');
    expect(seen).toEqual([[1, 2]]);
  });

  it('classifies SQLSTATEs', () => {
    for (const code of ['22003', '22001', '22021', '22008', '23514', '23502', '42804', '54000']) expect(isRowCausedError(sqlError(code))).toBe(true);
    for (const code of ['08006', '57P01', '53100', '25006', '40P01', '42P01', 'XX000']) expect(isRowCausedError(sqlError(code))).toBe(false);
    expect(isRowCausedError(new Error('ECONNREFUSED'))).toBe(false);
    const noPartition = Object.assign(new Error('no partition of relation "fills" found for row'), { code: '23514' });
    expect(isRowCausedError(noPartition)).toBe(false);
    expect(isRowCausedError(null)).toBe(false);
  });
});
