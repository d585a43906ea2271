import { dropTestDatabase } from '@qingting/prisma';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.QINGTING_TEST_DATABASE_URL;
  if (url && !process.env.KEEP_TEST_DATABASE) await dropTestDatabase(url);
}
