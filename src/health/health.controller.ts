import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from './health.registry';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly registry: HealthRegistry,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('detailed')
  @ApiOperation({ summary: 'Readiness: every dependency of this role, with status and last success' })
  @ApiOkResponse({ description: 'Every required dependency is up' })
  @ApiServiceUnavailableResponse({ description: 'A dependency this role needs is down' })
  async detailed(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const { healthy, checks } = await this.registry.run();
    res.status(healthy ? 200 : 503);
    return {
      status: healthy ? 'ok' : 'unavailable',
      role: [...this.config.roles],
      version: this.config.version,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      timestamp: new Date().toISOString(),
      checks,
    };
  }
}
