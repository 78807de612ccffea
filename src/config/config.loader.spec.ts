import { ConfigValidationError, loadConfig } from './config.loader';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({});
    expect([...c.roles].sort()).toEqual(['api', 'discovery', 'worker']);
    expect(c.port).toBe(3000);
    expect(c.hyperliquidInfoUrl).toBe('https://api.hyperliquid.xyz/info');
    expect(c.popularCoins).toBeNull();
    expect(c.batchSize).toBe(50);
    expect(c.trackingIntervalSeconds).toBe(75);
    expect(c.leaderboardIntervalSeconds).toBe(600);
    expect(c.rateLimitWeightPerMinute).toBe(1200);
    expect(c.dbMigrate).toBe(true);
    expect(c.includeVaults).toBe(false);
    expect(c.adminApiKey).toBeNull();
    expect(c.leaderboardWeights).toEqual({
      win_rate: 0.3,
      total_volume_usd: 0.2,
      max_drawdown: 0.25,
      avg_risk_ratio: 0.15,
      max_profit_usd: 0.1,
    });
    expect(c.corsOrigins).toBe('*');
    expect(c.exchangeLeaderboardUrl).toBe('https://stats-data.hyperliquid.xyz/Mainnet/leaderboard');
  });

  it('turns the exchange leaderboard seeding off with an empty EXCHANGE_LEADERBOARD_URL, rejects a non-URL', () => {
    expect(loadConfig({ EXCHANGE_LEADERBOARD_URL: '' }).exchangeLeaderboardUrl).toBeNull();
    expect(loadConfig({ EXCHANGE_LEADERBOARD_URL: 'http://127.0.0.1:8080/Mainnet/leaderboard' }).exchangeLeaderboardUrl).toBe(
      'http://127.0.0.1:8080/Mainnet/leaderboard',
    );
    expect(() => loadConfig({ EXCHANGE_LEADERBOARD_URL: 'ftp://x' })).toThrow(/EXCHANGE_LEADERBOARD_URL/);
  });

  it('parses role lists, coins, booleans, a trailing /info and partial weights', () => {
    const c = loadConfig({
      ROLE: 'api, worker',
      POPULAR_COINS: 'BTC, ETH',
      DB_MIGRATE: 'false',
      HYPERLIQUID_API_URL: 'http://127.0.0.1:9000/info/',
      LEADERBOARD_WEIGHTS: '{"win_rate":0.5}',
      CORS_ORIGINS: 'http://a.test,http://b.test',
    });
    expect([...c.roles]).toEqual(['api', 'worker']);
    expect(c.popularCoins).toEqual(['BTC', 'ETH']);
    expect(c.dbMigrate).toBe(false);
    expect(c.hyperliquidInfoUrl).toBe('http://127.0.0.1:9000/info');
    expect(c.leaderboardWeights.win_rate).toBe(0.5);
    expect(c.leaderboardWeights.max_drawdown).toBe(0.25);
    expect(c.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
  });

  it.each([
    ['ROLE', 'bogus'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['BATCH_SIZE', '-1'],
    ['REDIS_URL', 'http://x'],
    ['WEBSOCKET_URL', 'https://x'],
    ['DB_MIGRATE', 'maybe'],
    ['LOG_LEVEL', 'trace'],
    ['LEADERBOARD_WEIGHTS', '{"unknown":1}'],
    ['POPULAR_COINS', 'BTC,,ETH'],
    ['DB_POOL_MAX', '0'],
  ])('rejects %s=%s with a message naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toContain(name);
  });

  it('accepts REDIS_URL=memory:// only for a process running every role', () => {
    expect(loadConfig({ REDIS_URL: 'memory://' }).inMemoryRedis).toBe(true);
    expect(loadConfig({ REDIS_URL: 'memory://', ROLE: 'api,worker,discovery' }).inMemoryRedis).toBe(true);
    expect(loadConfig({}).inMemoryRedis).toBe(false);
    for (const role of ['api', 'worker', 'discovery', 'api,worker']) {
      expect(() => loadConfig({ REDIS_URL: 'memory://', ROLE: role })).toThrow(
        /REDIS_URL.*memory:\/\/ works only for a single process running every role/,
      );
    }
  });

  it('reads DB_POOL_MAX (default 20)', () => {
    expect(loadConfig({}).dbPoolMax).toBe(20);
    expect(loadConfig({ DB_POOL_MAX: '1' }).dbPoolMax).toBe(1);
  });
});
