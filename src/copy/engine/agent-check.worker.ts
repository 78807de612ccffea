import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { HyperliquidInfoClient } from '../../hyperliquid/info.client';
import { CopyKeys, decodeAgentCheck, encode } from '../copy-channels';
import { dropConnection } from '../../redis/redis-availability';

/**
 * Answers the api's agent-approval checks (the api role never calls the exchange): an agent is
 * approved for a master when `extraAgents` lists it (named agents), or `userRole` of the agent
 * says it acts for that master (the unnamed one).
 */
export class AgentCheckWorker {
  private readonly logger = new Logger(AgentCheckWorker.name);
  private conn: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly info: HyperliquidInfoClient,
  ) {}

  start(): void {
    this.running = true;
    this.conn = this.redis.duplicate({ connectionName: 'traderscout:copy-agent-checks' });
    this.conn.on('error', () => undefined);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.conn) dropConnection(this.conn);
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const started = Date.now();
        const res = await this.conn!.blpop(CopyKeys.agentChecks, 1);
        const req = res ? decodeAgentCheck(res[1]) : null;
        if (!req) {
          // A stand-in that does not block (REDIS_URL=memory://) must not make this a busy loop.
          if (Date.now() - started < 500) await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        let reply: { approved: boolean; error?: string };
        try {
          reply = { approved: await this.approved(req.master, req.agent) };
        } catch (err) {
          reply = { approved: false, error: (err as Error).message };
        }
        const key = CopyKeys.agentCheckReply(req.id);
        await this.redis.multi().lpush(key, encode(reply)).expire(key, 60).exec();
      } catch (err) {
        if (!this.running) return;
        this.logger.warn({ msg: 'agent check loop failed', error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async approved(master: string, agent: string): Promise<boolean> {
    const named = await this.info.extraAgents(master);
    if (named.some((a) => a.address.toLowerCase() === agent && (!a.validUntil || a.validUntil > Date.now()))) return true;
    const role = await this.info.userRole(agent);
    return role.role === 'agent' && role.linkedUser?.toLowerCase() === master;
  }
}
