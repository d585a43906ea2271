import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@qingting/prisma';
import { AppConfig, ConfigError } from '../infra/config/app-config';
import { loadOrCreateKeyMaterial } from './protocol/dev-keys';
import type { WechatApiOptions } from './wechat-api.client';

/** Everything the WeChat Pay client and the notification endpoints need. */
export interface WechatPaySettings {
  /** https://api.mch.weixin.qq.com, or the simulator. */
  apiBase: string;
  appid: string;
  mchid: string;
  merchantPrivateKey: KeyObject;
  merchantSerialNo: string;
  apiV3Key: string;
  /** Keys that may sign responses and notifications, by `Wechatpay-Serial`: the public-key id and/or platform certificate serials. */
  platformPublicKeys: Record<string, KeyObject>;
  /** What requests carrying encrypted fields (transfers) send as `Wechatpay-Serial`. */
  platformSerial: string;
  /** Public base URL of this API, to which `/api/wechat/notify/<kind>` is appended. */
  notifyBaseUrl: string;
}

export interface WechatSettings {
  api: WechatApiOptions;
  pay: WechatPaySettings;
  /** True when talking to the project's simulator rather than WeChat. */
  simulated: boolean;
}
export const WECHAT_SETTINGS = Symbol('WECHAT_SETTINGS');

export function defaultKeysFile(config: AppConfig): string {
  return config.WECHAT_KEYS_FILE ?? path.join(workspaceRoot(), '.data', 'wechat-keys.json');
}

function readFile(variable: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
}

function parseKey<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ConfigError([`${variable}: not a usable key (${(err as Error).message})`]);
  }
}

/**
 * Real WeChat when WECHAT_APPID is set (every credential from its own variable or file, as the
 * merchant platform hands them out); otherwise the simulator, with the key set in
 * WECHAT_KEYS_FILE that the simulator shares (created on first use).
 */
export function resolveWechatSettings(config: AppConfig): WechatSettings {
  const notifyBaseUrl = (config.WECHAT_NOTIFY_BASE_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '');
  if (config.wechatSimulated) {
    const keys = loadOrCreateKeyMaterial(defaultKeysFile(config));
    return {
      simulated: true,
      api: { apiBase: config.WECHAT_API_BASE ?? config.WECHAT_SIM_URL, appid: keys.appid, secret: keys.secret },
      pay: {
        apiBase: config.WECHAT_PAY_API_BASE ?? config.WECHAT_SIM_URL,
        appid: keys.appid,
        mchid: keys.mchid,
        merchantPrivateKey: createPrivateKey(keys.merchant.privateKeyPem),
        merchantSerialNo: keys.merchant.serialNo,
        apiV3Key: keys.apiV3Key,
        platformPublicKeys: { [keys.platform.publicKeyId]: createPublicKey(keys.platform.publicKeyPem) },
        platformSerial: keys.platform.publicKeyId,
        notifyBaseUrl,
      },
    };
  }
  const platformPublicKeys: Record<string, KeyObject> = {};
  if (config.WECHAT_PAY_PUBLIC_KEY_FILE && config.WECHAT_PAY_PUBLIC_KEY_ID) {
    const pem = readFile('WECHAT_PAY_PUBLIC_KEY_FILE', config.WECHAT_PAY_PUBLIC_KEY_FILE);
    platformPublicKeys[config.WECHAT_PAY_PUBLIC_KEY_ID] = parseKey('WECHAT_PAY_PUBLIC_KEY_FILE', () => createPublicKey(pem));
  }
  for (const file of (config.WECHAT_PAY_PLATFORM_CERT_FILES ?? '').split(',').map((f) => f.trim()).filter(Boolean)) {
    const cert = parseKey('WECHAT_PAY_PLATFORM_CERT_FILES', () => new X509Certificate(readFile('WECHAT_PAY_PLATFORM_CERT_FILES', file)));
    platformPublicKeys[cert.serialNumber.toUpperCase()] = cert.publicKey;
  }
  const privatePem = readFile('WECHAT_PAY_PRIVATE_KEY_FILE', config.WECHAT_PAY_PRIVATE_KEY_FILE!);
  return {
    simulated: false,
    api: { apiBase: config.WECHAT_API_BASE ?? 'https://api.weixin.qq.com', appid: config.WECHAT_APPID!, secret: config.WECHAT_SECRET! },
    pay: {
      apiBase: config.WECHAT_PAY_API_BASE ?? 'https://api.mch.weixin.qq.com',
      appid: config.WECHAT_APPID!,
      mchid: config.WECHAT_PAY_MCHID!,
      merchantPrivateKey: parseKey('WECHAT_PAY_PRIVATE_KEY_FILE', () => createPrivateKey(privatePem)),
      merchantSerialNo: config.WECHAT_PAY_CERT_SERIAL!.toUpperCase(),
      apiV3Key: config.WECHAT_PAY_API_V3_KEY!,
      platformPublicKeys,
      // Public-key mode is what WeChat gives new merchants; prefer it when both are configured.
      platformSerial: config.WECHAT_PAY_PUBLIC_KEY_ID ?? Object.keys(platformPublicKeys)[0],
      notifyBaseUrl,
    },
  };
}
