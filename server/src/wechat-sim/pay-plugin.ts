import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { HEADER_SERIAL, signResponse, verifyRequest } from '../wechat/protocol/signing';
import type { SimContext } from './context';
import { PayError } from './pay-error';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** Bill downloads are the one APIv3 answer WeChat does not sign. */
export const BILL_DOWNLOAD_PATH = '/v3/billdownload/file';

/**
 * The APIv3 envelope around the Pay routes (register under prefix `/v3`): keeps the raw body,
 * verifies the merchant's Authorization over it before parsing, answers errors in WeChat's
 * `{code, message}` form and signs every response except bill downloads with the platform key.
 */
export function payEnvelope(app: FastifyInstance, ctx: SimContext): void {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, undefined);
  });

  app.addHook('preHandler', async (request) => {
    const result = verifyRequest(
      { mchid: ctx.keys.mchid, serialNo: ctx.keys.merchant.serialNo, publicKey: ctx.merchantPublicKey },
      { method: request.method, pathWithQuery: request.url, body: request.rawBody ?? '', authorization: request.headers.authorization },
    );
    if (!result.ok) throw new PayError(401, 'SIGN_ERROR', `签名错误，验签失败：${result.reason}`);
    if (request.rawBody?.length) request.body = parseJson(request);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Request-ID', randomUUID());
    if (request.url.split('?')[0] === BILL_DOWNLOAD_PATH && reply.statusCode === 200) return payload;
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : '';
    for (const [name, value] of Object.entries(signResponse(ctx.platform, body))) reply.header(name, value);
    return payload;
  });

  app.setErrorHandler((error: FastifyError | PayError, request, reply) => {
    if (error instanceof PayError) return reply.code(error.status).send(error.body);
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(400).send({ code: 'PARAM_ERROR', message: `请求格式错误：${error.message}` });
    }
    request.log.error({ err: error }, 'simulator error');
    return reply.code(500).send({ code: 'SYSTEM_ERROR', message: '系统错误' });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `接口不存在：${request.method} ${request.url}` }));
}

function parseJson(request: FastifyRequest): unknown {
  try {
    return JSON.parse(request.rawBody!.toString('utf8'));
  } catch {
    throw new PayError(400, 'PARAM_ERROR', '请求体不是合法的JSON');
  }
}

/** Endpoints whose body may carry encrypted personal data require the platform key id WeChat would use. */
export function requirePlatformSerial(ctx: SimContext, request: FastifyRequest): void {
  const serial = request.headers[HEADER_SERIAL.toLowerCase()];
  if (!serial) throw new PayError(400, 'PARAM_ERROR', '缺少请求头 Wechatpay-Serial');
  if (serial !== ctx.keys.platform.publicKeyId) throw new PayError(400, 'PARAM_ERROR', `Wechatpay-Serial 无效：${serial}`);
}
