import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'http';
import type { Request, Response } from 'express';
import { DEPENDENCY_RETRY_AFTER_SECONDS, Dependency, unavailableDependency } from './dependency-errors';
import { DOMAIN_ERROR_STATUS, DomainError } from './domain-error';

/** An outage produces an error per request: one warning per dependency per this long. */
const OUTAGE_WARNING_INTERVAL_MS = 10_000;

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

function messageOf(response: string | object): string {
  if (typeof response === 'string') return response;
  const msg = (response as { message?: unknown }).message;
  if (Array.isArray(msg)) return msg.join('; ');
  return typeof msg === 'string' ? msg : JSON.stringify(response);
}

/** The one place errors become HTTP: JSON `{statusCode, error, message}` for every failure. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);
  private readonly lastOutageWarning = new Map<Dependency, number>();

  /** `onRejectedBody`: told of each request whose body the parser rejected (the api counts it against the client's limit). */
  constructor(private readonly onRejectedBody?: (req: Request) => void) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'Internal server error';
    let dependency: Dependency | null = null;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = messageOf(exception.getResponse());
    } else if (exception instanceof DomainError) {
      status = DOMAIN_ERROR_STATUS[exception.code];
      message = exception.message;
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      message = bodyErrorMessage(exception);
      this.onRejectedBody?.(host.switchToHttp().getRequest<Request>());
    } else if ((dependency = unavailableDependency(exception))) {
      // Down or too slow: the client retries later; no stack (it says nothing an outage does not).
      status = HttpStatus.SERVICE_UNAVAILABLE;
      message = `${dependency} unavailable, retry later`;
      this.warnOutage(dependency, exception);
    } else {
      this.logger.error({ msg: 'unhandled error', err: exception });
    }
    if (res.headersSent) return;
    if (dependency) res.setHeader('Retry-After', String(DEPENDENCY_RETRY_AFTER_SECONDS));
    const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    res.status(status).json(body);
  }

  private warnOutage(dependency: Dependency, err: unknown): void {
    const now = Date.now();
    if (now - (this.lastOutageWarning.get(dependency) ?? 0) < OUTAGE_WARNING_INTERVAL_MS) return;
    this.lastOutageWarning.set(dependency, now);
    this.logger.warn({ msg: 'dependency unavailable, answering 503', dependency, error: (err as Error).message });
  }
}

/** body-parser's errors (http-errors: a 4xx status, `expose`), including the decompressor's it passes on. */
function isBodyParserError(e: unknown): e is { status: number; message: string; code?: unknown } {
  const err = e as { status?: unknown; type?: unknown; expose?: unknown } | null;
  const s = err?.status;
  return typeof s === 'number' && s >= 400 && s < 500 && (typeof err?.type === 'string' || err?.expose === true);
}

function bodyErrorMessage(e: { message: string; code?: unknown }): string {
  // zlib / brotli failures: a body that is not what its Content-Encoding says.
  if (typeof e.code === 'string' && /^(Z_|ERR_BROTLI|ERR__)/.test(e.code)) {
    return `request body does not match its Content-Encoding (${e.message})`;
  }
  return e.message;
}
