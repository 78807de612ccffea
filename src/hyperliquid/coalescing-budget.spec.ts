import { CoalescingBudget } from './coalescing-budget';
import type { Priority } from './info.client';

function fakeBudget(fail = false) {
  const calls: Array<{ weight: number; priority: Priority | undefined; signal: boolean }> = [];
  const settled: number[] = [];
  return {
    calls,
    settled,
    budget: {
      reserve: async (weight: number, priority?: Priority, signal?: AbortSignal) => {
        calls.push({ weight, priority, signal: !!signal });
        if (fail) throw new Error('budget down');
        return { settle: async (w: number) => void settled.push(w) };
      },
      report429: async () => undefined,
      reportSuccess: async () => undefined,
    },
  };
}

describe('CoalescingBudget', () => {
  it('merges the reservations of one turn into one of their total, per priority', async () => {
    const f = fakeBudget();
    const b = new CoalescingBudget(f.budget);
    await Promise.all([b.reserve(1), b.reserve(2, 'high'), b.reserve(1, 'low'), b.reserve(1, 'low')]);
    expect(f.calls).toEqual([
      { weight: 3, priority: 'high', signal: false },
      { weight: 2, priority: 'low', signal: false },
    ]);
    // A later turn is a new reservation.
    await b.reserve(1);
    expect(f.calls).toHaveLength(3);
  });

  it('keeps the weight of a merged request that settles to 0; a lone request settles as usual', async () => {
    const f = fakeBudget();
    const b = new CoalescingBudget(f.budget);
    const [a] = await Promise.all([b.reserve(1), b.reserve(1)]);
    await a.settle(0);
    expect(f.settled).toEqual([]);
    const lone = await b.reserve(1);
    await lone.settle(0);
    expect(f.settled).toEqual([0]);
  });

  it('splits a large burst, reserves abortable requests alone, and passes failures to every waiter', async () => {
    const f = fakeBudget();
    const b = new CoalescingBudget(f.budget);
    await Promise.all([...Array.from({ length: 150 }, () => b.reserve(1)), b.reserve(1, 'high', new AbortController().signal)]);
    expect(f.calls.map((c) => [c.weight, c.signal])).toEqual([[1, true], [100, false], [50, false]]);

    const down = new CoalescingBudget(fakeBudget(true).budget);
    const results = await Promise.allSettled([down.reserve(1), down.reserve(1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
