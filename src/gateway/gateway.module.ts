import { Module } from '@nestjs/common';
import { ClientLimitsService } from './client-limits.service';
import { CopyRoomsModule } from '../copy/copy-rooms.module';
import { EventsDataModule } from '../events/events-data.module';
import { ConnectionCountService } from './connection-count.service';
import { EventRelayService } from './event-relay.service';
import { GatewayMetrics } from './gateway.metrics';
import { PlainWsGateway } from './plain-ws.gateway';
import { UpdatesGateway } from './updates.gateway';

/**
 * Live events for clients (api role only): Socket.IO namespace `/updates`, the plain WebSocket
 * `/ws/v1/updates`, and the relay from the Redis channels to both. The Socket.IO server itself is
 * created by RedisIoAdapter (set in createApp).
 */
@Module({
  imports: [CopyRoomsModule, EventsDataModule],
  providers: [
    GatewayMetrics,
    ConnectionCountService,
    ClientLimitsService,
    UpdatesGateway,
    PlainWsGateway,
    EventRelayService,
  ],
  exports: [ConnectionCountService],
})
export class GatewayModule {}
