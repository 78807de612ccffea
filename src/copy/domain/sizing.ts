/**
 * The desired size per coin of a follower: the sum over its follows of each follow's scaled copy
 * of its leader (CONTRACT.md, "Copy trading"). Pure and Nest-free.
 */

export const SIZINGS = ['proportional', 'fixed_ratio', 'fixed_notional'] as const;
export type Sizing = (typeof SIZINGS)[number];
export const SIDES = ['both', 'long', 'short'] as const;
export type Sides = (typeof SIDES)[number];

export interface FollowSettings {
  sizing: Sizing;
  multiplier: number;
  ratio: number | null;
  notionalUsd: number | null;
  maxLeverage: number | null;
  maxPositionUsd: number | null;
  maxTotalUsd: number | null;
  coinsAllow: string[] | null;
  coinsDeny: string[] | null;
  sides: Sides;
  reverse: boolean;
}

/** What a follow remembers between evaluations (stored with the follow). */
export interface FollowState {
  /** fixed_notional: follower size per leader size, fixed when the leader opened (signed by the leader's side then). */
  ratios: Record<string, { ratio: number; sign: 1 | -1 }>;
  /** Leader positions held when the follow started without copy_open_positions: ignored until closed or flipped (the side then). */
  ignored: Record<string, 1 | -1>;
}

export interface LeaderPosition {
  /** Signed size; negative = short. */
  size: number;
  leverage: number | null;
}

export interface LeaderView {
  /** Account value; null when never snapshotted. */
  equityUsd: number | null;
  positions: Record<string, LeaderPosition>;
}

export interface FollowTarget {
  /** Signed desired size per coin this follow manages and has an opinion on. */
  sizes: Record<string, number>;
  leverage: Record<string, number>;
  /** Why nothing could be computed (e.g. leader equity unknown for proportional). */
  unavailable: string | null;
}

export const emptyFollowState = (): FollowState => ({ ratios: {}, ignored: {} });

const sign = (x: number): 1 | -1 | 0 => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Coins outside coins_allow or inside coins_deny are left alone: never traded for this follow. */
export function followManages(s: Pick<FollowSettings, 'coinsAllow' | 'coinsDeny'>, coin: string): boolean {
  if (s.coinsAllow && s.coinsAllow.length > 0 && !s.coinsAllow.includes(coin)) return false;
  return !(s.coinsDeny && s.coinsDeny.includes(coin));
}

/** The state a follow starts with: the leader's open positions are ignored unless copy_open_positions. */
export function initialFollowState(leader: LeaderView, copyOpenPositions: boolean): FollowState {
  const state = emptyFollowState();
  if (copyOpenPositions) return state;
  for (const [coin, p] of Object.entries(leader.positions)) {
    const s = sign(p.size);
    if (s !== 0) state.ignored[coin] = s;
  }
  return state;
}

/**
 * Advances a follow's memory to the leader's current positions: an ignored position is forgotten
 * once the leader closed or flipped it; a fixed_notional ratio is fixed when the leader opens (at
 * that price) and dropped when it closes or flips.
 */
export function advanceFollowState(
  s: FollowSettings,
  state: FollowState,
  leader: LeaderView,
  prices: Record<string, number>,
): FollowState {
  const next: FollowState = { ratios: { ...state.ratios }, ignored: { ...state.ignored } };
  for (const [coin, side] of Object.entries(state.ignored)) {
    if (sign(leader.positions[coin]?.size ?? 0) !== side) delete next.ignored[coin];
  }
  if (s.sizing !== 'fixed_notional') return { ratios: {}, ignored: next.ignored };
  for (const coin of new Set([...Object.keys(next.ratios), ...Object.keys(leader.positions)])) {
    const size = leader.positions[coin]?.size ?? 0;
    const held = next.ratios[coin];
    if (held && sign(size) !== held.sign) delete next.ratios[coin];
    const px = prices[coin];
    if (!next.ratios[coin] && size !== 0 && px > 0 && s.notionalUsd) {
      next.ratios[coin] = { ratio: s.notionalUsd / (Math.abs(size) * px), sign: sign(size) as 1 | -1 };
    }
  }
  return next;
}

