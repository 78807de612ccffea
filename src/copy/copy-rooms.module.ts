import { Module } from '@nestjs/common';
import { CopyRoomsService } from './api/copy-rooms.service';
import { FollowersRepository } from './data/followers.repository';

/** Followers' Socket.IO rooms (imported by the gateway). */
@Module({
  providers: [CopyRoomsService, FollowersRepository],
  exports: [CopyRoomsService],
})
export class CopyRoomsModule {}
