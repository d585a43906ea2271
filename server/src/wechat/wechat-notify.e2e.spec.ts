import { randomUUID } from 'node:crypto';
import { generateKeyMaterial } from './protocol/dev-keys';
import type { Transaction } from './protocol/types';
import { craftNotification, startTestSimulator, TestSimulator } from '../../test/wechat';
import { startTestApp, TestApp } from '../../test/test-app';
import { WechatEvents, WechatPayEvent } from './wechat-events';
import { WechatPayClient } from './wechat-pay.client';

describe('WeChat Pay notifications (e2e: simulator → API)', () => {
  let wx: TestSimulator;
  let t: TestApp;
  const received: WechatPayEvent<'transaction'>[] = [];

  beforeAll(async () => {
    wx = await startTestSimulator();
    t = await startTestApp(wx.env);
    t.app.get(WechatEvents).on('transaction', async (event) => void received.push(event));
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });

  const transaction = (over: Partial<Transaction> = {}): Transaction =>
    ({
      appid: wx.sim.keys.appid,
      mchid: wx.sim.keys.mchid,
      out_trade_no: `QT${randomUUID().slice(0, 8)}`,
      transaction_id: `4200${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      success_time: new Date().toISOString(),
      payer: { openid: 'sim-openid-payer' },
      amount: { total: 2500, payer_total: 2500, currency: 'CNY', payer_currency: 'CNY' },
      ...over,
    }) as Transaction;

  const post = (n: { headers: Record<string, string>; body: string }, kind = 'transaction') =>
    t.request(`/api/wechat/notify/${kind}`, { method: 'POST', headers: n.headers, body: n.body });

  const recorded = (id: string) => t.prisma.wechatNotification.count({ where: { id } });

  it('receives a real payment notification from the simulator and hands the decrypted event to the domain once', async () => {
    const pay = t.app.get(WechatPayClient);
    const outTradeNo = `QT${Date.now()}`;
    await pay.prepayJsapi({ description: '倾听', outTradeNo, amountFen: 3000, payerOpenid: 'sim-openid-payer', expiresAt: new Date(Date.now() + 900_000) });
    await wx.control(`/__sim/pay/${outTradeNo}/confirm`);
    const deadline = Date.now() + 10_000;
    while (!received.some((e) => e.resource.out_trade_no === outTradeNo) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const event = received.find((e) => e.resource.out_trade_no === outTradeNo);
    expect(event).toMatchObject({ kind: 'transaction', eventType: 'TRANSACTION.SUCCESS', resource: { trade_state: 'SUCCESS', amount: { total: 3000 } } });
    expect(await recorded(event!.notificationId)).toBe(1);
  });

  it('processes a duplicate once: the same notification id, or the same business event under a new id', async () => {
    const resource = transaction();
    const first = craftNotification(wx.sim.keys, { resource });
    const before = received.length;
    expect((await post(first)).status).toBe(204);
    expect((await post(first)).status).toBe(204);
    expect((await post(craftNotification(wx.sim.keys, { resource }))).status).toBe(204);
    expect(received.length - before).toBe(1);
    expect(await t.prisma.wechatNotification.count({ where: { businessKey: `transaction:${resource.transaction_id}:SUCCESS` } })).toBe(1);
  });

  const impostor = generateKeyMaterial();
  it.each([
    ['signed by another key', () => craftNotification(wx.sim.keys, { resource: transaction(), signWith: { serial: wx.sim.keys.platform.publicKeyId, privateKeyPem: impostor.platform.privateKeyPem } }), 401],
    ['with a body altered by one byte', () => {
      const n = craftNotification(wx.sim.keys, { resource: transaction() });
      return { ...n, body: n.body.replace('"summary":"支付成功"', '"summary":"支付成功 "') };
    }, 401],
    ['6 minutes old', () => craftNotification(wx.sim.keys, { resource: transaction(), at: new Date(Date.now() - 6 * 60_000) }), 401],
    ['with a WECHATPAY/SIGNTEST/ probe signature', () => craftNotification(wx.sim.keys, { resource: transaction(), signature: 'WECHATPAY/SIGNTEST/abc' }), 401],
    ['with an unknown serial', () => craftNotification(wx.sim.keys, { resource: transaction(), signWith: { serial: 'PUB_KEY_ID_0000000000', privateKeyPem: wx.sim.keys.platform.privateKeyPem } }), 401],
    ['with a corrupt ciphertext', () => craftNotification(wx.sim.keys, { resource: transaction(), corruptCiphertext: true }), 400],
    ['for another merchant', () => craftNotification(wx.sim.keys, { resource: transaction({ mchid: '1999999999' }) }), 400],
  ])('rejects a notification %s with a 4xx and records nothing', async (_what, make, status) => {
    const n = make();
    const before = received.length;
    const res = await post(n);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(status === 401 ? 'wechat/notify_signature_invalid' : 'wechat/notify_invalid');
    expect(received.length).toBe(before);
    expect(await recorded(JSON.parse(n.body).id)).toBe(0);
  });

  it('refuses a refund event posted to the transaction endpoint, and an unknown kind', async () => {
    const n = craftNotification(wx.sim.keys, { resource: transaction(), eventType: 'REFUND.SUCCESS' });
    expect((await post(n)).body.code).toBe('wechat/notify_invalid');
    expect((await post(craftNotification(wx.sim.keys, { resource: transaction() }), 'payment')).body.code).toBe('request/invalid');
  });

  it('rolls back and answers 500 when a domain handler fails, so WeChat retries; the retry then succeeds', async () => {
    let failNext = true;
    t.app.get(WechatEvents).on('transaction', async (event) => {
      if (event.resource.attach === 'fail-once' && failNext) {
        failNext = false;
        throw new Error('domain not ready');
      }
    });
    const n = craftNotification(wx.sim.keys, { resource: transaction({ attach: 'fail-once' }) });
    const id = JSON.parse(n.body).id;
    expect((await post(n)).status).toBe(500);
    expect(await recorded(id)).toBe(0);
    expect((await post(n)).status).toBe(204);
    expect(await recorded(id)).toBe(1);
  });
});
