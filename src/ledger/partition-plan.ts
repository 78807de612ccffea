/**
 * The day partitions of one ledger table: which to create ahead and which to drop past retention.
 * Each table has daily partitions `<table>_pYYYYMMDD` (UTC day [from, from + 1 day)) and one
 * `<table>_archive` for everything before the first daily partition (MINVALUE to its bound).
 * Pure: the repository lists the partitions and runs the plan.
 */

export const DAY_MS = 86_400_000;

export interface ExistingPartition {
  name: string;
  /** Lower bound (ms), null for MINVALUE (the archive). */
  from: number | null;
  /** Upper bound (ms). */
  to: number;
}

export interface PartitionPlan {
  /** Daily partitions wholly older than the retention horizon (and the archive when it rotates). */
  drop: string[];
  /** The archive to (re)create up to this bound (ms), when it rotates or is missing. */
  archiveTo: number | null;
  /** Day starts (ms) of the daily partitions to create. */
  create: number[];
}

export const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

export const dailyPartitionName = (table: string, day: number): string =>
  `${table}_p${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;

export const archivePartitionName = (table: string): string => `${table}_archive`;

/**
 * Keeps `retentionDays` whole days before today (UTC) and creates through today + `aheadDays`.
 * The archive holds only rows older than the first daily partition; once the horizon passes its
 * bound, every row in it is past retention, so it is dropped with the expired days and recreated
 * empty up to the horizon (rows only ever go by dropping a partition).
 */
export function planPartitions(
  table: string,
  existing: readonly ExistingPartition[],
  now: number,
  retentionDays: number,
  aheadDays: number,
): PartitionPlan {
  const today = startOfDay(now);
  const horizon = today - retentionDays * DAY_MS;
  const archive = existing.find((p) => p.from === null);
  const daily = existing.filter((p): p is ExistingPartition & { from: number } => p.from !== null);
  const drop: string[] = [];
  let archiveTo: number | null = null;
  let bound: number;
  if (!archive) {
    bound = Math.min(horizon, ...daily.map((p) => p.from));
    archiveTo = bound;
  } else if (archive.to < horizon) {
    for (const p of daily) if (p.to <= horizon) drop.push(p.name);
    drop.push(archive.name);
    bound = horizon;
    archiveTo = horizon;
  } else {
    bound = archive.to;
  }
  const kept = new Set(daily.filter((p) => !drop.includes(p.name)).map((p) => p.from));
  const create: number[] = [];
  for (let day = startOfDay(bound); day <= today + aheadDays * DAY_MS; day += DAY_MS) {
    if (day >= bound && !kept.has(day)) create.push(day);
  }
  return { drop, archiveTo, create };
}
