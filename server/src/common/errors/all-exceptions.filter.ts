import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Prisma } from '@qingting/prisma';
import type { ErrorBody } from '@qingting/shared';
import { DomainError } from './domain-error';
import { ERROR_CODES } from './error-codes';

/** Maps a status that arrived without a domain code (framework, body parser) to a stable code. */
const CODE_BY_STATUS: Record<number, DomainError['code']> = {
  400: 'request/malformed',
  404: 'route/not_found',
  405: 'route/method_not_allowed',
  413: 'request/too_large',
  415: 'request/unsupported_media_type',
};

/** Prisma's known request errors that mean something to a client. */
const CODE_BY_PRISMA_ERROR: Record<string, DomainError['code']> = {
  P2002: 'db/conflict',
  P2034: 'db/conflict',
  P2025: 'db/not_found',
  P2003: 'db/conflict',
};

/**
 * The single place where every error becomes an HTTP response `{ code, message, details?,
 * requestId }`. Unknown errors become 500 `internal/error` and are logged with their stack.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<{ id?: string; raw?: { id?: string } }>();
    const error = this.toDomainError(exception);
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.details?.length) body.details = error.details;
    const requestId = request?.raw?.id ?? request?.id;
    if (requestId) body.requestId = String(requestId);
    if (error.status >= 500) this.logger.error({ err: exception, requestId }, 'unhandled error');
    const adapter = this.adapterHost.httpAdapter;
    // Errors are always JSON, even on routes that declared another content type (an image).
    adapter.setHeader(ctx.getResponse(), 'content-type', 'application/json; charset=utf-8');
    adapter.reply(ctx.getResponse(), body, error.status);
  }

  private toDomainError(exception: unknown): DomainError {
    if (exception instanceof DomainError) return exception;
    if (exception instanceof Prisma.PrismaClientKnownRequestError) {
      const code = CODE_BY_PRISMA_ERROR[exception.code];
      if (code) return new DomainError(code);
    }
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = CODE_BY_STATUS[status];
      if (code) return new DomainError(code);
    }
    return new DomainError('internal/error', ERROR_CODES['internal/error'].message);
  }
}
