import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';

/** One prom-client Registry per app instance (tests boot several apps in one process). */
@Global()
@Module({
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        registry.setDefaultLabels({ app: 'traderscout' });
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
  ],
  controllers: [MetricsController],
  exports: [Registry],
})
export class MetricsModule {}
