import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/validation';
import { AppConfig, loadConfig } from './infra/config/app-config';
import { requestIdFor } from './infra/logging/logging.module';
import { WECHAT_SETTINGS, WechatSettings } from './wechat/wechat-settings';

const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Everything that makes a Nest app behave like ours, independent of the HTTP adapter: JSON
 * logs, validation, the error format, CORS. Production (`main.ts`), every e2e test and the
 * adapter benchmark go through it, so tests exercise what production runs.
 */
export function configureApp(app: INestApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(HttpAdapterHost)));
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.includes('*') ? true : origins, exposedHeaders: ['x-request-id'] });
}

/**
 * Builds the API on Fastify (chosen by measurement, see README "HTTP adapter") and configures
 * it. Not yet listening: call `listen`, or use `startApp`.
 */
export async function createApp(config: AppConfig = loadConfig()): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true, genReqId: requestIdFor });
  // Echo the request id so a person reporting a problem can quote it; logs carry it as `reqId`.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // A route may raise its own body limit with `@RouteConfig({ bodyLimit })` (uploads); every other route keeps BODY_LIMIT_BYTES.
  adapter.getInstance().addHook('onRoute', (route) => {
    const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
    if (typeof limit === 'number') route.bodyLimit = limit;
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    rawBody: true,
    // Let start-up errors reach the caller (main.ts maps a ConfigError to exit 78) instead of Nest exiting.
    abortOnError: false,
  });
  configureApp(app, config);
  if (config.H5_DIST_DIR) await serveH5(app, config.H5_DIST_DIR);
  return app;
}

/** Serves the mini-program's H5 build at `/`, same origin as the API (the embedded run). */
async function serveH5(app: NestFastifyApplication, dir: string): Promise<void> {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'index.html'))) throw new Error(`H5_DIST_DIR: no index.html in ${root}; build the H5 app first`);
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
  // The ops console is a subpackage of the same H5 app (hash routing): `/ops` is its address.
  app.getHttpAdapter().getInstance().get('/ops', (_req, reply) => reply.redirect('/#/packages/ops/index', 302));
}

export async function startApp(config: AppConfig = loadConfig()): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  if (config.PORT === 0 && !config.WECHAT_NOTIFY_BASE_URL) {
    // PORT=0 lets the OS choose; WeChat Pay notifications must then come back to the port it chose.
    const { port } = app.getHttpServer().address() as { port: number };
    app.get<WechatSettings>(WECHAT_SETTINGS).pay.notifyBaseUrl = `http://127.0.0.1:${port}`;
  }
  return app;
}
