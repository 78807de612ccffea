import { readFileSync } from 'fs';
import { join } from 'path';
import { DEFAULT_TRADE_RULES } from './trade-validation';
import { parseWsFrame as parseAt, parseWsTrade, traderSide } from './ws-frame-parser';

const fixtureText = (path: string): string => readFileSync(join(__dirname, '../../test/fixtures', path), 'utf8');

const BUYER = '0xcc0a3b6e3267c84361e91d8230868eea53431e4b';
const SELLER = '0xc64cc00b46101bd40aa1c3121195e85c0b0918d8';

/** The fixtures' time: trades are checked against a window around now. */
const NOW = 1751430933565 + 1000;
const parseWsFrame = (raw: string | Buffer) => parseAt(raw, DEFAULT_TRADE_RULES, NOW);
const HASH = '0xde93a8a0729ade63d8840417805ba9010b008818422ddedb1285744426b73503';

const trade = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  coin: 'ETH',
  side: 'B',
  px: '2500.5',
  sz: '1.0',
  time: 1751430933565,
  hash: HASH,
  tid: 1,
  users: [BUYER, SELLER],
  ...over,
});
const frame = (data: unknown): string => JSON.stringify({ channel: 'trades', data });

describe('parseWsFrame', () => {
  it('parses the captured mainnet trades frame', () => {
    expect(parseWsFrame(fixtureText('ws/trades.json'))).toEqual({
      kind: 'trades',
      coin: 'BTC',
      invalid: 0,
      rejected: [],
      trades: [
        {
          coin: 'BTC',
          side: 'A',
          px: '106296.0',
          sz: '0.00017',
          time: 1751430933565,
          hash: '0xde93a8a0729ade63d8840417805ba9010b008818422ddedb1285744426b73503',
          tid: 293353986402527,
          buyer: BUYER,
          seller: SELLER,
        },
      ],
    });
  });

  it('accepts a Buffer', () => {
    const parsed = parseWsFrame(Buffer.from(fixtureText('ws/trades.json')));
    expect(parsed.kind).toBe('trades');
  });

  it('lower-cases buyer and seller', () => {
    const parsed = parseWsFrame(frame([trade({ users: [BUYER.toUpperCase().replace('0X', '0x'), SELLER] })]));
    expect(parsed).toMatchObject({ kind: 'trades', trades: [{ buyer: BUYER, seller: SELLER }] });
  });

  it('skips and counts bad trades, keeps the good ones', () => {
    const parsed = parseWsFrame(
      frame([
        trade({ tid: 1 }),
        trade({ users: [BUYER] }),
        trade({ users: ['0x123', SELLER] }),
        trade({ side: 'S' }),
        trade({ px: 'abc' }),
        trade({ tid: 2 ** 60 }),
        trade({ tid: '5' }),
        trade({ time: 1.5 }),
        trade({ coin: '' }),
        null,
        trade({ tid: 2, px: 2501, sz: 0.5 }),
      ]),
    );
    expect(parsed.kind).toBe('trades');
    if (parsed.kind !== 'trades') return;
    expect(parsed.invalid).toBe(9);
    expect(parsed.rejected.map((r) => r.reason)).toEqual(['users', 'users', 'side', 'px', 'tid', 'tid', 'time', 'coin', 'shape']);
    expect(parsed.trades.map((t) => [t.tid, t.px, t.sz])).toEqual([
      [1, '2500.5', '1.0'],
      [2, '2501', '0.5'],
    ]);
  });

  it('reports the coin even when every trade is bad, and an empty frame', () => {
    expect(parseWsFrame(frame([trade({ px: null })]))).toEqual({
      kind: 'trades',
      coin: 'ETH',
      trades: [],
      invalid: 1,
      rejected: [{ reason: 'px', sample: JSON.stringify(trade({ px: null })) }],
    });
    expect(parseWsFrame(frame([]))).toEqual({ kind: 'trades', coin: '', trades: [], invalid: 0, rejected: [] });
  });

  it('recognises the greeting', () => {
    expect(parseWsFrame('Websocket connection established.')).toEqual({
      kind: 'greeting',
      text: 'Websocket connection established.',
    });
    expect(parseWsFrame(Buffer.from('Websocket connection established.')).kind).toBe('greeting');
  });

  it('parses the subscription ack with its echoed subscription', () => {
    expect(parseWsFrame(fixtureText('ws/subscriptionResponse.trades.json'))).toEqual({
      kind: 'ack',
      method: 'subscribe',
      subscription: { type: 'trades', coin: 'SOL' },
    });
  });

  it('parses pong', () => {
    expect(parseWsFrame(fixtureText('ws/pong.json'))).toEqual({ kind: 'pong' });
  });

  it('parses an error frame', () => {
    const raw = JSON.stringify({ channel: 'error', data: 'Already subscribed: {"type":"trades","coin":"BTC"}' });
    expect(parseWsFrame(raw)).toEqual({ kind: 'error', message: 'Already subscribed: {"type":"trades","coin":"BTC"}' });
    expect(parseWsFrame('{"channel":"error","data":{"x":1}}')).toEqual({ kind: 'error', message: '{"x":1}' });
  });

  it('passes other channels through with their data', () => {
    expect(parseWsFrame('{"channel":"l2Book","data":{"coin":"BTC"}}')).toEqual({
      kind: 'other',
      channel: 'l2Book',
      data: { coin: 'BTC' },
    });
  });

  it.each([
    ['', 'empty frame'],
    ['   ', 'empty frame'],
    ['hello', 'not a JSON object'],
    ['[1,2]', 'not a JSON object'],
    ['{"channel":', 'invalid JSON'],
    ['{"data":[]}', 'no channel'],
    ['{"channel":5}', 'no channel'],
    ['{"channel":"trades","data":{}}', 'trades data is not an array'],
    ['{"channel":"subscriptionResponse","data":{}}', 'subscriptionResponse without method'],
  ])('reports %j as malformed (%s)', (raw, reason) => {
    expect(parseWsFrame(raw)).toEqual({ kind: 'malformed', reason });
  });

  it('does not treat the client frames it might echo as data', () => {
    expect(parseWsFrame(fixtureText('ws/ping.request.json'))).toEqual({ kind: 'malformed', reason: 'no channel' });
    expect(parseWsFrame(fixtureText('ws/subscribe.trades.request.json')).kind).toBe('malformed');
  });

  it('parses ≥ 10,000 trades per second with a wide margin', () => {
    const trades = Array.from({ length: 20 }, (_, i) => trade({ tid: i }));
    const raw = frame(trades);
    const frames = 2500; // 50,000 trades
    const start = process.hrtime.bigint();
    let count = 0;
    for (let i = 0; i < frames; i++) {
      const parsed = parseWsFrame(raw);
      if (parsed.kind === 'trades') count += parsed.trades.length;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    expect(count).toBe(50000);
    expect(count / seconds).toBeGreaterThan(10000);
  });
});

describe('parseWsTrade / traderSide', () => {
  it('tells which side an address took', () => {
    const t = parseWsTrade(trade(), DEFAULT_TRADE_RULES, NOW)!;
    expect(traderSide(t, BUYER)).toBe('B');
    expect(traderSide(t, SELLER)).toBe('A');
    expect(traderSide(t, '0x0000000000000000000000000000000000000000')).toBeNull();
  });
});
