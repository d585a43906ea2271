import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { avatarSvg } from '@qingting/shared';
import { IsString, Length, Matches } from 'class-validator';
import { Public } from './auth.decorators';

class AvatarParams {
  @Matches(/^[\w-]{1,64}\.svg$/, { message: '头像地址无效' })
  file!: string;
}

class AvatarQuery {
  @IsString()
  @Length(1, 2, { message: '头像地址无效' })
  g!: string;
}

/** Generated avatars: the same seed and glyph always give the same image, so caches may keep it forever. */
@Public()
@Controller('api/avatars')
export class AvatarsController {
  @Get(':file')
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @Header('cache-control', 'public, max-age=31536000, immutable')
  avatar(@Param() params: AvatarParams, @Query() query: AvatarQuery): string {
    return avatarSvg(params.file.slice(0, -'.svg'.length), query.g);
  }
}
