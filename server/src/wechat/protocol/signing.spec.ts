import { createPublicKey, createVerify } from 'node:crypto';
import { generateKeyMaterial } from './dev-keys';
import { aeadDecrypt, aeadEncrypt } from './aead';
import { buildAuthorization, paySign, parseAuthorization, requestMessage, requestPaymentParams, signResponse, verifyPlatformSignature } from './signing';

describe('WeChat Pay signing and encryption helpers', () => {
  const keys = generateKeyMaterial();
  const platformKeys = { [keys.platform.publicKeyId]: keys.platform.publicKeyPem };
  const platform = { serial: keys.platform.publicKeyId, privateKey: keys.platform.privateKeyPem };

  it('builds the request message with the trailing newline kept for an empty body', () => {
    expect(requestMessage('get', '/v3/x?a=1', '1700000000', 'N', '').toString()).toBe('GET\n/v3/x?a=1\n1700000000\nN\n\n');
  });

  it('parses an Authorization header in any parameter order', () => {
    const p = { mchid: '1900000001', nonce_str: 'N1', signature: 'c2ln', timestamp: '1700000000', serial_no: 'AB' };
    expect(parseAuthorization(buildAuthorization(p))).toEqual(p);
    expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 serial_no="AB",signature="c2ln",timestamp="1700000000",nonce_str="N1",mchid="1900000001"')).toEqual(p);
    expect(parseAuthorization('Bearer x')).toBeNull();
    expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1"')).toBeNull();
  });

  describe('platform signatures', () => {
    const body = Buffer.from('{"id":"1","summary":"支付成功"}');
    it('accepts a fresh signature over the raw bytes', () => {
      expect(verifyPlatformSignature(platformKeys, signResponse(platform, body), body)).toEqual({ ok: true });
    });
    it('rejects a body changed by one byte', () => {
      const other = Buffer.from(body);
      other[2] ^= 1;
      expect(verifyPlatformSignature(platformKeys, signResponse(platform, body), other).ok).toBe(false);
    });
    it('rejects a timestamp exactly 5 minutes away, accepts 299 s', () => {
      const now = new Date();
      expect(verifyPlatformSignature(platformKeys, signResponse(platform, body, new Date(now.getTime() - 300_000)), body, now).ok).toBe(false);
      expect(verifyPlatformSignature(platformKeys, signResponse(platform, body, new Date(now.getTime() - 299_000)), body, now).ok).toBe(true);
    });
    it('rejects probe signatures and unknown serials', () => {
      const headers = signResponse(platform, body);
      expect(verifyPlatformSignature(platformKeys, { ...headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${headers['Wechatpay-Signature']}` }, body)).toMatchObject({ ok: false, reason: expect.stringContaining('probe') });
      expect(verifyPlatformSignature(platformKeys, { ...headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000' }, body).ok).toBe(false);
    });
  });

  it('signs wx.requestPayment over APPID\\nTIMESTAMP\\nNONCE\\nprepay_id=…\\n', () => {
    const params = requestPaymentParams(keys.appid, 'wx123', keys.merchant.privateKeyPem);
    const message = `${keys.appid}\n${params.timeStamp}\n${params.nonceStr}\nprepay_id=wx123\n`;
    expect(createVerify('RSA-SHA256').update(message).verify(createPublicKey(keys.merchant.publicKeyPem), params.paySign, 'base64')).toBe(true);
    expect(params.paySign).toBe(paySign(keys.appid, params.timeStamp, params.nonceStr, 'prepay_id=wx123', keys.merchant.privateKeyPem));
  });

  it('round-trips AEAD_AES_256_GCM and refuses a tampered ciphertext or AAD', () => {
    const c = aeadEncrypt('{"a":"倾听"}', keys.apiV3Key, '0123456789ab', 'transaction');
    expect(aeadDecrypt(c, keys.apiV3Key, '0123456789ab', 'transaction')).toBe('{"a":"倾听"}');
    expect(() => aeadDecrypt(c, keys.apiV3Key, '0123456789ab', 'refund')).toThrow();
    const bytes = Buffer.from(c, 'base64');
    bytes[0] ^= 1;
    expect(() => aeadDecrypt(bytes.toString('base64'), keys.apiV3Key, '0123456789ab', 'transaction')).toThrow();
  });
});
