import { Module } from '@nestjs/common';
import { LedgerPartitionsRepository } from './ledger-partitions.repository';
import { LedgerPartitionsScheduler } from './ledger-partitions.scheduler';

/** Role `worker`: the day partitions of the ledger (fills, trader_fills, trade_events) and their retention. */
@Module({ providers: [LedgerPartitionsRepository, LedgerPartitionsScheduler] })
export class LedgerModule {}
