import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminKeyGuard } from '../../common/auth/admin-key.guard';
import { ApiErrorResponses } from '../../common/api-error-responses';
import { CopyStateRepository } from '../data/copy-state.repository';
import { CopyBusService } from './copy-bus.service';

@ApiTags('copy')
@ApiSecurity('admin')
@UseGuards(AdminKeyGuard)
@Controller('api/v1/admin/copy')
export class CopyAdminController {
  constructor(
    private readonly state: CopyStateRepository,
    private readonly bus: CopyBusService,
  ) {}

  @Post('halt')
  @HttpCode(200)
  @ApiOperation({ summary: 'Global halt: every copy engine stops sending at once' })
  @ApiOkResponse({ schema: { example: { halted: true } } })
  @ApiErrorResponses(401, 403, 429, 503)
  async halt() {
    await this.state.setHalted(true);
    await this.bus.halt(true);
    return { halted: true };
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the global halt' })
  @ApiOkResponse({ schema: { example: { halted: false } } })
  @ApiErrorResponses(401, 403, 429, 503)
  async resume() {
    await this.state.setHalted(false);
    await this.bus.halt(false);
    return { halted: false };
  }
}
