import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database, PrismaClient, Sql, databaseTargetFromEnv, openDatabase, seedDemoData } from '@qingting/prisma';
import { AppConfig } from '../config/app-config';

/**
 * The app's one database handle. Feature modules inject it and touch only the tables they own.
 * Opened (and migrated, and seeded when asked) before the app starts listening.
 */
@Injectable()
export class PrismaService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  private database?: Database;

  constructor(private readonly config: AppConfig) {}

  get client(): PrismaClient {
    if (!this.database) throw new Error('database not opened yet');
    return this.database.prisma;
  }

  /** Plain SQL for hot paths (see `Sql` in @qingting/prisma); everything else goes through `client`. */
  get sql(): Sql {
    if (!this.database) throw new Error('database not opened yet');
    return this.database.sql;
  }

  async onModuleInit(): Promise<void> {
    this.database = await openDatabase(
      databaseTargetFromEnv({ DATABASE_URL: this.config.DATABASE_URL, PGLITE_DIR: this.config.PGLITE_DIR }),
    );
    this.logger.log(`database: ${this.database.target.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite at ${this.database.target.dataDir}`}`);
    if (this.config.MIGRATE_ON_START) {
      const applied = await this.database.migrate();
      if (applied.length) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    }
    if (this.config.SEED_DEMO_DATA) {
      const seeded = await seedDemoData(this.database.prisma);
      if (seeded.seeded) this.logger.log(`seeded demo data: ${seeded.listeners} listeners, ${seeded.reviews} reviews`);
    }
  }

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }

  /** After the HTTP server has stopped (Nest runs this hook last), so in-flight requests finish first. */
  async onApplicationShutdown(): Promise<void> {
    await this.database?.close();
  }
}
