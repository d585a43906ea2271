import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[\w.-]{8,64}$/;

/** Reuses a caller's sane `x-request-id` (a load balancer's), otherwise makes one. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Structured JSON logs (pino); every line written while serving a request carries its `reqId`. */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    // Nest 11's route syntax for "every path"; the library's default `*` is the old syntax.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.LOG_LEVEL,
      // Fastify assigns `req.id` first (see bootstrap); this covers any other adapter.
      genReqId: requestIdFor,
      customAttributeKeys: { reqId: 'reqId' },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["wechatpay-signature"]'],
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      },
    },
  }),
});
