import Redis from 'ioredis';
import { disconnectUnlessEnded, dropConnection } from '../../src/redis/redis-availability';
import { REDIS_BASE_URL } from '../support/env';
import { waitFor } from '../support/process';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * Closing a connection leaves nothing behind to keep the process alive. ioredis's disconnect() on
 * a connection that already ended (after QUIT) arms a 2 s timer waiting for a `close` that already
 * happened: the app's shutdown did that for each of its clients, and the last test file's left
 * jest waiting after its report.
 */
describe('closing Redis connections', () => {
  it('arms no timer on a connection that already ended, as plain disconnect() does', async () => {
    const client = new Redis(REDIS_BASE_URL);
    await client.ping();
    await client.quit();
    await waitFor(async () => client.status === 'end', 5000, 10);

    const before = timers();
    disconnectUnlessEnded(client);
    dropConnection(client);
    expect(timers()).toBe(before);

    // What the helpers avoid (the check can fail): ioredis's own call arms the timer.
    client.disconnect();
    expect(timers()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 2100)); // let it fire, so this file leaves nothing either
  });

  it('still closes a live connection', async () => {
    const client = new Redis(REDIS_BASE_URL);
    await client.ping();
    disconnectUnlessEnded(client);
    await waitFor(async () => client.status === 'end', 5000, 10);
  });
});
