import { DAY_MS, dailyPartitionName, ExistingPartition, planPartitions } from './partition-plan';

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const daily = (iso: string): ExistingPartition => ({ name: dailyPartitionName('fills', day(iso)), from: day(iso), to: day(iso) + DAY_MS });

describe('planPartitions', () => {
  const now = day('2026-12-07') + 5 * 3_600_000;

  it('names days by their UTC date', () => {
    expect(dailyPartitionName('fills', day('2026-01-02'))).toBe('fills_p20260102');
  });

  it('creates the missing days through today + ahead and drops nothing inside retention', () => {
    const existing = [{ name: 'fills_archive', from: null, to: day('2026-12-05') }, daily('2026-12-05'), daily('2026-12-06')];
    const plan = planPartitions('fills', existing, now, 30, 2);
    expect(plan.drop).toEqual([]);
    expect(plan.archiveTo).toBeNull();
    expect(plan.create).toEqual([day('2026-12-07'), day('2026-12-08'), day('2026-12-09')]);
  });

  it('drops the days wholly past the horizon and rotates the archive to it', () => {
    const existing: ExistingPartition[] = [{ name: 'fills_archive', from: null, to: day('2026-12-01') }];
    for (let d = day('2026-12-01'); d <= day('2026-12-09'); d += DAY_MS) existing.push(daily(new Date(d).toISOString().slice(0, 10)));
    const plan = planPartitions('fills', existing, now, 3, 2);
    // horizon = 2026-12-04: days 01..03 end on or before it.
    expect(plan.drop).toEqual(['fills_p20261201', 'fills_p20261202', 'fills_p20261203', 'fills_archive']);
    expect(plan.archiveTo).toBe(day('2026-12-04'));
    expect(plan.create).toEqual([]);
  });

  it('keeps an archive whose bound is still inside retention (a longer retention than the migration assumed)', () => {
    const existing = [{ name: 'fills_archive', from: null, to: day('2026-12-06') }, daily('2026-12-06'), daily('2026-12-07')];
    const plan = planPartitions('fills', existing, now, 365, 0);
    expect(plan).toEqual({ drop: [], archiveTo: null, create: [] });
  });

  it('after a long outage fills the gap from the horizon, so no day is left without a partition', () => {
    const existing = [{ name: 'fills_archive', from: null, to: day('2026-10-01') }, daily('2026-10-01')];
    const plan = planPartitions('fills', existing, now, 2, 1);
    expect(plan.drop).toEqual(['fills_p20261001', 'fills_archive']);
    expect(plan.archiveTo).toBe(day('2026-12-05'));
    expect(plan.create).toEqual([day('2026-12-05'), day('2026-12-06'), day('2026-12-07'), day('2026-12-08')]);
  });

  it('recreates a missing archive below the first day', () => {
    const plan = planPartitions('fills', [daily('2026-12-07')], now, 30, 0);
    expect(plan.archiveTo).toBe(day('2026-11-07'));
    expect(plan.create[0]).toBe(day('2026-11-07'));
    expect(plan.create).toHaveLength(30);
  });
});
