import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../infra/config/app-config';
import { signResponse, verifyPlatformSignature } from './protocol/signing';
import { resolveWechatSettings } from './wechat-settings';

describe('resolveWechatSettings for the real WeChat Pay', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-wxcfg-'));
  const file = (name: string, content: string) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const merchant = pem();
  const platformKey = pem();
  // An older merchant's platform certificate (wechatpay_<serial>.pem), made the way a CA would.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'cert-key.pem'), '-out', path.join(dir, 'wechatpay.pem'), '-subj', '/CN=Tenpay.com Root CA', '-days', '2'], { stdio: 'ignore' });
  const cert = new X509Certificate(fs.readFileSync(path.join(dir, 'wechatpay.pem')));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = () => ({
    WECHAT_APPID: 'wx0123456789abcdef',
    WECHAT_SECRET: 'secret',
    WECHAT_PAY_MCHID: '1900000109',
    WECHAT_PAY_PRIVATE_KEY_FILE: file('apiclient_key.pem', merchant.privateKey),
    WECHAT_PAY_CERT_SERIAL: '5157f09efdc096de15ebe81a47057a7232f1b8e1',
    WECHAT_PAY_API_V3_KEY: 'abcdefghijklmnopqrstuvwxyz012345',
    WECHAT_PAY_PUBLIC_KEY_FILE: file('pub_key.pem', platformKey.publicKey),
    WECHAT_PAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000',
    WECHAT_PAY_PLATFORM_CERT_FILES: path.join(dir, 'wechatpay.pem'),
    WECHAT_NOTIFY_BASE_URL: 'https://api.qingting.example/',
  });

  it('uses the real hosts and accepts signatures by the public key (by id) and by a platform certificate (by serial)', () => {
    const settings = resolveWechatSettings(loadConfig(env()));
    expect(settings.simulated).toBe(false);
    expect(settings.api.apiBase).toBe('https://api.weixin.qq.com');
    expect(settings.pay).toMatchObject({
      apiBase: 'https://api.mch.weixin.qq.com',
      merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      platformSerial: 'PUB_KEY_ID_0114232134912410000000000000',
      notifyBaseUrl: 'https://api.qingting.example',
    });
    const body = '{"code":"SUCCESS"}';
    const byPublicKey = signResponse({ serial: 'PUB_KEY_ID_0114232134912410000000000000', privateKey: platformKey.privateKey }, body);
    expect(verifyPlatformSignature(settings.pay.platformPublicKeys, byPublicKey, body)).toEqual({ ok: true });
    const certKey = createPrivateKey(fs.readFileSync(path.join(dir, 'cert-key.pem')));
    const byCertificate = signResponse({ serial: cert.serialNumber.toUpperCase(), privateKey: certKey }, body);
    expect(verifyPlatformSignature(settings.pay.platformPublicKeys, byCertificate, body)).toEqual({ ok: true });
    // The certificate's key cannot pass itself off as the public key.
    const mixed = signResponse({ serial: 'PUB_KEY_ID_0114232134912410000000000000', privateKey: certKey }, body);
    expect(verifyPlatformSignature(settings.pay.platformPublicKeys, mixed, body).ok).toBe(false);
  });

  it('names the variable whose file is missing or holds no key', () => {
    expect(() => resolveWechatSettings(loadConfig({ ...env(), WECHAT_PAY_PRIVATE_KEY_FILE: path.join(dir, 'nope.pem') }))).toThrow(ConfigError);
    expect(() => resolveWechatSettings(loadConfig({ ...env(), WECHAT_PAY_PRIVATE_KEY_FILE: path.join(dir, 'nope.pem') }))).toThrow(/WECHAT_PAY_PRIVATE_KEY_FILE: cannot read/);
    expect(() => resolveWechatSettings(loadConfig({ ...env(), WECHAT_PAY_PUBLIC_KEY_FILE: file('garbage.pem', 'not a key') }))).toThrow(/WECHAT_PAY_PUBLIC_KEY_FILE: not a usable key/);
  });

  it('points at the simulator with the shared key file when WECHAT_APPID is unset', () => {
    const keysFile = path.join(dir, 'keys.json');
    const settings = resolveWechatSettings(loadConfig({ WECHAT_KEYS_FILE: keysFile, WECHAT_SIM_URL: 'http://127.0.0.1:3999', PORT: '4000' }));
    expect(settings.simulated).toBe(true);
    expect(settings.pay.apiBase).toBe('http://127.0.0.1:3999');
    expect(settings.pay.notifyBaseUrl).toBe('http://127.0.0.1:4000');
    expect(fs.statSync(keysFile).mode & 0o777).toBe(0o600);
    // The same file gives the same keys: the simulator and the API agree.
    expect(resolveWechatSettings(loadConfig({ WECHAT_KEYS_FILE: keysFile })).api.secret).toBe(settings.api.secret);
  });
});
