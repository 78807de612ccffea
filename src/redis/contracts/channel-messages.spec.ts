import { parseLeaderboardMessage } from './leaderboard-updated-channel';
import { parseTradeEventMessage } from './trade-events-channel';

const event = {
  id: 7,
  trader_id: 3,
  trader_address: '0xABCDEF0123456789abcdef0123456789ABCDEF01',
  timestamp: '2026-01-01T00:00:00.000Z',
  event_type: 'position_opened',
  details: { coin: 'BTC', previous_size: '0', current_size: '1', size_change: '1', side: 'long', entry_price: '100', source: 'stream' },
};

describe('parseTradeEventMessage', () => {
  it('accepts a payload and lower-cases the address', () => {
    const r = parseTradeEventMessage(JSON.stringify(event));
    expect(r).toEqual({ ok: true, value: { ...event, trader_address: event.trader_address.toLowerCase() } });
  });

  it.each([
    ['not json', '{'],
    ['an array', '[]'],
    ['no id', JSON.stringify({ ...event, id: undefined })],
    ['a string id', JSON.stringify({ ...event, id: '7' })],
    ['a bad address', JSON.stringify({ ...event, trader_address: '0x12' })],
    ['an unknown type', JSON.stringify({ ...event, event_type: 'liquidated' })],
    ['no coin', JSON.stringify({ ...event, details: { ...event.details, coin: undefined } })],
  ])('rejects %s', (_name, message) => {
    expect(parseTradeEventMessage(message).ok).toBe(false);
  });
});

describe('parseLeaderboardMessage', () => {
  it('accepts {computed_at, count}', () => {
    expect(parseLeaderboardMessage('{"computed_at":"2026-01-01T00:00:00Z","count":5}').ok).toBe(true);
  });

  it('rejects a bad timestamp or count', () => {
    expect(parseLeaderboardMessage('{"computed_at":"nope","count":5}').ok).toBe(false);
    expect(parseLeaderboardMessage('{"computed_at":"2026-01-01T00:00:00Z"}').ok).toBe(false);
  });
});
