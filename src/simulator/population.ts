import type { CoinSpec } from './coins';
import { accountValueOf } from './account';
import { toMicro } from './format';
import { FillLog } from './fill-log';
import type { Rng } from './rng';
import { HLP_ADDRESS, MAX_FILLS_KEPT, type FundingRecord, type HistoryPoint, type PositionState, type TraderState } from './state';
import type { TraderKind, UserRole } from './types';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const LEVERAGE_CHOICES = [1, 2, 3, 5, 5, 10, 10, 20, 25, 40];

export interface NewTraderArgs {
  address: string;
  index: number;
  kind: TraderKind;
  role: UserRole;
  coins: number;
  balanceUsd: number;
  activity: number;
  orderNotionalUsd: number;
  leverage: number[];
}

export function newTraderState(a: NewTraderArgs): TraderState {
  return {
    address: a.address,
    index: a.index,
    kind: a.kind,
    role: a.role,
    roleData: undefined,
    cashMicro: toMicro(a.balanceUsd),
    netDeposit: a.balanceUsd,
    positions: new Array<PositionState | undefined>(a.coins).fill(undefined),
    leverage: a.leverage,
    fundingAllTime: new Array<number>(a.coins).fill(0),
    fills: new FillLog(MAX_FILLS_KEPT),
    funding: [],
    history: [],
    volumeMicro: 0n,
    tradesCount: 0,
    activity: a.activity,
    orderNotionalUsd: a.orderNotionalUsd,
    dirty: false,
  };
}

export interface PopulationArgs {
  rng: Rng;
  /** Ordinary traders; 3 market makers and 2 vaults come on top. */
  traders: number;
  coins: readonly CoinSpec[];
  marks: Float64Array;
  fundingRates: Float64Array;
  now: number;
  /** A fresh transaction hash. */
  newHash: () => string;
}

/**
 * The simulated population, deterministic for a seed: HLP and a second vault, three market makers,
 * then `traders` ordinary traders with heavy-tailed balances and activity. About a third start
 * with positions; HLP holds the opposite of everyone's starting positions so open interest nets
 * to zero. Each account gets 30 days of synthetic portfolio history and 24 h of funding history.
 */
export function createPopulation(args: PopulationArgs): TraderState[] {
  const { rng, coins, marks } = args;
  const n = coins.length;
  const out: TraderState[] = [];
  const leverageFor = (fixed?: number): number[] =>
    coins.map((c) => Math.min(c.maxLeverage, fixed ?? rng.pick(LEVERAGE_CHOICES)));
  const add = (kind: TraderKind, role: UserRole, address: string, balance: number, activity: number, order: number, lev: number[]) => {
    const t = newTraderState({
      address,
      index: out.length,
      kind,
      role,
      coins: n,
      balanceUsd: Math.round(balance * 100) / 100,
      activity,
      orderNotionalUsd: order,
      leverage: lev,
    });
    out.push(t);
    return t;
  };

  const hlp = add('vault', 'vault', HLP_ADDRESS, 150_000_000 * (0.9 + 0.2 * rng.next()), 0, 60_000, leverageFor(5));
  const vault2 = add('vault', 'vault', rng.address(), 8_000_000 * (0.8 + 0.4 * rng.next()), 0, 20_000, leverageFor(3));
  const mms = [25_000_000, 12_000_000, 6_000_000].map((b) =>
    add('market-maker', 'user', rng.address(), b * (0.8 + 0.4 * rng.next()), 0, 30_000, leverageFor(10)),
  );
  for (let i = 0; i < args.traders; i++) {
    // 1k .. 1M USDC, most accounts small; activity Pareto(α≈1.16): a few traders dominate the flow.
    const balance = 1000 * Math.pow(1000, Math.pow(rng.next(), 2.5));
    const activity = Math.min(500, Math.pow(1 - rng.next(), -1 / 1.16));
    const order = Math.max(25, balance * (0.03 + 0.25 * rng.next()));
    add('trader', 'user', rng.address(), balance, activity, order, leverageFor());
  }

  const open = (t: TraderState, c: number, notional: number, sign: number) => {
    const spec = coins[c];
    const units = Math.max(1, Math.round((notional / marks[c]) * spec.szScale));
    const entry = marks[c] * Math.min(1.3, Math.max(0.7, 1 + 0.04 * rng.gaussian()));
    t.positions[c] = { szi: sign * units, entryPx: entry, sinceOpen: 0, sinceChange: 0 };
  };
  for (const mm of [...mms, vault2]) {
    for (let k = 0; k < 4; k++) open(mm, rng.int(0, n), mm.netDeposit * 0.01 * rng.next(), rng.chance(0.5) ? 1 : -1);
  }
  for (const t of out) {
    if (t.kind !== 'trader' || !rng.chance(0.35)) continue;
    const count = rng.int(1, 4);
    for (let k = 0; k < count; k++) open(t, rng.int(0, n), t.netDeposit * (0.3 + 2.7 * rng.next()), rng.chance(0.5) ? 1 : -1);
  }
  for (let c = 0; c < n; c++) {
    let net = 0;
    for (const t of out) net += t.positions[c]?.szi ?? 0;
    if (net !== 0) {
      hlp.positions[c] = { szi: -net, entryPx: marks[c] * (1 + 0.02 * rng.gaussian()), sinceOpen: 0, sinceChange: 0 };
    }
  }

  for (const t of out) {
    // Cash such that today's account value is the drawn balance.
    const balance = t.netDeposit;
    t.cashMicro = toMicro(balance - (accountValueOf(t, coins, marks) - t.cashMicro / 1e6));
    t.history = syntheticHistory(rng, balance, args.now, t.kind === 'trader' ? t.orderNotionalUsd * t.activity * 4 : 0);
    t.netDeposit = t.history[0].av;
    t.funding = syntheticFunding(t, args);
  }
  return out;
}

