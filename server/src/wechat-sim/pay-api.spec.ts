import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { signRequest } from '../wechat/protocol/signing';
import { createSimulator, Simulator } from './simulator';

/**
 * An independent WeChat Pay SDK (wechatpay-axios-plugin, which verifies every response's
 * signature and timestamp) drives every Pay endpoint of the simulator: if it accepts the
 * answers, the simulator speaks WeChat's protocol rather than a dialect of our own.
 */
describe('WeChat Pay APIv3 through wechatpay-axios-plugin', () => {
  const keys = generateKeyMaterial();
  let clock = new Date('2025-03-10T02:00:00Z'); // 10:00 Beijing
  let sim: Simulator;
  let wxpay: any;
  let receiver: Server;
  let notifyUrl: string;

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pay/notify`;
    sim = await createSimulator({ keys, now: () => clock, refundAutoCompleteMs: null, retryDelaysMs: [] });
    wxpay = new Wechatpay({
      baseURL: `${sim.url}/`,
      mchid: keys.mchid,
      serial: keys.merchant.serialNo,
      privateKey: keys.merchant.privateKeyPem,
      certs: { [keys.platform.publicKeyId]: keys.platform.publicKeyPem },
    });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });

  const prepay = (outTradeNo: string, total = 1999) =>
    wxpay.v3.pay.transactions.jsapi.post({
      appid: keys.appid,
      mchid: keys.mchid,
      description: '倾听 - 30分钟倾诉',
      out_trade_no: outTradeNo,
      time_expire: '2025-03-10T12:00:00+08:00',
      attach: 'order:1',
      notify_url: notifyUrl,
      amount: { total, currency: 'CNY' },
      payer: { openid: 'o-payer-1' },
    });
  const query = (no: string) => wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: keys.mchid }, out_trade_no: no });
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: any) => ({ status: e.response?.status, data: e.response?.data }));

  it('prepays, queries, pays, refunds and queries the refund', async () => {
    const { data: pre } = await prepay('QT2025031000001');
    expect(pre.prepay_id).toMatch(/^wx\w+$/);
    expect((await query('QT2025031000001')).data).toMatchObject({ trade_state: 'NOTPAY', amount: { total: 1999 } });

    await fetch(`${sim.url}/__sim/pay/QT2025031000001/confirm`, { method: 'POST' });
    const { data: paid } = await query('QT2025031000001');
    expect(paid).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'JSAPI', payer: { openid: 'o-payer-1' }, amount: { total: 1999, payer_total: 1999 } });
    expect(paid.success_time).toBe('2025-03-10T10:00:00+08:00');

    const refundBody = { out_trade_no: 'QT2025031000001', out_refund_no: 'RF2025031000001', reason: '服务未开始', notify_url: notifyUrl, amount: { refund: 999, total: 1999, currency: 'CNY' } };
    const { data: refund } = await wxpay.v3.refund.domestic.refunds.post(refundBody);
    expect(refund).toMatchObject({ status: 'PROCESSING', transaction_id: paid.transaction_id, amount: { refund: 999, total: 1999 } });
    const { data: again } = await wxpay.v3.refund.domestic.refunds.post(refundBody);
    expect(again.refund_id).toBe(refund.refund_id);

    const over = await failure(wxpay.v3.refund.domestic.refunds.post({ ...refundBody, out_refund_no: 'RF2025031000002', amount: { refund: 1001, total: 1999, currency: 'CNY' } }));
    expect(over.status).toBe(400);
    expect(over.data.code).toBe('PARAM_ERROR');

    await fetch(`${sim.url}/__sim/refunds/RF2025031000001/complete`, { method: 'POST' });
    const { data: done } = await wxpay.v3.refund.domestic.refunds.$out_refund_no$.get({ out_refund_no: 'RF2025031000001' });
    expect(done).toMatchObject({ status: 'SUCCESS', user_received_account: '支付用户零钱' });
    expect((await query('QT2025031000001')).data.trade_state).toBe('REFUND');
  });

  it('closes an unpaid order with 204 (a signed empty body) and reports unknown orders as ORDER_NOT_EXIST', async () => {
    await prepay('QT2025031000002');
    const closed = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: keys.mchid }, { out_trade_no: 'QT2025031000002' });
    expect(closed.status).toBe(204);
    expect(closed.headers['wechatpay-signature']).toBeTruthy();
    expect((await query('QT2025031000002')).data.trade_state).toBe('CLOSED');
    const missing = await failure(query('QT-NOPE-000'));
    expect(missing).toEqual({ status: 404, data: { code: 'ORDER_NOT_EXIST', message: expect.any(String) } });
  });

  it('rejects body errors with 400 PARAM_ERROR', async () => {
    const bad = await failure(wxpay.v3.pay.transactions.jsapi.post({ appid: keys.appid, mchid: keys.mchid, description: 'x', out_trade_no: 'abc', notify_url: notifyUrl, amount: { total: 1 }, payer: { openid: 'o' } }));
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ code: 'PARAM_ERROR', detail: { field: 'out_trade_no' } });
    const withQuery = await failure(prepay('QT2025031000009').then(() => wxpay.v3.pay.transactions.jsapi.post({ appid: keys.appid, mchid: keys.mchid, description: 'x', out_trade_no: 'QT2025031000009', notify_url: 'https://example.com/n?x=1', amount: { total: 1 }, payer: { openid: 'o' } })));
    expect(withQuery.data.detail.field).toBe('notify_url');
  });

  it('is really verified by the SDK: configured with another platform key, it refuses the answer', async () => {
    const suspicious = new Wechatpay({
      baseURL: `${sim.url}/`, mchid: keys.mchid, serial: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem,
      certs: { [keys.platform.publicKeyId]: generateKeyMaterial().platform.publicKeyPem },
    });
    await expect(suspicious.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: keys.mchid }, out_trade_no: 'QT2025031000001' }))
      .rejects.toMatchObject({ code: 'EV3_RES_HEADER_SIGNATURE_DIGEST' });
  });

  it('serves trade and fund-flow bills the next day from 10:00 with matching SHA1, downloads unsigned', async () => {
    clock = new Date('2025-03-11T01:59:00Z'); // 09:59 Beijing on D+1
    const early = await failure(wxpay.v3.bill.tradebill.get({ params: { bill_date: '2025-03-10', bill_type: 'ALL' } }));
    expect(early.status).toBe(400);
    clock = new Date('2025-03-11T02:00:00Z');
    for (const [kind, params] of [['tradebill', { bill_date: '2025-03-10', bill_type: 'ALL' }], ['fundflowbill', { bill_date: '2025-03-10', account_type: 'BASIC' }]] as const) {
      const { data: bill } = await wxpay.v3.bill[kind].get({ params });
      expect(bill.hash_type).toBe('SHA1');
      const url = new URL(bill.download_url);
      const file = await wxpay.v3.billdownload.file.get({ params: Object.fromEntries(url.searchParams), responseType: 'arraybuffer' });
      expect(file.headers['wechatpay-signature']).toBeUndefined();
      const bytes = Buffer.from(file.data);
      expect(require('node:crypto').createHash('sha1').update(bytes).digest('hex')).toBe(bill.hash_value);
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    }
    clock = new Date('2025-03-11T02:00:31Z');
  });

  it('expires a download link after 30 s', async () => {
    clock = new Date('2025-03-11T03:00:00Z');
    const { data: bill } = await wxpay.v3.bill.tradebill.get({ params: { bill_date: '2025-03-10' } });
    clock = new Date('2025-03-11T03:00:30Z');
    const token = new URL(bill.download_url).searchParams.get('token');
    const gone = await failure(wxpay.v3.billdownload.file.get({ params: { token } }));
    expect(gone.status).toBe(400);
  });

  it('creates and queries a merchant transfer, which needs Wechatpay-Serial and the user confirmation', async () => {
    const body = {
      appid: keys.appid, out_bill_no: 'WD2025031100001', transfer_scene_id: '1005', openid: 'o-listener-1', transfer_amount: 5000,
      transfer_remark: '倾听收入提现', notify_url: notifyUrl, user_recv_perception: '劳务报酬',
      transfer_scene_report_infos: [{ info_type: '岗位类型', info_content: '倾听师' }, { info_type: '报酬说明', info_content: '倾听服务报酬' }],
    };
    const noSerial = await failure(wxpay.v3.fundApp.mchTransfer.transferBills.post(body));
    expect(noSerial.status).toBe(400);
    const { data: created } = await wxpay.v3.fundApp.mchTransfer.transferBills.post(body, { headers: { 'Wechatpay-Serial': keys.platform.publicKeyId } });
    expect(created).toMatchObject({ out_bill_no: 'WD2025031100001', state: 'WAIT_USER_CONFIRM', package_info: expect.any(String) });
    const get = () => wxpay.v3.fundApp.mchTransfer.transferBills.outBillNo.$out_bill_no$.get({ out_bill_no: 'WD2025031100001' });
    expect((await get()).data).toMatchObject({ state: 'WAIT_USER_CONFIRM', transfer_amount: 5000, mch_id: keys.mchid });
    await fetch(`${sim.url}/__sim/transfers/WD2025031100001/confirm`, { method: 'POST' });
    expect((await get()).data.state).toBe('SUCCESS');
  });

  it('answers /v3/certificates with 404 证书不存在 for a public-key-mode merchant', async () => {
    const res = await failure(wxpay.v3.certificates.get());
    expect(res).toEqual({ status: 404, data: { code: 'NOT_FOUND', message: '证书不存在' } });
  });

  describe('merchant signature checks', () => {
    const path = `/v3/pay/transactions/out-trade-no/QT2025031000001?mchid=${keys.mchid}`;
    const get = (authorization?: string) => fetch(sim.url + path, { headers: authorization ? { Authorization: authorization } : {} });

    it('accepts a request signed with our own helper', async () => {
      const res = await get(signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method: 'GET', pathWithQuery: path }));
      expect(res.status).toBe(200);
    });

    it.each([
      ['missing', undefined],
      ['signed by another key', signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: generateKeyMaterial().merchant.privateKeyPem }, { method: 'GET', pathWithQuery: path })],
      ['signed for another path', signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method: 'GET', pathWithQuery: `${path}x` })],
      ['stale by 5 minutes', signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method: 'GET', pathWithQuery: path }, new Date(Date.now() - 300_000))],
      ['with a wrong serial', signRequest({ mchid: keys.mchid, serialNo: '0'.repeat(40), privateKey: keys.merchant.privateKeyPem }, { method: 'GET', pathWithQuery: path })],
    ])('rejects a request %s with 401 SIGN_ERROR, still signed', async (_name, authorization) => {
      const res = await get(authorization);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('SIGN_ERROR');
      expect(res.headers.get('wechatpay-serial')).toBe(keys.platform.publicKeyId);
    });

    it('rejects a body altered after signing', async () => {
      const body = JSON.stringify({ mchid: keys.mchid });
      const p = '/v3/pay/transactions/out-trade-no/QT2025031000001/close';
      const authorization = signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method: 'POST', pathWithQuery: p, body });
      const res = await fetch(sim.url + p, { method: 'POST', headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: body.replace('}', ' }') });
      expect(res.status).toBe(401);
    });
  });
});
