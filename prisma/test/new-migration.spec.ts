import { keepSqlOnlyIndexes } from '../src/new-migration-cli';

describe('pnpm db:migration', () => {
  it('keeps hand-written partial indexes the Prisma diff would drop, and the rest of the diff', () => {
    const diff = [
      '-- DropIndex',
      'DROP INDEX "scheduled_jobs_open_due_idx";',
      '',
      '-- AlterTable',
      'ALTER TABLE "orders" ADD COLUMN "note" TEXT;',
      '',
    ].join('\n');
    expect(keepSqlOnlyIndexes(diff)).toBe(['-- AlterTable', 'ALTER TABLE "orders" ADD COLUMN "note" TEXT;', ''].join('\n'));
    expect(keepSqlOnlyIndexes('-- DropIndex\nDROP INDEX "scheduled_jobs_open_due_idx";\n')).toBe('');
    expect(keepSqlOnlyIndexes('-- DropIndex\nDROP INDEX "orders_status_idx";\n')).toContain('orders_status_idx');
  });
});
