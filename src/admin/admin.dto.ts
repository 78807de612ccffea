import { ApiProperty } from '@nestjs/swagger';

const ADDRESS_EXAMPLE = '0x0123456789abcdef0123456789abcdef01234567';

export class TrackWatchDto {
  @ApiProperty({ example: '/updates', description: 'Socket.IO namespace' })
  socket_io!: string;

  @ApiProperty({ example: `trader:${ADDRESS_EXAMPLE}`, description: 'Room to follow (emit `subscribe` {traders:[address]})' })
  room!: string;

  @ApiProperty({ example: '/ws/v1/updates', description: 'Plain WebSocket endpoint' })
  websocket!: string;

  @ApiProperty({ example: `/api/v1/traders/${ADDRESS_EXAMPLE}/events` })
  events!: string;
}

export class TrackQueuedDto {
  @ApiProperty({ example: true })
  queued!: boolean;

  @ApiProperty({ example: false, description: 'It was already waiting in the tracking queue (its place is kept)' })
  already_queued!: boolean;

  @ApiProperty({ example: ADDRESS_EXAMPLE })
  address!: string;

  @ApiProperty({ type: TrackWatchDto, description: 'Where the refresh\'s position changes will appear' })
  watch!: TrackWatchDto;
}

export class RecalculateQueuedDto {
  @ApiProperty({ example: true })
  queued!: boolean;

  @ApiProperty({ example: '2026-01-31T12:00:00.000Z' })
  requested_at!: string;

  @ApiProperty({ example: 'leaderboard_updated', description: 'Live event announcing the new generation' })
  watch!: string;
}

export class CacheClearedDto {
  @ApiProperty({ example: 12, description: 'Leaderboard cache entries removed' })
  cleared!: number;
}
