import type { TradeRejection, TradeSide, WsFrame, WsSubscription, WsTrade } from './hyperliquid.types';
import { isObject } from './parse-primitives';
import { checkWsTrade, DEFAULT_TRADE_RULES, isRejection, TradeRules } from './trade-validation';

/**
 * Classifies one WebSocket frame. The hot path of discovery (≥ 10,000 trades/s): one
 * `JSON.parse`, hand-written checks, no exceptions for the normal cases. Never throws. Each
 * trade is checked against `rules` at `now` (see trade-validation): rejected ones are listed,
 * the rest of the frame is kept.
 */
export function parseWsFrame(raw: string | Buffer, rules: TradeRules = DEFAULT_TRADE_RULES, now = Date.now()): WsFrame {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const first = firstNonSpace(text);
  if (first !== '{') {
    if (text.startsWith('Websocket connection')) return { kind: 'greeting', text };
    return { kind: 'malformed', reason: first === '' ? 'empty frame' : 'not a JSON object' };
  }
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'invalid JSON' };
  }
  if (!isObject(msg)) return { kind: 'malformed', reason: 'not a JSON object' };
  const channel = msg.channel;
  if (typeof channel !== 'string') return { kind: 'malformed', reason: 'no channel' };
  const data = msg.data;
  switch (channel) {
    case 'trades':
      return parseTradesData(data, rules, now);
    case 'pong':
      return { kind: 'pong' };
    case 'subscriptionResponse':
      return parseAck(data);
    case 'error':
      return { kind: 'error', message: typeof data === 'string' ? data : JSON.stringify(data ?? null) };
    default:
      return { kind: 'other', channel, data };
  }
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 0xfeff) return text[i];
  }
  return '';
}

function parseAck(data: unknown): WsFrame {
  if (!isObject(data) || typeof data.method !== 'string') {
    return { kind: 'malformed', reason: 'subscriptionResponse without method' };
  }
  const sub = data.subscription;
  const subscription = isObject(sub) && typeof sub.type === 'string' ? (sub as WsSubscription) : null;
  return { kind: 'ack', method: data.method, subscription };
}

function parseTradesData(data: unknown, rules: TradeRules, now: number): WsFrame {
  if (!Array.isArray(data)) return { kind: 'malformed', reason: 'trades data is not an array' };
  const trades: WsTrade[] = [];
  const rejected: TradeRejection[] = [];
  for (let i = 0; i < data.length; i++) {
    const checked = checkWsTrade(data[i], rules, now);
    if (isRejection(checked)) rejected.push(checked);
    else trades.push(checked);
  }
  let coin = trades.length > 0 ? trades[0].coin : '';
  if (coin === '' && data.length > 0 && isObject(data[0]) && typeof data[0].coin === 'string') coin = data[0].coin;
  return { kind: 'trades', coin, trades, invalid: rejected.length, rejected };
}

/** One element of a `trades` frame; null when it is rejected (see checkWsTrade for why). */
export function parseWsTrade(raw: unknown, rules: TradeRules = DEFAULT_TRADE_RULES, now = Date.now()): WsTrade | null {
  const checked = checkWsTrade(raw, rules, now);
  return isRejection(checked) ? null : checked;
}

/** Which side `address` (lower-case) took in `trade`: `B` if it bought, `A` if it sold, else null. */
export function traderSide(trade: WsTrade, address: string): TradeSide | null {
  if (trade.buyer === address) return 'B';
  if (trade.seller === address) return 'A';
  return null;
}
