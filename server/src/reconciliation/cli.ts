import { createApp } from '../bootstrap';
import { DomainError } from '../common/errors/domain-error';
import { ConfigError, loadConfig } from '../infra/config/app-config';
import { isValidBillDate } from './bill-date';
import { summaryRows } from './report';
import { ReconciliationService } from './reconciliation.service';

const USAGE = `usage: pnpm reconcile --date YYYY-MM-DD [--json]

Reconciles the WeChat Pay trade and fund-flow bills of that date (China time) against local
payments, refunds and payouts, prints a summary and writes the CSV to RECONCILE_DIR.
  --json   print the run as JSON (with the process's peak memory) instead of a table
Exit codes: 0 done, 1 failed or refused (bill not ready, a run in progress), 2 usage, 78 configuration.`;

export function parseArgs(argv: string[]): { date: string; json: boolean } | null {
  let date: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--date') date = argv[++i];
    else if (arg.startsWith('--date=')) date = arg.slice('--date='.length);
    else if (arg === '--') continue; // pnpm < 7 passes it through
    else return null;
  }
  return date && isValidBillDate(date) ? { date, json } : null;
}

/**
 * `pnpm reconcile --date YYYY-MM-DD`: boots the same app (configuration, database, WeChat
 * clients) without listening and without running timers, reconciles, prints, exits.
 */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // Logs would interleave with the table on stdout: only errors unless asked for.
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', SCHEDULER_ENABLED: 'false' });
  const app = await createApp(config);
  await app.init();
  try {
    const run = await app.get(ReconciliationService).run(args.date, 'cli');
    const csv = run.status === 'DONE' ? app.get(ReconciliationService).csvPath(run) : null;
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...run, csv, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
    } else if (run.summary) {
      console.table(summaryRows(run.summary));
      process.stdout.write(`CSV: ${csv}\n`);
    } else {
      process.stdout.write(`对账失败 ${run.billDate}: ${run.error?.code} ${run.error?.message}\n`);
    }
    return run.status === 'DONE' ? 0 : 1;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    process.stderr.write(`${err.code}: ${err.message}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\nSee the README's "Configuration" section.\n`);
        process.exit(78);
      }
      process.stderr.write(`reconcile failed: ${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
