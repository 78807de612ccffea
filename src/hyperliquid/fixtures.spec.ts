import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseClearinghouseState, parsePortfolio, parseUserFunding, parseUserRole } from './account-parsers';
import { parseFills } from './fill-parsers';
import { parseAllMids, parseMeta } from './market-parsers';
import { parseExchangeBoard } from './stats-leaderboard-parser';
import { DEFAULT_TRADE_RULES } from './trade-validation';
import { parseWsFrame } from './ws-frame-parser';
import { infoRequestWeight } from './weights';

/**
 * Every recorded fixture has a parser, and parses with nothing skipped. A new fixture without
 * an entry here fails the test, so the parsers keep up with the recordings.
 */
const ROOT = join(__dirname, '../../test/fixtures');
const text = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const json = (path: string): unknown => JSON.parse(text(path));

const invalidOf = (result: { invalid?: number; invalidPositions?: number }): number =>
  result.invalid ?? result.invalidPositions ?? 0;

const CHECKS: Record<string, (path: string) => void> = {
  'info/allMids.json': (p) => expect(invalidOf(parseAllMids(json(p)))).toBe(0),
  'info/clearinghouseState.json': (p) => expect(invalidOf(parseClearinghouseState(json(p)))).toBe(0),
  'info/meta.json': (p) => expect(invalidOf(parseMeta(json(p)))).toBe(0),
  'info/portfolio.json': (p) => expect(invalidOf(parsePortfolio(json(p)))).toBe(0),
  'info/statsLeaderboard.sample.json': (p) => expect(invalidOf(parseExchangeBoard(json(p)))).toBe(0),
  'info/userFills.current.json': (p) => expect(invalidOf(parseFills(json(p)))).toBe(0),
  'info/userFills.json': (p) => expect(invalidOf(parseFills(json(p)))).toBe(0),
  'info/userFunding.json': (p) => expect(invalidOf(parseUserFunding(json(p)))).toBe(0),
  'info/userRole.json': (p) => expect(parseUserRole(json(p)).role).toBe('vault'),
  'ws/allMids.sample.json': (p) => {
    const frame = parseWsFrame(text(p));
    expect(frame.kind === 'other' && invalidOf(parseAllMids(frame.data))).toBe(0);
  },
  'ws/ping.request.json': (p) => expect(json(p)).toEqual({ method: 'ping' }),
  'ws/pong.json': (p) => expect(parseWsFrame(text(p)).kind).toBe('pong'),
  'ws/subscribe.trades.request.json': (p) => expect(json(p)).toMatchObject({ method: 'subscribe' }),
  'ws/subscriptionResponse.trades.json': (p) => expect(parseWsFrame(text(p)).kind).toBe('ack'),
  // Checked at the time it was recorded (the window is around now).
  'ws/trades.json': (p) => expect(parseWsFrame(text(p), DEFAULT_TRADE_RULES, 1751430933565)).toMatchObject({ kind: 'trades', invalid: 0 }),
  'ws/userEvents.fillWithLiquidation.json': (p) => {
    const frame = parseWsFrame(text(p));
    expect(frame.kind === 'other' && invalidOf(parseFills(frame.data))).toBe(0);
  },
};

const files = ['info', 'ws'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${dir}/${f}`),
);

describe('recorded fixtures', () => {
  it('are all covered', () => {
    const uncovered = files.filter((f) => !f.endsWith('.request.json') || f.startsWith('ws/')).filter((f) => !CHECKS[f]);
    expect(uncovered).toEqual([]);
  });

  it.each(files.filter((f) => CHECKS[f]))('%s parses cleanly', (file) => {
    CHECKS[file](file);
  });

  it.each(files.filter((f) => f.startsWith('info/') && f.endsWith('.request.json')))('%s has a known weight', (file) => {
    const weight = infoRequestWeight(json(file) as { type: string });
    expect(weight).toBeGreaterThan(0);
  });
});
