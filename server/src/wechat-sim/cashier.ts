import type { FastifyInstance } from 'fastify';
import { fenToYuan } from '../wechat/protocol/bills';
import type { SimContext } from './context';
import { PayError } from './pay-error';
import { confirmPayment, orderByPrepayId } from './transactions';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f2f2;margin:0;padding:24px;color:#222}
.card{background:#fff;border-radius:12px;max-width:420px;margin:40px auto;padding:28px;text-align:center}
.amount{font-size:40px;font-weight:600;margin:12px 0}.desc{color:#666;margin-bottom:24px}.tip{color:#999;font-size:12px;margin-top:16px}
button{display:block;width:100%;border:0;border-radius:8px;padding:14px;font-size:17px;margin-top:12px;cursor:pointer}
.pay{background:#07c160;color:#fff}.cancel{background:#f2f2f2;color:#333}</style></head>
<body><div class="card">${body}</div></body></html>`;
}

/** Appends `result` to the page the H5 app asked to come back to. */
function back(returnUrl: string, result: 'success' | 'cancel' | 'fail', message?: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('result', result);
  if (message) url.searchParams.set('message', message);
  return url.toString();
}

function validReturnUrl(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The H5 stand-in for WeChat's payment sheet: `wx.requestPayment` cannot run in a browser, so
 * the H5 build sends the user here with the prepay_id; the buttons pay or cancel and return.
 */
export function cashierRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get<{ Querystring: { prepay_id?: string; return_url?: string } }>('/__sim/cashier', async (request, reply) => {
    const returnUrl = validReturnUrl(request.query.return_url);
    const order = orderByPrepayId(ctx, request.query.prepay_id ?? '');
    reply.type('text/html; charset=utf-8');
    if (!returnUrl) return reply.code(400).send(page('参数错误', '<h2>参数错误</h2><p class="desc">缺少有效的 return_url</p>'));
    if (!order) return reply.code(404).send(page('订单无效', '<h2>订单无效或已过期</h2><p class="desc">请返回重新下单</p>'));
    const hidden = `<input type="hidden" name="prepay_id" value="${escape(order.prepay_id)}"><input type="hidden" name="return_url" value="${escape(returnUrl)}">`;
    return reply.send(
      page('微信支付', `<div>微信支付（模拟）</div><div class="amount">￥${fenToYuan(order.total)}</div><div class="desc">${escape(order.description)}</div>
<form method="post" action="/__sim/cashier">${hidden}<button class="pay" name="action" value="pay">确认支付</button><button class="cancel" name="action" value="cancel">取消</button></form>
<div class="tip">这是本地模拟收银台，不会产生真实扣款</div>`),
    );
  });

  app.post<{ Body: { prepay_id?: string; return_url?: string; action?: string } }>('/__sim/cashier', async (request, reply) => {
    const returnUrl = validReturnUrl(request.body?.return_url);
    if (!returnUrl) return reply.code(400).type('text/html; charset=utf-8').send(page('参数错误', '<h2>参数错误</h2>'));
    if (request.body.action !== 'pay') return reply.redirect(back(returnUrl, 'cancel'), 303);
    const order = orderByPrepayId(ctx, request.body.prepay_id ?? '');
    if (!order) return reply.redirect(back(returnUrl, 'fail', '订单无效或已过期'), 303);
    try {
      confirmPayment(ctx, order);
    } catch (e) {
      if (e instanceof PayError) return reply.redirect(back(returnUrl, 'fail', e.message), 303);
      throw e;
    }
    return reply.redirect(back(returnUrl, 'success'), 303);
  });
}
