import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { AuthUser, CurrentUser } from '../identity/auth.decorators';
import { uuidParam } from '../vetting/params';
import { UploadBody } from './dto';
import { MAX_UPLOAD_BYTES } from './file-types';
import { StorageService, UploadedFile } from './storage.service';

/** Body limit of the upload route: the largest file as base64 (4/3) plus the JSON around it. */
export const UPLOAD_BODY_LIMIT_BYTES = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 64 * 1024;

@Controller('api/uploads')
export class StorageController {
  constructor(private readonly storage: StorageService) {}

  /** `{purpose, contentBase64}` → `{id, purpose, mimeType, sizeBytes}` (JSON with base64: no multipart parser needed). */
  @Post()
  @RouteConfig({ bodyLimit: UPLOAD_BODY_LIMIT_BYTES })
  upload(@CurrentUser() user: AuthUser, @Body() body: UploadBody): Promise<UploadedFile> {
    return this.storage.upload(user, body.purpose, body.contentBase64);
  }

  /** The file's bytes with its type, for the owner (and reviewers, audit-logged for certificates). */
  @Get(':id')
  async download(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Res() reply: FastifyReply): Promise<void> {
    const { file, bytes } = await this.storage.read(user, id);
    await reply
      .header('content-type', file.mimeType)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(bytes);
  }
}
