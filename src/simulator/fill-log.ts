import type { FillDir } from './position-math';
import type { Side } from './types';

export interface LiquidationRecord {
  liquidatedUser: string;
  markPxInt: number;
  method: 'market' | 'backstop';
}

/** One fill as read back from a FillLog. `hashId` is turned into a hash string by the market. */
export interface FillRecord {
  coin: number;
  pxInt: number;
  szUnits: number;
  side: Side;
  time: number;
  startSzi: number;
  dir: FillDir;
  closedPnlMicro: number;
  hashId: number;
  oid: number;
  crossed: boolean;
  feeMicro: number;
  tid: number;
  liquidation: LiquidationRecord | undefined;
}

const DIRS: readonly FillDir[] = ['Open Long', 'Open Short', 'Close Long', 'Close Short', 'Long > Short', 'Short > Long', 'Auto-Deleveraging'];
const DIR_INDEX = new Map<FillDir, number>(DIRS.map((d, i) => [d, i]));
const SIDE_A = 1;
const CROSSED = 2;
const HAS_LIQUIDATION = 4;
const DIR_SHIFT = 3;
/** Numeric columns per fill. */
const N = 9;
const PX = 0;
const SZ = 1;
const TIME = 2;
const START = 3;
const PNL = 4;
const FEE = 5;
const TID = 6;
const OID = 7;
const HASH = 8;

/**
 * A user's newest `max` fills, oldest first, in a ring of typed arrays (~80 bytes a fill instead of
 * a few hundred for objects). Older fills are overwritten, as only the newest 10,000 exist on the
 * exchange. Index 0 is the oldest kept fill.
 */
export class FillLog {
  private capacity = 0;
  private head = 0;
  private size = 0;
  private coins = new Uint16Array(0);
  private flags = new Uint8Array(0);
  private nums = new Float64Array(0);
  private readonly liquidations = new Map<number, LiquidationRecord>();

  constructor(private readonly max: number) {}

  get length(): number {
    return this.size;
  }

  private grow(): void {
    const cap = Math.min(this.max, Math.max(16, this.capacity * 2));
    const coins = new Uint16Array(cap);
    const flags = new Uint8Array(cap);
    const nums = new Float64Array(cap * N);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % this.capacity;
      coins[i] = this.coins[j];
      flags[i] = this.flags[j];
      nums.set(this.nums.subarray(j * N, j * N + N), i * N);
    }
    this.coins = coins;
    this.flags = flags;
    this.nums = nums;
    this.capacity = cap;
    this.head = 0;
  }

  push(
    coin: number,
    side: Side,
    dir: FillDir,
    crossed: boolean,
    pxInt: number,
    szUnits: number,
    time: number,
    startSzi: number,
    closedPnlMicro: number,
    feeMicro: number,
    tid: number,
    oid: number,
    hashId: number,
    liquidation: LiquidationRecord | undefined,
  ): void {
    if (this.size === this.capacity && this.capacity < this.max) this.grow();
    let idx: number;
    if (this.size === this.capacity) {
      idx = this.head;
      this.head = (this.head + 1) % this.capacity;
      if (this.flags[idx] & HAS_LIQUIDATION) this.liquidations.delete(this.nums[idx * N + TID]);
    } else {
      idx = (this.head + this.size) % this.capacity;
      this.size++;
    }
    this.coins[idx] = coin;
    this.flags[idx] =
      (side === 'A' ? SIDE_A : 0) | (crossed ? CROSSED : 0) | (liquidation ? HAS_LIQUIDATION : 0) | (DIR_INDEX.get(dir)! << DIR_SHIFT);
    const o = idx * N;
    const nums = this.nums;
    nums[o + PX] = pxInt;
    nums[o + SZ] = szUnits;
    nums[o + TIME] = time;
    nums[o + START] = startSzi;
    nums[o + PNL] = closedPnlMicro;
    nums[o + FEE] = feeMicro;
    nums[o + TID] = tid;
    nums[o + OID] = oid;
    nums[o + HASH] = hashId;
    if (liquidation) this.liquidations.set(tid, liquidation);
  }

  /** Time of the i-th kept fill (0 = oldest). */
  time(i: number): number {
    return this.nums[((this.head + i) % this.capacity) * N + TIME];
  }

  get(i: number): FillRecord {
    const idx = (this.head + i) % this.capacity;
    const f = this.flags[idx];
    const o = idx * N;
    const nums = this.nums;
    return {
      coin: this.coins[idx],
      pxInt: nums[o + PX],
      szUnits: nums[o + SZ],
      side: f & SIDE_A ? 'A' : 'B',
      time: nums[o + TIME],
      startSzi: nums[o + START],
      dir: DIRS[f >> DIR_SHIFT],
      closedPnlMicro: nums[o + PNL],
      hashId: nums[o + HASH],
      oid: nums[o + OID],
      crossed: (f & CROSSED) !== 0,
      feeMicro: nums[o + FEE],
      tid: nums[o + TID],
      liquidation: f & HAS_LIQUIDATION ? this.liquidations.get(nums[o + TID]) : undefined,
    };
  }

  last(): FillRecord | undefined {
    return this.size === 0 ? undefined : this.get(this.size - 1);
  }

  toArray(): FillRecord[] {
    const out: FillRecord[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.get(i));
    return out;
  }
}
