import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { workspaceRoot } from '@qingting/prisma';
import { AppConfig } from '../infra/config/app-config';
import { DiskStorage } from './disk-storage';
import { StorageController } from './storage.controller';
import { FILE_STORAGE } from './storage.port';
import { StorageService } from './storage.service';

/**
 * Uploaded files. FILE_STORAGE is the seam: disk under UPLOAD_DIR (default `<workspace>/.data/uploads`)
 * today; an object-storage FileStorage is bound here when one is configured.
 */
@Global()
@Module({
  controllers: [StorageController],
  providers: [
    { provide: FILE_STORAGE, useFactory: (c: AppConfig) => new DiskStorage(path.resolve(c.UPLOAD_DIR ?? path.join(workspaceRoot(), '.data', 'uploads'))), inject: [AppConfig] },
    StorageService,
  ],
  exports: [StorageService],
})
export class StorageModule {}
