import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../../common/api-error-responses';
import { CopySimulateService } from './copy-simulate.service';
import { SimulateDto, SimulateResultDto } from './simulate.dto';

@ApiTags('copy')
@Controller('api/v1/copy')
export class CopySimulateController {
  constructor(private readonly simulator: CopySimulateService) {}

  @Post('simulate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Backtest copying a leader from its stored fills (public, throttled)',
    description:
      "The leader's fills in the window are replayed in time order through the copy engine's sizing, caps and rounding, " +
      "each decision filled on paper at the leader's fill price worsened by `slippage_bps` and charged PAPER_TAKER_FEE_BPS. " +
      'Sizing settings are those of a follow (`POST /api/v1/copy/followers/{id}/follows`); nothing is stored.',
  })
  @ApiOkResponse({ type: SimulateResultDto })
  @ApiErrorResponses(400, 404, 413, 422, 429, 503)
  simulate(@Body() dto: SimulateDto): Promise<SimulateResultDto> {
    return this.simulator.simulate(dto);
  }
}
