import 'reflect-metadata';
import { parse } from 'querystring';
import { createValidationPipe } from '../common/validation.pipe';
import { leaderboardParams, LeaderboardParams, LeaderboardQueryDto } from './dto/leaderboard-query.dto';
import { parseLeaderboardQuery } from './leaderboard-fast-query';

/** What Nest does with the query string: Express's parser (node:querystring), then the global validation pipe. */
async function viaDto(query: string): Promise<LeaderboardParams | null> {
  try {
    const dto = (await createValidationPipe().transform(parse(query), { type: 'query', metatype: LeaderboardQueryDto })) as LeaderboardQueryDto;
    return leaderboardParams(dto);
  } catch {
    return null;
  }
}

const VALUES: Record<string, string[]> = {
  sort_by: ['copy_score', 'trader_score', 'roi', 'win_rate', 'volume', 'ROI', ' roi', 'roi%20', ''],
  order: ['asc', 'desc', 'ASC', 'up', ' asc', ''],
  window: ['1d', '7d', '30d', 'all', '2d', 'ALL'],
  page: ['1', '2', '007', '100000', '100001', '0', '-1', '1.5', '1e3', 'abc', '', '+1', '9999999999999999'],
  limit: ['1', '50', '100', '500', '501', '0', ' 20', '20%20', 'abc'],
  min_trades: ['0', '10', '1000000000', '1000000001', '-1', '5.5'],
  min_volume_usd: ['0', '100', '0.5', '100.123456789012', '100.1234567890123', '1000000000000000', '1000000000000001', '-5', 'lots', '1e3', '.5'],
};

describe('parseLeaderboardQuery (the fast path) against LeaderboardQueryDto (Nest)', () => {
  it('reads the empty query as the defaults', async () => {
    expect(parseLeaderboardQuery('')).toEqual(await viaDto(''));
  });

  it.each(Object.entries(VALUES).flatMap(([key, values]) => values.map((v) => [`${key}=${v}`])))(
    'never accepts what the DTO rejects, and agrees on what it accepts: %s',
    async (query) => {
      const fast = parseLeaderboardQuery(query);
      const dto = await viaDto(query);
      if (fast !== null) expect(fast).toEqual(dto);
    },
  );

  it('agrees on random combinations, and takes the plain valid ones itself', async () => {
    const keys = Object.keys(VALUES);
    let taken = 0;
    for (let i = 0; i < 400; i++) {
      const pairs = keys.filter(() => Math.random() < 0.4).map((k) => `${k}=${VALUES[k][Math.floor(Math.random() * VALUES[k].length)]}`);
      if (Math.random() < 0.1) pairs.push(Math.random() < 0.5 ? 'colour=red' : pairs[0] ?? 'page=1');
      const query = pairs.join('&');
      const fast = parseLeaderboardQuery(query);
      const dto = await viaDto(query);
      if (fast !== null) {
        taken++;
        expect(fast).toEqual(dto);
      }
    }
    expect(taken).toBeGreaterThan(5);
    expect(parseLeaderboardQuery('window=7d&sort_by=roi&order=asc&page=2&limit=100&min_trades=0&min_volume_usd=0.5')).toEqual(
      await viaDto('window=7d&sort_by=roi&order=asc&page=2&limit=100&min_trades=0&min_volume_usd=0.5'),
    );
  });

  it('leaves duplicates, unknown names, encoded and flag-only parameters to the DTO', () => {
    for (const q of ['limit=5&limit=6', 'colour=red', '__proto__=1', 'toString=1', 'sort_by=r%6Fi', 'limit', '=5', 'limit=5&', 'order=asc+'])
      expect(parseLeaderboardQuery(q)).toBeNull();
  });
});