/** One follow's target: scaled leader sizes, then reverse, sides, filters, per-coin cap, total cap. */
export function followTarget(
  s: FollowSettings,
  state: FollowState,
  leader: LeaderView,
  followerEquityUsd: number,
  prices: Record<string, number>,
): FollowTarget {
  let scale: number | null = null;
  if (s.sizing === 'proportional') {
    if (!leader.equityUsd || leader.equityUsd <= 0) return { sizes: {}, leverage: {}, unavailable: 'leader equity unknown' };
    scale = (Math.max(0, followerEquityUsd) / leader.equityUsd) * s.multiplier;
  } else if (s.sizing === 'fixed_ratio') {
    scale = s.ratio ?? 0;
  }
  const sizes: Record<string, number> = {};
  const leverage: Record<string, number> = {};
  for (const [coin, p] of Object.entries(leader.positions)) {
    if (!followManages(s, coin)) continue;
    let size = 0;
    if (state.ignored[coin] === undefined || state.ignored[coin] !== sign(p.size)) {
      const k = scale ?? state.ratios[coin]?.ratio ?? 0;
      size = p.size * k;
    }
    if (s.reverse) size = -size;
    if ((s.sides === 'long' && size < 0) || (s.sides === 'short' && size > 0)) size = 0;
    const px = prices[coin];
    if (s.maxPositionUsd !== null && px > 0 && Math.abs(size) * px > s.maxPositionUsd) {
      size = (sign(size) * s.maxPositionUsd) / px;
    }
    sizes[coin] = size === 0 ? 0 : size;
    const lev = p.leverage ?? s.maxLeverage;
    if (lev !== null) leverage[coin] = Math.max(1, Math.floor(Math.min(lev, s.maxLeverage ?? lev)));
  }
  if (s.maxTotalUsd !== null) {
    const total = Object.entries(sizes).reduce((sum, [coin, size]) => sum + Math.abs(size) * (prices[coin] ?? 0), 0);
    if (total > s.maxTotalUsd && total > 0) {
      const k = s.maxTotalUsd / total;
      for (const coin of Object.keys(sizes)) sizes[coin] *= k;
    }
  }
  return { sizes, leverage, unavailable: null };
}

export interface FollowerTarget {
  /** Signed desired size per managed coin. */
  sizes: Record<string, number>;
  leverage: Record<string, number>;
  /** Each follow's share of each coin (for per-follow PnL attribution). */
  byFollow: Record<string, Record<string, number>>;
}

/**
 * The follower's desired sizes: the sum of its follows' targets over every coin one of them
 * manages (coins it already holds included, so a leader's close closes the copy); leverage per
 * coin is the smallest any contributing follow allows.
 */
export function followerTarget(
  follows: Array<{ id: string; settings: FollowSettings; target: FollowTarget }>,
  heldCoins: string[],
): FollowerTarget {
  const sizes: Record<string, number> = {};
  const leverage: Record<string, number> = {};
  const byFollow: Record<string, Record<string, number>> = {};
  for (const f of follows) {
    byFollow[f.id] = { ...f.target.sizes };
    for (const [coin, size] of Object.entries(f.target.sizes)) {
      sizes[coin] = (sizes[coin] ?? 0) + size;
      const lev = f.target.leverage[coin];
      if (lev !== undefined && size !== 0) leverage[coin] = Math.min(leverage[coin] ?? lev, lev);
    }
    for (const coin of heldCoins) {
      if (f.target.unavailable === null && followManages(f.settings, coin) && sizes[coin] === undefined) sizes[coin] = 0;
    }
  }
  return { sizes, leverage, byFollow };
}
