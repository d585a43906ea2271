import { spawn } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Pool } from 'pg';
import { createTestDatabase, dropTestDatabase, pgPoolConfig } from '@qingting/prisma';
import { fenToYuan, parseTradeBill, splitLines, TradeBillRow, writeTradeBill } from '../wechat/protocol/bills';
import { generateKeyMaterial } from '../wechat/protocol/dev-keys';
import { signResponse } from '../wechat/protocol/signing';
import { formatBillTime } from '../wechat/protocol/time';
import { report, serveBare } from './bench-util';

/** Bill lines and local payments (BENCH_RECONCILE_LINES to try other sizes). */
const LINES = Number(process.env.BENCH_RECONCILE_LINES ?? 1_000_000);
/** Faults mixed into the bill, so the run also writes items: altered amounts, unknown orders, local payments left out. */
const FAULTS = 10;
const BILL_DATE = '2025-01-15';
const CLI = path.join(__dirname, '..', 'reconciliation', 'cli.js');
const TARGET_SECONDS = 60;
const TARGET_RSS_MB = 512;

/** Local order n ↔ bill line n: the same deterministic numbers on both sides (32-hex out_trade_no as ours are). */
const outTradeNo = (n: number) => createHash('md5').update(String(n)).digest('hex');
const transactionId = (n: number) => `4200${String(n).padStart(24, '0')}`;
const amountOf = (n: number) => 1000 + (n % 50) * 100;
const dayStart = Date.parse(`${BILL_DATE}T00:00:00+08:00`);
const paidAt = (n: number) => dayStart + Math.floor((n * 86_000_000) / LINES);

