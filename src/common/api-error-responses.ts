import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

/** The body of every error: what AllExceptionsFilter sends. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'limit must be an integer from 1 to 500' })
  message!: string;
}

const DESCRIPTIONS: Record<number, { description: string; example: string }> = {
  400: { description: 'A parameter is invalid; the message names it', example: 'limit must be an integer from 1 to 500' },
  401: { description: 'The x-api-key header is missing', example: 'x-api-key header required' },
  403: { description: 'The x-api-key header is wrong', example: 'invalid x-api-key' },
  404: { description: 'No such trader', example: 'trader 0x0123456789abcdef0123456789abcdef01234567 not found' },
  409: { description: 'It exists already', example: 'follower 0x0123456789abcdef0123456789abcdef01234567 exists' },
  413: { description: 'The request body is larger than 64 KiB', example: 'request entity too large' },
  422: { description: 'Well-formed but refused; the message names the field', example: 'agent_private_key: the agent is not approved for this address' },
  429: { description: 'Too many requests from this IP; retry after `Retry-After` seconds', example: 'ThrottlerException: Too Many Requests' },
  503: { description: 'A dependency (or, for admin routes, ADMIN_API_KEY) is not available', example: 'admin routes are disabled: ADMIN_API_KEY is not set' },
};

/** Documents the error responses of a route (JSON {statusCode, error, message}). */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status]?.description ?? 'Error',
        type: ErrorResponseDto,
        example: { statusCode: status, error: errorName(status), message: DESCRIPTIONS[status]?.example ?? '' },
        headers:
          status === 429
            ? { 'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer', example: 42 } } }
            : undefined,
      }),
    ),
  );
}

function errorName(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      422: 'Unprocessable Entity',
      413: 'Payload Too Large',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    } as Record<number, string>
  )[status] ?? 'Error';
}
