import { Module } from '@nestjs/common';
import { DiscoveryModule } from '../discovery/discovery.module';

/** Role `discovery`: the Hyperliquid trade-stream consumer. */
@Module({ imports: [DiscoveryModule] })
export class DiscoveryRoleModule {}
