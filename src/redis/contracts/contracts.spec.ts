import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, sep } from 'path';
import { REDIS_CONTRACTS } from './index';
import { decodeSignalsWithScores, signalArgs } from './tracking-signals';
import { decodeSnapshotEntry, encodeSnapshotEntry } from './snapshots-stream';
import { decodeStreamGap, encodeStreamGap } from './stream-gaps';
import { decodeTradesEntry, encodeTradesEntry } from './trades-stream';
import { decodeConnectionReport, encodeConnectionReport } from './ws-connections';
import { decodeMarkets, encodeMarkets } from './discovery-markets';
import { rateBudgetBase, rateBudgetLowShareKey, rateBudgetScriptKeys } from './rate-budget';

const SRC = join(__dirname, '..', '..');
const CONTRACTS_DIR = __dirname;
/** Files of this folder that are not contracts. */
const NOT_CONTRACTS = new Set(['contract.ts', 'index.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a file without its comments (a comment may name a key; code must not). */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '$1');
}

const rel = (path: string): string => relative(SRC, path).split(sep).join('/');
const outside = tsFiles(SRC).filter((f) => !f.startsWith(CONTRACTS_DIR + sep));
const contractFiles = readdirSync(CONTRACTS_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !NOT_CONTRACTS.has(f));
const declared = Object.entries(REDIS_CONTRACTS).flatMap(([file, c]) => c.names.map((n) => ({ file, ...n })));

/** Redis commands whose first argument is a key or channel (a literal there is a name spelled by hand). */
const KEYED_COMMAND =
  /\.(publish|subscribe|psubscribe|unsubscribe|xadd|xrange|xrevrange|xlen|xdel|xtrim|zadd|zrange|zrangebyscore|zrem|zcard|zscore|hset|hget|hgetall|hdel|hincrby|lpush|rpush|rpop|lpop|brpop|blpop|ltrim|lindex|lrange|getdel|sadd|srem|smembers|pexpire|expire|incr|incrby|unlink|exists)\(\s*['"`]/g;

describe('Redis contracts', () => {
  it('lists every contract file of the folder in the registry, and only those', () => {
    expect(Object.keys(REDIS_CONTRACTS).map((k) => `${k}.ts`).sort()).toEqual([...contractFiles].sort());
  });

  it('declares each name once, and no name inside another family', () => {
    const names = declared.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const nested = declared.filter((d) => declared.some((p) => p.type === 'prefix' && p !== d && d.name.startsWith(p.name)));
    expect(nested).toEqual([]);
  });

  it('declares the channels CONTRACT.md names', () => {
    const channels = declared.filter((d) => d.type === 'channel').map((d) => d.name);
    expect(channels).toEqual(expect.arrayContaining(['trade_events', 'leaderboard_updated']));
  });

  it("spells every `ts:` name of a contract file in its declaration", () => {
    const names = new Set(declared.map((d) => d.name));
    for (const file of contractFiles) {
      const literals = [...code(join(CONTRACTS_DIR, file)).matchAll(/['"`](ts:[^'"`$]*)/g)].map((m) => m[1]);
      const own = new Set(REDIS_CONTRACTS[file.replace(/\.ts$/, '')].names.map((n) => n.name));
      expect({ file, undeclared: literals.filter((l) => !names.has(l) || !own.has(l)) }).toEqual({ file, undeclared: [] });
    }
  });

  it('leaves no Redis name spelled outside this folder', () => {
    const offenders: string[] = [];
    for (const path of outside) {
      const src = code(path);
      for (const m of src.matchAll(/['"`]ts:[\w.:-]*/g)) offenders.push(`${rel(path)}: ${m[0]}`);
      if (path.endsWith('.spec.ts')) continue; // unit tests of the in-memory Redis use keys of their own
      for (const m of src.matchAll(KEYED_COMMAND)) offenders.push(`${rel(path)}: ${m[0]}`);
      for (const d of declared) {
        if (d.type === 'channel' && new RegExp(`\\.(publish|subscribe|psubscribe)\\([^)]*['"\`]${d.name}['"\`]`).test(src)) {
          offenders.push(`${rel(path)}: channel ${d.name}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('has each contract imported by exactly the folders it lists as users', () => {
    const usersOf = new Map<string, Set<string>>(Object.keys(REDIS_CONTRACTS).map((k) => [k, new Set()]));
    for (const path of outside) {
      for (const m of code(path).matchAll(/from '(?:\.\.?\/)+(?:redis\/)?contracts\/([\w-]+)'/g)) {
        if (NOT_CONTRACTS.has(`${m[1]}.ts`)) continue;
        const folder = rel(path).split('/')[0];
        const users = usersOf.get(m[1]);
        if (users) users.add(folder);
        else throw new Error(`${rel(path)} imports an unlisted contract ${m[1]}`);
      }
    }
    for (const [file, c] of Object.entries(REDIS_CONTRACTS)) {
      expect({ file, users: [...usersOf.get(file)!].sort() }).toEqual({ file, users: [...c.users].sort() });
    }
  });
});

describe('Redis contract codecs', () => {
  it('reads a stream entry by field name, not position', () => {
    const trades = [{ coin: 'BTC', tid: 1 }];
    const [field, value] = encodeTradesEntry(trades);
    expect(field).toBe('t');
    expect(decodeTradesEntry(['other', 'x', field, value])).toEqual(trades);
    expect(decodeTradesEntry(['other', 'x'])).toEqual([]);
    const [sField, message] = encodeSnapshotEntry('{"a":1}');
    expect(sField).toBe('s');
    expect(decodeSnapshotEntry(['t', '[]', sField, message])).toBe('{"a":1}');
    expect(decodeSnapshotEntry(['t', '[]'])).toBeUndefined();
  });

  it('round-trips gaps, connection reports and markets, and refuses what is not one', () => {
    expect(decodeStreamGap(encodeStreamGap({ from: 1, to: 2 }))).toEqual({ from: 1, to: 2 });
    expect(decodeStreamGap('{"from":1}')).toBeNull();
    expect(decodeStreamGap('not json')).toBeNull();
    expect(decodeConnectionReport(encodeConnectionReport({ n: 3, at: 4 }))).toEqual({ n: 3, at: 4 });
    expect(decodeConnectionReport('{"n":"3","at":4}')).toBeNull();
    expect(decodeMarkets(encodeMarkets(['BTC', 'ETH']))).toEqual(['BTC', 'ETH']);
    expect(decodeMarkets('[1]')).toBeNull();
  });

  it('gives ZADD score/member pairs and reads WITHSCORES replies', () => {
    const signals = [
      { address: '0xa', at: 10 },
      { address: '0xb', at: 20 },
    ];
    expect(signalArgs(signals)).toEqual([10, '0xa', 20, '0xb']);
    expect(decodeSignalsWithScores(['0xa', '10', '0xb', '20'])).toEqual(signals);
  });

  it('names the budget keys as the scripts read them (one cluster slot per budget)', () => {
    const base = rateBudgetBase('ts:budget', 'default');
    expect(base).toBe('ts:budget:{default}');
    expect(rateBudgetScriptKeys(base)).toEqual([
      'ts:budget:{default}:window',
      'ts:budget:{default}:total',
      'ts:budget:{default}:queue',
      'ts:budget:{default}:queue-exp',
      'ts:budget:{default}:seq',
      'ts:budget:{default}:paused-until',
      'ts:budget:{default}:429-count',
      'ts:budget:{default}:epoch',
    ]);
    expect(rateBudgetLowShareKey(base)).toBe('ts:budget:{default}:low-share');
  });
});
