import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import { DomainError } from '../../common/domain-error';
import { REDIS_CLIENT } from '../../redis/redis.tokens';
import { CopyKeys, decodeAgentReply, encode } from '../copy-channels';
import { dropConnection } from '../../redis/redis-availability';

const AGENT_CHECK_TIMEOUT_S = 30;

/** The api's side of the copy channels: commands to the engines, agent checks through a worker. */
@Injectable()
export class CopyBusService {
  private readonly logger = new Logger(CopyBusService.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Tells the engines to reload a follower (best effort: reconciliation catches up anyway). */
  async reload(followerId: string): Promise<void> {
    await this.redis.publish(CopyKeys.commandsChannel, encode({ kind: 'reload', follower_id: followerId })).catch((err: Error) =>
      this.logger.warn({ msg: 'copy reload not published', follower_id: followerId, error: err.message }),
    );
  }

  async halt(halted: boolean): Promise<void> {
    await this.redis.publish(CopyKeys.commandsChannel, encode({ kind: 'halt', halted }));
  }

  /** Asks a worker whether `agent` is approved for `master` (extraAgents); 503 when no worker answers. */
  async agentApproved(master: string, agent: string): Promise<boolean> {
    const id = randomUUID();
    const replyKey = CopyKeys.agentCheckReply(id);
    await this.redis.lpush(CopyKeys.agentChecks, encode({ id, master, agent }));
    // A blocking pop holds its connection: one short-lived connection per check.
    const blocking = this.redis.duplicate({ connectionName: 'traderscout:copy-agent-check' });
    blocking.on('error', () => undefined);
    const res = await blocking.blpop(replyKey, AGENT_CHECK_TIMEOUT_S).finally(() => dropConnection(blocking));
    const reply = res ? decodeAgentReply(res[1]) : null;
    if (!reply) throw new DomainError('UNAVAILABLE', 'the agent approval check got no answer (is a worker running?)');
    if (reply.error) throw new DomainError('UNAVAILABLE', `the agent approval check failed: ${reply.error}`);
    return reply.approved;
  }
}
