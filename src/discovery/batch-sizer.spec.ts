import { BatchSizer } from './batch-sizer';

/** A fake statement: fixed cost per statement plus per trade, and a penalty past `knee` trades. */
const cost = (n: number, knee: number): number => 20 + n * 0.02 + Math.max(0, n - knee) * 0.05;

function run(sizer: BatchSizer, batches: number, knee: number): void {
  for (let i = 0; i < batches; i++) {
    const size = sizer.next();
    sizer.record(size, size, cost(size, knee));
  }
}

describe('BatchSizer', () => {
  it('starts at the largest size (a backlog should not climb through the small ones)', () => {
    expect(new BatchSizer().current).toBe(8000);
    expect(new BatchSizer([500, 1000, 2000]).next()).toBe(2000);
  });

  it('settles on the size with the best measured rate', () => {
    const sizer = new BatchSizer([500, 1000, 2000, 4000, 8000], 4);
    run(sizer, 400, 2000);
    // 500: 20 ms + 10 → 16.7k/s; 2000: 60 ms → 33k/s; 4000: 200 ms → 20k/s.
    expect(sizer.current).toBe(2000);
  });

  it('follows a change of load', () => {
    const sizer = new BatchSizer([500, 1000, 2000, 4000, 8000], 4);
    run(sizer, 200, 1000);
    expect(sizer.current).toBe(1000);
    run(sizer, 400, 8000);
    expect(sizer.current).toBe(8000);
  });

  it('takes the largest size under a deep backlog, whatever it measured', () => {
    const sizer = new BatchSizer([500, 1000, 2000, 4000, 8000], 4);
    run(sizer, 200, 1000);
    expect(sizer.current).toBe(1000);
    expect(sizer.next(15_999)).toBe(1000);
    expect(sizer.next(16_000)).toBe(8000);
    expect(sizer.next(0)).toBe(1000);
  });

  it('ignores partial batches', () => {
    const sizer = new BatchSizer([500, 1000], 1000, 0.3, 1);
    sizer.record(1000, 10, 1);
    sizer.record(500, 500, 1000);
    expect(sizer.current).toBe(500);
  });
});
