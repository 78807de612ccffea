import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'http';
import type { Response } from 'express';
import { DOMAIN_ERROR_STATUS, DomainError } from './domain-error';

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

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'Internal server error';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = messageOf(exception.getResponse());
    } else if (exception instanceof DomainError) {
      status = DOMAIN_ERROR_STATUS[exception.code];
      message = exception.message;
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      message = exception.message;
    } else {
      this.logger.error({ msg: 'unhandled error', err: exception });
    }
    if (res.headersSent) return;
    const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    res.status(status).json(body);
  }
}

function isBodyParserError(e: unknown): e is { status: number; message: string } {
  const s = (e as { status?: unknown; type?: unknown } | null)?.status;
  return typeof s === 'number' && s >= 400 && s < 500 && typeof (e as { type?: unknown }).type === 'string';
}
