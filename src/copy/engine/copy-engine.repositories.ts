import { Injectable } from '@nestjs/common';
import { CopyOrdersRepository } from '../data/copy-orders.repository';
import { CopyStateRepository } from '../data/copy-state.repository';
import { FollowersRepository } from '../data/followers.repository';
import { FollowsRepository } from '../data/follows.repository';
import { LeaderStateRepository } from '../data/leader-state.repository';

/** The copy tables the engine works on, as one injectable (keeps the engine's constructor small). */
@Injectable()
export class CopyEngineRepositories {
  constructor(
    readonly followers: FollowersRepository,
    readonly follows: FollowsRepository,
    readonly orders: CopyOrdersRepository,
    readonly state: CopyStateRepository,
    readonly leaders: LeaderStateRepository,
  ) {}
}
