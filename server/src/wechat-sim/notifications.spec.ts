import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { decryptResource } from '../wechat/protocol/aead';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { signRequest, verifyPlatformSignature } from '../wechat/protocol/signing';
import type { NotificationEnvelope, RefundNotificationResource, Transaction, TransferNotificationResource } from '../wechat/protocol/types';
import { createSimulator, Simulator } from './simulator';

interface Received {
  verified: boolean;
  envelope: NotificationEnvelope;
  resource: unknown;
}

/** Notifications reach a real HTTP receiver that verifies and decrypts them with the protocol helpers. */
describe('simulator notifications', () => {
  const keys = generateKeyMaterial();
  const received: Received[] = [];
  let failuresLeft = 0;
  let receiver: Server;
  let sim: Simulator;
  let notifyUrl: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => {
        const raw = Buffer.concat(chunks);
        const verified = verifyPlatformSignature({ [keys.platform.publicKeyId]: keys.platform.publicKeyPem }, req.headers, raw).ok;
        const envelope = JSON.parse(raw.toString('utf8')) as NotificationEnvelope;
        received.push({ verified, envelope, resource: decryptResource(envelope.resource, keys.apiV3Key) });
        if (failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(500).end('busy');
        } else res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
    sim = await createSimulator({ keys, retryDelaysMs: [50, 50, 100], refundAutoCompleteMs: 30 });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    failuresLeft = 0;
  });

  async function pay(path: string, method: string, body?: object, headers: Record<string, string> = {}): Promise<any> {
    const json = body ? JSON.stringify(body) : '';
    const authorization = signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method, pathWithQuery: path, body: json });
    const res = await fetch(sim.url + path, { method, headers: { Authorization: authorization, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers }, body: body ? json : undefined });
    return res.status === 204 ? null : res.json();
  }
  const until = async (check: () => boolean, ms = 3000) => {
    for (const end = Date.now() + ms; !check(); ) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const order = (no: string) => ({
    appid: keys.appid, mchid: keys.mchid, description: '倾听', out_trade_no: no, notify_url: notifyUrl, amount: { total: 100, currency: 'CNY' }, payer: { openid: 'o1' },
  });

  it('retries a failing receiver until it answers 200: fails twice, then succeeds on the third delivery', async () => {
    failuresLeft = 2;
    await pay('/v3/pay/transactions/jsapi', 'POST', order('NT0000000001'));
    await fetch(`${sim.url}/__sim/pay/NT0000000001/confirm`, { method: 'POST' });
    await until(() => received.length === 3);
    await new Promise((r) => setTimeout(r, 200)); // no fourth delivery after success
    expect(received).toHaveLength(3);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(new Set(received.map((r) => r.envelope.id)).size).toBe(1);
    expect(received[0].envelope).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction' } });
    expect(received[0].resource as Transaction).toMatchObject({ out_trade_no: 'NT0000000001', trade_state: 'SUCCESS', amount: { total: 100 } });
    const log = (await (await fetch(`${sim.url}/__sim/notifications`)).json()) as any[];
    expect(log.find((n) => n.subject === 'NT0000000001')).toMatchObject({ state: 'delivered', deliveries: [{ status: 500, ok: false }, { status: 500, ok: false }, { status: 200, ok: true }] });
  });

  it('gives up after the schedule is exhausted', async () => {
    failuresLeft = 100;
    await pay('/v3/pay/transactions/jsapi', 'POST', order('NT0000000002'));
    await fetch(`${sim.url}/__sim/pay/NT0000000002/confirm`, { method: 'POST' });
    await until(() => received.length === 4);
    await until(() => sim.store.state.notifications.find((n) => n.subject === 'NT0000000002')?.state === 'gave_up');
    const log = (await (await fetch(`${sim.url}/__sim/notifications`)).json()) as any[];
    expect(log.find((n) => n.subject === 'NT0000000002').deliveries.length).toBe(4);
  });

  it('completes refunds automatically after the configured delay and notifies REFUND.SUCCESS', async () => {
    await pay('/v3/pay/transactions/jsapi', 'POST', order('NT0000000003'));
    await fetch(`${sim.url}/__sim/pay/NT0000000003/confirm`, { method: 'POST' });
    await until(() => received.length === 1);
    const refund = await pay('/v3/refund/domestic/refunds', 'POST', { out_trade_no: 'NT0000000003', out_refund_no: 'NR0000000003', notify_url: notifyUrl, amount: { refund: 100, total: 100, currency: 'CNY' } });
    expect(refund.status).toBe('PROCESSING');
    await until(() => received.length === 2);
    expect(received[1].envelope.event_type).toBe('REFUND.SUCCESS');
    expect(received[1].resource as RefundNotificationResource).toMatchObject({ out_refund_no: 'NR0000000003', refund_status: 'SUCCESS', amount: { refund: 100 } });
  });

  it('notifies MCHTRANSFER.BILL.FINISHED once the user rejects a transfer', async () => {
    const created = await pay('/v3/fund-app/mch-transfer/transfer-bills', 'POST', {
      appid: keys.appid, out_bill_no: 'NB0000000004', transfer_scene_id: '1005', openid: 'o2', transfer_amount: 300, transfer_remark: '提现',
      notify_url: notifyUrl, transfer_scene_report_infos: [{ info_type: '岗位类型', info_content: '倾听师' }],
    }, { 'Wechatpay-Serial': keys.platform.publicKeyId });
    expect(created.state).toBe('WAIT_USER_CONFIRM');
    await fetch(`${sim.url}/__sim/transfers/NB0000000004/reject`, { method: 'POST' });
    await until(() => received.length === 1);
    expect(received[0].envelope.event_type).toBe('MCHTRANSFER.BILL.FINISHED');
    expect(received[0].resource as TransferNotificationResource).toMatchObject({ out_bill_no: 'NB0000000004', state: 'CANCELLED', transfer_amount: 300 });
  });

  it('pays through the H5 cashier page and redirects back with the result', async () => {
    const { prepay_id } = await pay('/v3/pay/transactions/jsapi', 'POST', order('NT0000000005'));
    const page = await fetch(`${sim.url}/__sim/cashier?prepay_id=${prepay_id}&return_url=${encodeURIComponent('http://localhost:3000/pages/order?id=5')}`);
    const html = await page.text();
    expect(html).toContain('确认支付');
    expect(html).toContain('￥1.00');
    const form = new URLSearchParams({ prepay_id, return_url: 'http://localhost:3000/pages/order?id=5', action: 'pay' });
    const res = await fetch(`${sim.url}/__sim/cashier`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://localhost:3000/pages/order?id=5&result=success');
    await until(() => received.length === 1);
    expect((received[0].resource as Transaction).out_trade_no).toBe('NT0000000005');
  });
});
