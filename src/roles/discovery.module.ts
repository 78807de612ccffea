import { Module } from '@nestjs/common';

/** Role `discovery`: the Hyperliquid trade-stream consumer. */
@Module({})
export class DiscoveryRoleModule {}
