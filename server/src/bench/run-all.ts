import { benchCheckout } from './checkout.bench';
import { benchDiscovery } from './discovery.bench';
import { benchHttpAdapter } from './http-adapter.bench';

/** `pnpm bench`: every benchmark, one after another (they share the machine's two cores). */
async function main(): Promise<void> {
  await benchHttpAdapter();
  await benchDiscovery();
  await benchCheckout();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
