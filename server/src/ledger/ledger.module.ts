import { Global, Module } from '@nestjs/common';
import { LedgerService } from './ledger.service';

/** The double-entry ledger; postings are written by the modules that move money, inside their transactions. */
@Global()
@Module({ providers: [LedgerService], exports: [LedgerService] })
export class LedgerModule {}
