import type { FastifyError, FastifyInstance } from 'fastify';
import type { SimContext } from './context';
import { PayError } from './pay-error';
import { mintLoginCode } from './platform-routes';
import { finishRefund, refundView } from './refunds';
import type { BillFaults, ContentRules } from './store';
import { confirmPayment, findOrder, transactionView } from './transactions';
import { finishTransfer, transferView } from './transfers';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/**
 * Unsigned test and development controls under `/__sim`: they stand in for the user's actions
 * in WeChat (paying, confirming a transfer) and let tests steer and inspect the simulator.
 */
export function controlRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.setErrorHandler((error: FastifyError | PayError, _request, reply) => {
    if (error instanceof PayError) return reply.code(error.status).send(error.body);
    return reply.code(error.statusCode ?? 500).send({ code: 'SIM_ERROR', message: error.message });
  });

  app.post<{ Body: { openid?: string; unionid?: string } | undefined }>('/__sim/login-codes', async (request) =>
    mintLoginCode(ctx, request.body?.openid, request.body?.unionid),
  );

  app.post<{ Body: Partial<ContentRules> | undefined }>('/__sim/content-rules', async (request) => {
    const b = request.body ?? {};
    const verdict = b.verdict ?? 'pass';
    if (!['pass', 'review', 'risky'].includes(verdict)) throw new PayError(400, 'PARAM_ERROR', 'verdict 应为 pass、review 或 risky');
    ctx.store.state.contentRules = { risky: strings(b.risky), review: strings(b.review), verdict, unavailable: b.unavailable === true };
    ctx.store.changed();
    return ctx.store.state.contentRules;
  });

  app.get('/__sim/subscribe-messages', async () => ctx.store.state.subscribeMessages);

  app.post<{ Params: { no: string } }>('/__sim/pay/:no/confirm', async (request) => {
    const order = findOrder(ctx, request.params.no);
    confirmPayment(ctx, order);
    return transactionView(order);
  });

  // Closing the payment sheet changes nothing on WeChat's side: the order stays NOTPAY and no notification is sent.
  app.post<{ Params: { no: string } }>('/__sim/pay/:no/cancel', async (request) => transactionView(findOrder(ctx, request.params.no)));

  const refundOutcomes = { complete: 'SUCCESS', abnormal: 'ABNORMAL', close: 'CLOSED' } as const;
  app.post<{ Params: { no: string; outcome: string } }>('/__sim/refunds/:no/:outcome', async (request) => {
    const status = refundOutcomes[request.params.outcome as keyof typeof refundOutcomes];
    if (!status) throw new PayError(404, 'NOT_FOUND', '应为 complete、abnormal 或 close');
    return refundView(finishRefund(ctx, request.params.no, status));
  });

  const transferOutcomes = { confirm: 'SUCCESS', reject: 'CANCELLED', fail: 'FAIL' } as const;
  app.post<{ Params: { no: string; outcome: string }; Body: { reason?: string } | undefined }>('/__sim/transfers/:no/:outcome', async (request) => {
    const state = transferOutcomes[request.params.outcome as keyof typeof transferOutcomes];
    if (!state) throw new PayError(404, 'NOT_FOUND', '应为 confirm、reject 或 fail');
    return transferView(finishTransfer(ctx, request.params.no, state, request.body?.reason), ctx.keys.mchid);
  });

  app.get('/__sim/notifications', async () => ctx.store.state.notifications.map(({ body, ...rest }) => ({ ...rest, body: JSON.parse(body) })));

  app.post<{ Body: BillFaults | undefined }>('/__sim/bill-faults', async (request) => {
    const b = request.body ?? {};
    const faults: BillFaults = {};
    if (typeof b.dropLine === 'string') faults.dropLine = b.dropLine;
    if (b.alterAmount && typeof b.alterAmount.out_trade_no === 'string' && Number.isSafeInteger(b.alterAmount.deltaFen)) {
      faults.alterAmount = { out_trade_no: b.alterAmount.out_trade_no, deltaFen: b.alterAmount.deltaFen };
    }
    if (b.unknownOrder === true) faults.unknownOrder = true;
    ctx.store.state.billFaults = faults;
    ctx.store.changed();
    return faults;
  });

  app.get('/__sim/state', async () => ctx.store.state);

  app.post('/__sim/reset', async () => {
    ctx.notifier.cancelScheduled();
    for (const t of ctx.timers) clearTimeout(t);
    ctx.timers.clear();
    ctx.store.reset();
    return { ok: true };
  });
}
