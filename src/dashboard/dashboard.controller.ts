import { Controller, Get, NotFoundException, Param, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DashboardAssets } from './dashboard-assets.service';
import { isAssetName } from './dashboard-assets';

/**
 * The page's own policy (helmet's CSP is off app-wide, see app.factory.ts):
 * scripts, styles and connections from this origin only, so data from the API can never run.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The JSON error body of AllExceptionsFilter, for the documented error statuses. */
const errorResponse = (status: number, error: string, description: string, message: string) =>
  ApiResponse({
    status,
    description,
    schema: { example: { statusCode: status, error, message } },
    headers:
      status === 429 ? { 'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer', example: 42 } } } : undefined,
  });
const TOO_MANY = errorResponse(
  429,
  'Too Many Requests',
  'Too many requests from this IP; retry after `Retry-After` seconds',
  'ThrottlerException: Too Many Requests',
);

const PAGE_DESCRIPTION =
  'A small live dashboard built on the public API: the leaderboard (window, sort, filters, paging), the live ' +
  'event feed (Socket.IO `/updates`, filtered by trader and coin), a trader page (`/dashboard#/trader/<address>`: ' +
  'positions, events, account value chart), a system panel from `/api/v1/stats` and a Copy panel ' +
  '(`/dashboard#/copy`; `/dashboard#follower=<id>&token=<token>` opens a follower: desired vs actual per coin, the ' +
  'journal live from the follower room, equity, alerts; the token stays in the tab\'s sessionStorage and goes as a ' +
  'Bearer header). Its files are served under `/dashboard/assets/`.';

/** `GET /dashboard` (the page) and `GET /dashboard/assets/<file>` (its scripts, styles, vendor files). */
@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly files: DashboardAssets) {}

  @Get()
  @ApiOperation({ summary: 'The built-in live dashboard (HTML page)', description: PAGE_DESCRIPTION })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The dashboard page', content: { 'text/html': { schema: { type: 'string' } } } })
  @TOO_MANY
  @errorResponse(503, 'Service Unavailable', 'The dashboard files were not built', 'the dashboard was not built: run `npm run build`')
  page(@Req() req: Request, @Res() res: Response): void {
    // The page's URLs are relative to `/dashboard` (so it works under any prefix): `/dashboard/` would
    // resolve them one level too deep.
    if (req.originalUrl.split('?')[0].endsWith('/')) {
      res.redirect(301, '../dashboard');
      return;
    }
    const page = this.files.page;
    if (page === null) throw new ServiceUnavailableException('the dashboard was not built: run `npm run build`');
    res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': PAGE_CSP });
    res.send(page);
  }

  @Get('assets/:file')
  @ApiOperation({
    summary: 'A file of the dashboard (script, style sheet, vendor library)',
    description: 'Flat names only (`app.js`, `styles.css`, `uPlot.iife.min.js`, …). Revalidated with ETag on every load.',
  })
  @ApiParam({ name: 'file', example: 'app.js' })
  @ApiProduces('text/javascript', 'text/css')
  @ApiOkResponse({ description: 'The file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } })
  @errorResponse(404, 'Not Found', 'No such file', 'no dashboard file named "nope.js"')
  @TOO_MANY
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = isAssetName(file) ? this.files.asset(file) : undefined;
    if (!asset) throw new NotFoundException(`no dashboard file named ${JSON.stringify(file.slice(0, 100))}`);
    // Express adds a (weak) ETag and answers 304 to a matching If-None-Match.
    res.set({ 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' });
    res.send(asset.body);
  }
}