/** A UUID that grows with `n` (SQL expression), one family per `kind`. */
const seqUuid = (kind: number, n: string) => `('00000000-0000-4000-800${kind}-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

/** 1 talker, 1 listener, LINES paid orders with their PAYMENT postings (3 ledger entries each), all in SQL. */
async function seed(pool: Pool): Promise<number> {
  const started = Date.now();
  const c = await pool.connect();
  try {
    await c.query(`INSERT INTO users (id, openid, alias, avatar_seed, roles, updated_at) VALUES
      ('00000000-0000-4000-8000-000000000001', 'bench-talker', '倾诉者', 's1', ARRAY['TALKER']::"Role"[], now()),
      ('00000000-0000-4000-8000-000000000002', 'bench-listener', '倾听者', 's2', ARRAY['TALKER','LISTENER']::"Role"[], now())`);
    // Bulk load of a throwaway database: no need to wait for each commit's WAL flush.
    await c.query('SET synchronous_commit = off');
    // Same numbers as the bill generator below: md5(n) and 4200…n; amounts 10–59 CNY; paid across the day.
    // Row ids grow with n (seqUuid) so the primary-key indexes fill in order instead of at random pages.
    await c.query(
      `INSERT INTO orders (id, out_trade_no, kind, talker_id, listener_id, service_type, units, unit_price_fen, minutes, subtotal_fen, total_fen, status, transaction_id, pay_by, paid_at, created_at, updated_at)
       SELECT ${seqUuid(1, 'g')}, md5(g::text), 'SESSION'::"OrderKind", '00000000-0000-4000-8000-000000000001'::uuid, '00000000-0000-4000-8000-000000000002'::uuid, 'TEXT'::"ServiceType", 1,
              1000 + (g % 50) * 100, 15, 1000 + (g % 50) * 100, 1000 + (g % 50) * 100, 'COMPLETED'::"OrderStatus", '4200' || lpad(g::text, 24, '0'),
              to_timestamp(($2::bigint + (g::bigint * 86000000) / $1) / 1000.0) + interval '15 minutes',
              to_timestamp(($2::bigint + (g::bigint * 86000000) / $1) / 1000.0),
              to_timestamp(($2::bigint + (g::bigint * 86000000) / $1) / 1000.0), now()
         FROM generate_series(1, $1::int) g`,
      [LINES, dayStart],
    );
    await c.query(
      `INSERT INTO ledger_transactions (id, kind, idempotency_key, order_id, created_at)
       SELECT ${seqUuid(2, 'g')}, 'PAYMENT', 'payment:' || ${seqUuid(1, 'g')}, ${seqUuid(1, 'g')}, now() FROM generate_series(1, $1::int) g`,
      [LINES],
    );
    await c.query(
      `INSERT INTO ledger_entries (id, transaction_id, account, amount_fen)
       SELECT ${seqUuid(3, 'g * 3 + e.i')}, ${seqUuid(2, 'g')}, e.account, e.fen
         FROM generate_series(1, $1::int) g,
         LATERAL (SELECT 1000 + (g % 50) * 100 AS total, ceil((1000 + (g % 50) * 100) * 0.3)::int AS commission) a,
         LATERAL (VALUES (0, 'wechat:clearing', a.total), (1, 'platform:commission', -a.commission),
                         (2, 'listener:00000000-0000-4000-8000-000000000002:held', -(a.total - a.commission))) e(i, account, fen)`,
      [LINES],
    );
    await c.query('VACUUM ANALYZE orders');
    await c.query('VACUUM ANALYZE ledger_transactions');
    await c.query('VACUUM ANALYZE ledger_entries');
  } finally {
    c.release();
  }
  return Date.now() - started;
}

/**
 * The trade bill (ALL) in WeChat's exact format, streamed to disk: every detail line comes from
 * the protocol's own writer (10,000 rows at a time), only the summary is totalled here. Lines
 * 1…LINES−FAULTS are local orders (FAULTS of them with an altered amount), then FAULTS orders
 * unknown locally; the last FAULTS local orders are left out.
 */
async function writeBill(file: string, appid: string, mchid: string): Promise<{ bytes: number; settlementFen: number; feeFen: number }> {
  const out = fs.createWriteStream(file);
  const [header, summaryHeader] = writeTradeBill([], 'ALL').toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`\uFEFF${header}\r\n`);
  let settlementFen = 0;
  let feeFen = 0;
  const row = (n: number, known: boolean): TradeBillRow => {
    const fen = amountOf(n) + (known && n % Math.floor(LINES / FAULTS) === 1 ? 1 : 0);
    const fee = Math.round(fen * 0.006);
    settlementFen += fen;
    feeFen += fee;
    return {
      tradeTime: formatBillTime(new Date(paidAt(n))), appid, mchid, subMchid: '0', deviceInfo: '', transactionId: transactionId(n),
      outTradeNo: known ? outTradeNo(n) : `BENCHUNKNOWN${n}`, openid: 'oBench0000000000000000talker', tradeType: 'JSAPI', tradeState: 'SUCCESS',
      bankType: 'OTHERS', currency: 'CNY', settlementTotalFen: fen, couponFen: 0, refundId: '0', outRefundNo: '0', refundFen: 0,
      couponRefundFen: 0, refundType: '', refundStatus: '', description: '倾听-文字倾诉 15分钟', attach: `order-${n}`, feeFen: fee,
      feeRate: '0.60%', orderTotalFen: fen, requestedRefundFen: 0, feeRemark: '',
    };
  };
  const CHUNK = 10_000;
  for (let first = 1; first <= LINES; first += CHUNK) {
    const rows: TradeBillRow[] = [];
    for (let n = first; n < first + CHUNK && n <= LINES; n++) rows.push(n <= LINES - FAULTS ? row(n, true) : row(n, false));
    const lines = writeTradeBill(rows, 'ALL').toString('utf8').split('\r\n');
    await write(`${lines.slice(1, 1 + rows.length).join('\r\n')}\r\n`);
  }
  const total = fenToYuan(settlementFen);
  await write(`${summaryHeader}\r\n\`${LINES},\`${total},\`0.00,\`0.00,\`${fenToYuan(feeFen)},\`${total},\`0.00\r\n`);
  out.end();
  await once(out, 'close');
  return { bytes: fs.statSync(file).size, settlementFen, feeFen };
}

/** The baseline: stream the same file, split lines and fields, nothing else. */
async function readAndSplit(file: string): Promise<{ ms: number; lines: number }> {
  const started = performance.now();
  let lines = 0;
  let fields = 0;
  for await (const line of splitLines(fs.createReadStream(file))) {
    lines++;
    fields += line.split(',').length;
  }
  if (fields === 0) throw new Error('empty bill');
  return { ms: performance.now() - started, lines };
}

/** The protocol parser alone (header mapping, backticks, yuan → fen), to show where the time goes. */
async function parseOnly(file: string): Promise<number> {
  const started = performance.now();
  for await (const _record of parseTradeBill(fs.createReadStream(file))) {
    /* count nothing: the cost of parsing */
  }
  return performance.now() - started;
}

/**
 * `pnpm bench` reconcile: a 1,000,000-line trade bill against 1,000,000 local payments through
 * the real path (signed bill request, streamed download with SHA1, parse, match, items, ledger
 * totals, CSV) in the CLI as a child process, so its peak RSS is its own; next to the time to
 * merely read and split the same file, measured in the same run. Targets: ≤ 60 s, ≤ 512 MB.
 */
