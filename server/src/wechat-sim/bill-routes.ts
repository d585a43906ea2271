import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { billAvailableAt, billDateOf, isBillDate } from '../wechat/protocol/time';
import type { BillResponse, BillType } from '../wechat/protocol/types';
import { buildFundFlowBill, buildTradeBill } from './bill-builder';
import type { SimContext } from './context';
import { BILL_DOWNLOAD_PATH } from './pay-plugin';
import { PayError, paramError } from './pay-error';

/** WeChat's download links expire 30 seconds after the bill request. */
const DOWNLOAD_VALIDITY_MS = 30_000;

interface Download {
  file: Buffer;
  gzip: boolean;
  expiresAt: number;
}

/** Rejects dates whose bill does not exist yet; a bill for day D appears at 10:00 on D+1 (Beijing time). */
function checkAvailable(ctx: SimContext, date: string | undefined): string {
  if (!date || !isBillDate(date)) throw paramError('bill_date', '格式应为YYYY-MM-DD');
  const now = ctx.now();
  if (date >= billDateOf(now)) throw new PayError(400, 'NO_STATEMENT_EXIST', '账单日期无效，只能下载今天之前的账单');
  if (now < billAvailableAt(date)) throw new PayError(400, 'STATEMENT_CREATING', '账单生成中，请在次日10点以后再下载');
  return date;
}

function tarType(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value !== 'GZIP') throw paramError('tar_type', '仅支持GZIP');
  return true;
}

export function billRoutes(app: FastifyInstance, ctx: SimContext): void {
  const downloads = new Map<string, Download>();

  /** Keeps the file as generated now, so the SHA1 in the answer matches what the link serves. */
  function offer(request: FastifyRequest, file: Buffer | null, gzip: boolean): BillResponse {
    if (!file) throw new PayError(400, 'NO_STATEMENT_EXIST', '当日无交易，账单不存在');
    const body = gzip ? gzipSync(file) : file;
    const token = randomBytes(16).toString('hex');
    const now = ctx.now().getTime();
    for (const [t, d] of downloads) if (d.expiresAt <= now) downloads.delete(t);
    downloads.set(token, { file: body, gzip, expiresAt: now + DOWNLOAD_VALIDITY_MS });
    return {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(body).digest('hex'),
      download_url: `${request.protocol}://${request.headers.host}${BILL_DOWNLOAD_PATH}?token=${token}`,
    };
  }

  app.get<{ Querystring: { bill_date?: string; bill_type?: string; tar_type?: string } }>('/bill/tradebill', async (request) => {
    const date = checkAvailable(ctx, request.query.bill_date);
    const billType = (request.query.bill_type ?? 'ALL') as BillType;
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) throw paramError('bill_type', '应为ALL、SUCCESS或REFUND');
    const gzip = tarType(request.query.tar_type);
    return offer(request, buildTradeBill(ctx.store.state, date, billType, ctx.keys.appid, ctx.keys.mchid), gzip);
  });

  app.get<{ Querystring: { bill_date?: string; account_type?: string; tar_type?: string } }>('/bill/fundflowbill', async (request) => {
    const date = checkAvailable(ctx, request.query.bill_date);
    const account = request.query.account_type ?? 'BASIC';
    if (!['BASIC', 'OPERATION', 'FEES'].includes(account)) throw paramError('account_type', '应为BASIC、OPERATION或FEES');
    const gzip = tarType(request.query.tar_type);
    // The simulated merchant only moves money in its basic account.
    return offer(request, account === 'BASIC' ? buildFundFlowBill(ctx.store.state, date, ctx.keys.appid, ctx.keys.mchid) : null, gzip);
  });

  app.get<{ Querystring: { token?: string } }>('/billdownload/file', async (request, reply) => {
    const download = downloads.get(request.query.token ?? '');
    if (!download || download.expiresAt <= ctx.now().getTime()) throw new PayError(400, 'INVALID_REQUEST', '下载链接无效或已过期，请重新获取');
    return reply.header('Content-Type', download.gzip ? 'application/x-gzip' : 'text/plain; charset=utf-8').send(download.file);
  });

  // Public-key-mode merchants have no platform certificates; WeChat answers this way.
  app.get('/certificates', async () => {
    throw new PayError(404, 'NOT_FOUND', '证书不存在');
  });
}
