import { benchCheckout } from './checkout.bench';
import { benchDiscovery } from './discovery.bench';
import { benchGroups } from './groups.bench';
import { benchHttpAdapter } from './http-adapter.bench';
import { benchRealtime } from './realtime.bench';
import { benchReconcile } from './reconcile.bench';
import { benchSessionEnd } from './session-end.bench';

/** `pnpm bench`: every benchmark, one after another (they share the machine's two cores). */
async function main(): Promise<void> {
  await benchHttpAdapter();
  await benchDiscovery();
  await benchCheckout();
  await benchRealtime();
  await benchReconcile();
  await benchSessionEnd();
  await benchGroups();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