export async function benchReconcile(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-bench-reconcile-'));
  const keys = generateKeyMaterial();
  const keysFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const billFile = path.join(dir, 'tradebill.csv');
  const databaseUrl = await createTestDatabase('qingting_bench');
  const pool = new Pool(pgPoolConfig(databaseUrl));
  pool.on('error', () => undefined);
  try {
    const genStarted = Date.now();
    const bill = await writeBill(billFile, keys.appid, keys.mchid);
    const sha1 = createHash('sha1');
    for await (const chunk of fs.createReadStream(billFile)) sha1.update(chunk as Buffer);
    const hash = sha1.digest('hex');
    console.log(`reconcile bench: wrote a ${LINES}-line bill (${(bill.bytes / 1e6).toFixed(0)} MB) in ${((Date.now() - genStarted) / 1000).toFixed(1)} s`);
    const seedMs = await seed(pool);
    console.log(`reconcile bench: seeded ${LINES} paid orders with their ledger postings in ${(seedMs / 1000).toFixed(1)} s`);

    // WeChat Pay's bill endpoints as the real client expects them: signed JSON answers, an unsigned file.
    const platform = { serial: keys.platform.publicKeyId, privateKey: createPrivateKey(keys.platform.privateKeyPem) };
    const wechat = await serveBare((req, res) => {
      const url = new URL(req.url ?? '/', 'http://bench');
      const answer = (status: number, body: object) => {
        const json = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', ...signResponse(platform, json) });
        res.end(json);
      };
      if (url.pathname === '/v3/bill/tradebill') return answer(200, { hash_type: 'SHA1', hash_value: hash, download_url: `http://bench/v3/billdownload/file?token=bench` });
      // A fund-flow bill for a million payments would be two million lines more; not part of this measurement.
      if (url.pathname === '/v3/bill/fundflowbill') return answer(400, { code: 'NO_STATEMENT_EXIST', message: '当日无资金流水' });
      if (url.pathname === '/v3/billdownload/file') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        fs.createReadStream(billFile).pipe(res);
        return;
      }
      answer(404, { code: 'NOT_FOUND', message: req.url ?? '' });
    });

    try {
      const baseline = await readAndSplit(billFile);
      const parseMs = await parseOnly(billFile);
      const started = performance.now();
      const child = spawn(process.execPath, [CLI, '--date', BILL_DATE, '--json'], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: databaseUrl,
          REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
          MIGRATE_ON_START: 'false',
          LOG_LEVEL: 'error',
          WECHAT_KEYS_FILE: keysFile,
          WECHAT_SIM_URL: wechat.url,
          RECONCILE_DIR: dir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const [code] = (await once(child, 'exit')) as [number | null];
      const wallMs = performance.now() - started;
      if (code !== 0) throw new Error(`reconcile CLI exited ${code}:\n${stderr}\n${stdout}`);
      const run = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        status: string;
        maxRssBytes: number;
        summary: { durationMs: number; phasesMs: Record<string, number>; matched: { trade: number }; categories: Record<string, number>; ledger: { paymentsFen: number; billPaymentsFen: number } };
      };
      const expected = { MISSING_LOCAL: FAULTS, MISSING_AT_WECHAT: FAULTS, AMOUNT_MISMATCH: FAULTS, STATUS_MISMATCH: 0 };
      if (Object.entries(expected).some(([k, n]) => run.summary.categories[k] !== n) || run.summary.matched.trade !== LINES - 2 * FAULTS) {
        throw new Error(`unexpected result: ${JSON.stringify(run.summary)}`);
      }
      const rssMb = Math.round(run.maxRssBytes / 1024 / 1024);
      const rows = [
        { step: 'baseline: read + split lines and fields', seconds: +(baseline.ms / 1000).toFixed(1), peakRssMb: '–', lines: baseline.lines },
        { step: 'protocol parser alone', seconds: +(parseMs / 1000).toFixed(1), peakRssMb: '–', lines: LINES },
        { step: 'reconciliation run (download+SHA1+parse+match+ledger+CSV)', seconds: +(run.summary.durationMs / 1000).toFixed(1), peakRssMb: rssMb, lines: LINES },
        { step: 'whole CLI process (boot + run + exit)', seconds: +(wallMs / 1000).toFixed(1), peakRssMb: rssMb, lines: LINES },
      ];
      report('reconcile', rows, {
        lines: LINES,
        billBytes: bill.bytes,
        faults: expected,
        seedSeconds: +(seedMs / 1000).toFixed(1),
        targets: { seconds: TARGET_SECONDS, peakRssMb: TARGET_RSS_MB },
        met: { seconds: wallMs / 1000 <= TARGET_SECONDS, peakRss: rssMb <= TARGET_RSS_MB },
        ratioToBaseline: +(run.summary.durationMs / baseline.ms).toFixed(1),
        phasesMs: run.summary.phasesMs,
      });
      console.log(`reconcile bench: run phases (ms) ${JSON.stringify(run.summary.phasesMs)}`);
    } finally {
      await wechat.close();
    }
  } finally {
    await pool.end();
    await dropTestDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchReconcile().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
