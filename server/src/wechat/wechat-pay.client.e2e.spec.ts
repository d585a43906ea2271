import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../infra/config/app-config';
import { parseFundFlowBill, parseTradeBill } from './protocol/bills';
import { verifySha256Rsa } from './protocol/signing';
import { startProxy, startTestSimulator, TestSimulator } from '../../test/wechat';
import { WechatPayClient, WechatPayError } from './wechat-pay.client';
import { resolveWechatSettings, WechatSettings } from './wechat-settings';

describe('WechatPayClient against the simulator (real HTTP, verified responses)', () => {
  let t: TestSimulator;
  let settings: WechatSettings;
  let pay: WechatPayClient;
  // The simulator's business clock: 2026-11-20 12:00 Beijing time, moved by the bill test.
  let simNow = new Date('2026-11-20T04:00:00Z');
  let seq = 0;
  const orderNo = () => `QT${Date.now()}${++seq}`;

  beforeAll(async () => {
    t = await startTestSimulator({ now: () => simNow });
    settings = resolveWechatSettings(loadConfig({ ...t.env, PORT: '3999' }));
    pay = new WechatPayClient(settings);
  });
  afterAll(() => t.close());

  async function paidOrder(amountFen = 2500) {
    const outTradeNo = orderNo();
    const params = await pay.prepayJsapi({ description: '倾听-文字倾诉 15分钟', outTradeNo, amountFen, payerOpenid: 'sim-openid-payer', expiresAt: new Date(simNow.getTime() + 15 * 60_000) });
    await t.control(`/__sim/pay/${outTradeNo}/confirm`);
    return { outTradeNo, params };
  }

  it('prepays a JSAPI order and returns wx.requestPayment parameters signed over the four-line message', async () => {
    const outTradeNo = orderNo();
    const params = await pay.prepayJsapi({ description: '倾听-文字倾诉 15分钟', outTradeNo, amountFen: 2500, payerOpenid: 'sim-openid-payer', expiresAt: new Date(simNow.getTime() + 15 * 60_000) });
    expect(params).toMatchObject({ signType: 'RSA', package: `prepay_id=${params.prepayId}` });
    const message = `${settings.pay.appid}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(verifySha256Rsa(message, params.paySign, createPublicKey(t.sim.keys.merchant.publicKeyPem))).toBe(true);
    expect((await pay.queryByOutTradeNo(outTradeNo)).trade_state).toBe('NOTPAY');
    expect(t.sim.store.state.orders[outTradeNo]?.notify_url).toBe('http://127.0.0.1:3999/api/wechat/notify/transaction');
  });

  it('queries a paid order, closes an unpaid one, and reports ORDER_NOT_EXIST as a WechatPayError', async () => {
    const { outTradeNo } = await paidOrder();
    const paid = await pay.queryByOutTradeNo(outTradeNo);
    expect(paid).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 2500 } });

    const unpaid = orderNo();
    await pay.prepayJsapi({ description: '倾听', outTradeNo: unpaid, amountFen: 1000, payerOpenid: 'sim-openid-payer', expiresAt: new Date(simNow.getTime() + 60_000) });
    await pay.close(unpaid);
    expect((await pay.queryByOutTradeNo(unpaid)).trade_state).toBe('CLOSED');

    await expect(pay.queryByOutTradeNo('NO_SUCH_ORDER_123')).rejects.toMatchObject({ status: 404, code: 'ORDER_NOT_EXIST' });
  });

  it('refunds part of a payment and queries the refund; refunding more than what is left is refused', async () => {
    const { outTradeNo } = await paidOrder(3000);
    const refund = await pay.refund({ out_trade_no: outTradeNo, out_refund_no: `R${outTradeNo}`, reason: '提前结束', amount: { refund: 1000, total: 3000, currency: 'CNY' } });
    expect(refund.amount.refund).toBe(1000);
    expect((await pay.queryRefund(`R${outTradeNo}`)).out_trade_no).toBe(outTradeNo);
    await expect(
      pay.refund({ out_trade_no: outTradeNo, out_refund_no: `R2${outTradeNo}`, amount: { refund: 2500, total: 3000, currency: 'CNY' } }),
    ).rejects.toBeInstanceOf(WechatPayError);
  });

  it('creates a merchant transfer that the user confirms, and queries its final state', async () => {
    const outBillNo = `T${orderNo()}`;
    const created = await pay.createTransfer({
      out_bill_no: outBillNo,
      transfer_scene_id: '1005',
      openid: 'sim-openid-listener',
      transfer_amount: 5000,
      transfer_remark: '倾听者收益提现',
      transfer_scene_report_infos: [
        { info_type: '岗位类型', info_content: '倾听者' },
        { info_type: '报酬说明', info_content: '倾诉服务收益' },
      ],
    });
    expect(created).toMatchObject({ out_bill_no: outBillNo, state: 'WAIT_USER_CONFIRM', package_info: expect.any(String) });
    await t.control(`/__sim/transfers/${outBillNo}/confirm`);
    expect((await pay.queryTransfer(outBillNo)).state).toBe('SUCCESS');
  });

  it('downloads the trade and fund-flow bills of a day, checks their SHA1 and parses them', async () => {
    const { outTradeNo } = await paidOrder(4200);
    simNow = new Date('2026-11-21T03:00:00Z'); // 11:00 on D+1, bills are out
    const trade = await pay.downloadBill(await pay.tradeBill('2026-11-20'));
    try {
      const rows = [];
      let summary;
      for await (const record of parseTradeBill(trade.open())) {
        if (record.type === 'row') rows.push(record.row);
        else summary = record.summary;
      }
      expect(rows.find((r) => r.outTradeNo === outTradeNo)).toMatchObject({ tradeState: 'SUCCESS', settlementTotalFen: 4200 });
      expect(summary?.count).toBe(rows.length);
    } finally {
      trade.dispose();
    }
    const flow = await pay.downloadBill(await pay.fundFlowBill('2026-11-20'));
    try {
      let lines = 0;
      for await (const record of parseFundFlowBill(flow.open())) if (record.type === 'row') lines += 1;
      expect(lines).toBeGreaterThan(0);
    } finally {
      flow.dispose();
    }
  });

  it('refuses a bill whose bytes do not match the announced SHA1, and keeps no file', async () => {
    const proxy = await startProxy(t.sim.url, (req, body) => (req.url?.includes('/billdownload/') ? Buffer.concat([body, Buffer.from('`tampered\r\n')]) : body));
    try {
      const viaProxy = new WechatPayClient(resolveWechatSettings(loadConfig({ ...t.env, WECHAT_SIM_URL: proxy.url })));
      const bill = await viaProxy.tradeBill('2026-11-20');
      await expect(viaProxy.downloadBill(bill)).rejects.toMatchObject({ code: 'BILL_HASH_MISMATCH' });
    } finally {
      await proxy.close();
    }
  });

  it('rejects responses whose signature does not verify: altered in transit, or signed by an unknown key', async () => {
    const outTradeNo = (await paidOrder()).outTradeNo;
    const proxy = await startProxy(t.sim.url, (_req, body) => Buffer.from(body.toString('utf8').replace('"SUCCESS"', '"REFUND"')));
    try {
      const viaProxy = new WechatPayClient(resolveWechatSettings(loadConfig({ ...t.env, WECHAT_SIM_URL: proxy.url })));
      await expect(viaProxy.queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ code: 'SIGN_INVALID' });
    } finally {
      await proxy.close();
    }
    const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const wrongKey = new WechatPayClient({ ...settings, pay: { ...settings.pay, platformPublicKeys: { [settings.pay.platformSerial]: impostor } } });
    await expect(wrongKey.queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ code: 'SIGN_INVALID' });
  });
});
