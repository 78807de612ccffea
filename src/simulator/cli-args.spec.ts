import { parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('parses every flag', () => {
    const o = parseCliArgs([
      '--port', '9000', '--host=0.0.0.0', '--seed', '7', '--traders', '50', '--weight-per-minute', '600',
      '--trade-rate', '10000', '--coins', 'BTC,ETH', '--idle-timeout-ms', '500', '--replay-count', '3',
    ]);
    expect(o).toMatchObject({
      port: 9000, host: '0.0.0.0', seed: 7, traders: 50, weightPerMinute: 600, tradeRate: 10000,
      coins: ['BTC', 'ETH'], idleTimeoutMs: 500, replayCount: 3, statusIntervalMs: 5000, help: false,
    });
  });

  it('defaults to port 8080 and rejects bad input', () => {
    expect(parseCliArgs([]).port).toBe(8080);
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(() => parseCliArgs(['--nope', '1'])).toThrow(/unknown flag/);
    expect(() => parseCliArgs(['--port', 'x'])).toThrow(/number/);
    expect(() => parseCliArgs(['--port'])).toThrow(/needs a value/);
  });
});
