import { DEFAULT_LIMIT, LeaderboardParams, MAX_LIMIT, MAX_MIN_TRADES, MAX_MIN_VOLUME_USD, MAX_PAGE } from './dto/leaderboard-query.dto';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD, DEFAULT_SORT, SORT_FIELDS, SortField } from './leaderboard-fields';
import { LEADERBOARD_WINDOWS, LeaderboardWindow } from './leaderboard-windows';

const UNSIGNED = /^\d{1,15}$/;
const UNSIGNED_DECIMAL = /^\d{1,15}(\.\d{1,12})?$/;
/** Values the parser reads as they are: anything percent-encoded, `+` or spaced goes to the DTO. */
const PLAIN = /^[A-Za-z0-9_.-]+$/;

function intIn(value: string, min: number, max: number): number | null {
  if (!UNSIGNED.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/**
 * The leaderboard query string read the way LeaderboardQueryDto reads it, for the cached-page fast
 * path: the parameters when the query is one the DTO accepts in its plain form, else null (then the
 * request goes through Nest, whose validation answers it, including every 400 and its message). It
 * never accepts what the DTO rejects, and what it accepts gives the same LeaderboardParams
 * (leaderboard-fast-query.spec.ts checks both against the DTO). Pure.
 *
 * @param query the raw query string, without the `?`
 */
export function parseLeaderboardQuery(query: string): LeaderboardParams | null {
  const p: LeaderboardParams = {
    sortBy: DEFAULT_SORT,
    order: 'desc',
    window: 'all',
    page: 1,
    limit: DEFAULT_LIMIT,
    minTrades: DEFAULT_MIN_TRADES,
    minVolumeUsd: DEFAULT_MIN_VOLUME_USD,
  };
  if (query === '') return p;
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return null;
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (seen.has(key) || !PLAIN.test(value)) return null;
    seen.add(key);
    switch (key) {
      case 'sort_by':
        if (!(SORT_FIELDS as readonly string[]).includes(value)) return null;
        p.sortBy = value as SortField;
        break;
      case 'order':
        if (value !== 'asc' && value !== 'desc') return null;
        p.order = value;
        break;
      case 'window':
        if (!(LEADERBOARD_WINDOWS as readonly string[]).includes(value)) return null;
        p.window = value as LeaderboardWindow;
        break;
      case 'page': {
        const n = intIn(value, 1, MAX_PAGE);
        if (n === null) return null;
        p.page = n;
        break;
      }
      case 'limit': {
        const n = intIn(value, 1, MAX_LIMIT);
        if (n === null) return null;
        p.limit = n;
        break;
      }
      case 'min_trades': {
        const n = intIn(value, 0, MAX_MIN_TRADES);
        if (n === null) return null;
        p.minTrades = n;
        break;
      }
      case 'min_volume_usd': {
        if (!UNSIGNED_DECIMAL.test(value)) return null;
        const n = Number(value);
        if (!(n <= MAX_MIN_VOLUME_USD)) return null;
        p.minVolumeUsd = n;
        break;
      }
      default:
        return null;
    }
  }
  return p;
}
