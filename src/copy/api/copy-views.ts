import type { AlertRecord, FollowerRecord, FollowRecord, OrderRecord } from '../data/copy.records';
import { drawdownPct } from '../domain/risk';

const money = (n: number): string => (Number.isFinite(n) ? String(Math.round(n * 1e6) / 1e6) : '0');
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** A follower as its routes show it: never its agent key, never its token hash. */
export function followerView(f: FollowerRecord) {
  return {
    id: f.id,
    address: f.address,
    name: f.name,
    mode: f.mode,
    status: f.status,
    stop_reason: f.stopReason,
    agent_address: f.agentAddress,
    equity_usd: money(f.equityUsd),
    peak_equity_usd: money(f.peakEquityUsd),
    drawdown_pct: Math.round(drawdownPct(f.equityUsd, f.peakEquityUsd) * 1e4) / 1e4,
    max_drawdown_pct: f.maxDrawdownPct,
    realized_pnl_usd: money(f.realizedPnlUsd),
    fees_usd: money(f.feesUsd),
    created_at: iso(f.createdAt),
  };
}

export function followView(f: FollowRecord) {
  const s = f.settings;
  return {
    id: f.id,
    leader: f.leader,
    status: f.status,
    stop_reason: f.stopReason,
    sizing: s.sizing,
    multiplier: s.multiplier,
    ratio: s.ratio,
    notional_usd: s.notionalUsd,
    max_leverage: s.maxLeverage,
    max_position_usd: s.maxPositionUsd,
    max_total_usd: s.maxTotalUsd,
    max_loss_usd: f.maxLossUsd,
    coins_allow: s.coinsAllow,
    coins_deny: s.coinsDeny,
    sides: s.sides,
    reverse: s.reverse,
    slippage_bps: f.slippageBps,
    rebalance_band_pct: f.rebalanceBandPct,
    copy_open_positions: f.copyOpenPositions,
    realized_pnl_usd: money(f.realizedPnlUsd),
    fees_usd: money(f.feesUsd),
    created_at: iso(f.createdAt),
  };
}

/** A journal row (also the `copy_order` event). */
export function orderView(o: OrderRecord) {
  return {
    id: o.id,
    follower_id: o.followerId,
    cloid: o.cloid,
    leader: o.leader,
    coin: o.coin,
    side: o.side,
    kind: o.kind,
    size: o.size,
    limit_price: o.limitPrice,
    reduce_only: o.reduceOnly,
    status: o.status,
    filled_size: o.filledSize,
    avg_price: o.avgPrice,
    fee_usd: o.feeUsd,
    error: o.error,
    trigger: o.trigger,
    trigger_event_id: o.triggerEventId === null ? null : Number(o.triggerEventId),
    trigger_time: iso(o.triggerTime),
    leader_price: o.leaderPrice,
    created_at: iso(o.createdAt),
    sent_at: iso(o.sentAt),
    acked_at: iso(o.ackedAt),
  };
}
export type OrderView = ReturnType<typeof orderView>;

/** The `copy_alert` event. */
export function alertView(a: AlertRecord) {
  return { follower_id: a.followerId, kind: a.kind, message: a.message, timestamp: iso(a.createdAt) };
}
export type AlertView = ReturnType<typeof alertView>;
