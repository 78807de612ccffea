/** Risk checks run before every send and after every equity update. Pure. */

export type StopReason = 'drawdown_stop' | 'loss_stop' | 'halted';

/** Equity below peak × (1 − pct/100) stops the follower. */
export function drawdownBreached(equityUsd: number, peakUsd: number, maxDrawdownPct: number | null): boolean {
  if (maxDrawdownPct === null || peakUsd <= 0) return false;
  return equityUsd < peakUsd * (1 - maxDrawdownPct / 100);
}

export function drawdownPct(equityUsd: number, peakUsd: number): number {
  return peakUsd > 0 ? Math.max(0, ((peakUsd - equityUsd) / peakUsd) * 100) : 0;
}

/** A follow's PnL (realised + unrealised − fees) at or below −max_loss_usd stops that follow. */
export function followLossBreached(pnlUsd: number, maxLossUsd: number | null): boolean {
  return maxLossUsd !== null && pnlUsd <= -maxLossUsd;
}

export interface SendGate {
  halted: boolean;
  followerStatus: 'active' | 'paused' | 'stopped';
}

/**
 * Whether an order may go now: nothing is sent while the global halt is on; a paused or stopped
 * follower sends only the exits its stop asked for (`closing`).
 */
export function maySend(gate: SendGate, closing: boolean): { ok: true } | { ok: false; reason: StopReason | 'paused' | 'stopped' } {
  if (gate.halted) return { ok: false, reason: 'halted' };
  if (gate.followerStatus === 'active' || closing) return { ok: true };
  return { ok: false, reason: gate.followerStatus };
}