/**
 * 30 days of account-value history ending near `balance`: 48 points over 29 days, 12 over the last
 * day. The cumulative volume traded `dailyVolumeUsd` a day before the market started (it counts
 * from a negative origin to 0 at the last synthetic point, so the real trades add on from 0).
 */
function syntheticHistory(rng: Rng, balance: number, now: number, dailyVolumeUsd: number): HistoryPoint[] {
  const times: number[] = [];
  for (let k = 0; k < 48; k++) times.push(now - 30 * DAY_MS + Math.round((k * 29 * DAY_MS) / 48));
  for (let k = 0; k < 12; k++) times.push(now - DAY_MS + k * 2 * HOUR_MS);
  const values = new Array<number>(times.length);
  let v = balance;
  for (let k = times.length - 1; k >= 0; k--) {
    values[k] = v;
    v = Math.max(balance * 0.05, v / (1 + 0.02 * rng.gaussian()));
  }
  const base = values[0];
  const last = times[times.length - 1];
  const vlmAt = (t: number) => -BigInt(Math.round(((last - t) / DAY_MS) * dailyVolumeUsd * 1e6));
  return times.map((t, k) => ({ t, av: values[k], pnl: values[k] - base, vlmMicro: vlmAt(t) }));
}

/** Hourly funding over the last 24 h on the starting positions (already part of the starting cash). */
function syntheticFunding(t: TraderState, args: PopulationArgs): FundingRecord[] {
  const out: FundingRecord[] = [];
  const lastHour = Math.floor(args.now / HOUR_MS) * HOUR_MS;
  for (let h = 23; h >= 0; h--) {
    const time = lastHour - h * HOUR_MS;
    for (let c = 0; c < args.coins.length; c++) {
      const pos = t.positions[c];
      if (!pos) continue;
      const rate = args.fundingRates[c] * (1 + 0.3 * args.rng.gaussian());
      const size = pos.szi / args.coins[c].szScale;
      const usdcMicro = toMicro(-size * args.marks[c] * rate);
      if (usdcMicro === 0) continue;
      out.push({ time, coin: c, rate: Math.round(rate * 1e8) / 1e8, sziUnits: pos.szi, usdcMicro, hash: args.newHash() });
      const paid = -usdcMicro / 1e6;
      pos.sinceOpen += paid;
      pos.sinceChange += paid;
      t.fundingAllTime[c] += paid;
    }
  }
  return out;
}
