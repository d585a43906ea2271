import { Body, Controller, Delete, Get, Headers, HttpCode, Ip, Patch, Post, Put } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { AuthUser, CurrentUser, Public } from './auth.decorators';
import { bearerToken } from './auth.guard';
import { LoginBody, PhoneBody, UpdateProfileBody } from './dto';
import { IdentityService, Me } from './identity.service';
import { SessionService } from './session.service';

@Controller('api')
export class IdentityController {
  constructor(
    private readonly identity: IdentityService,
    private readonly sessions: SessionService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginBody, @Ip() ip: string) {
    return this.identity.login(body.code, ip);
  }

  /** Exchanges a valid token for a new one (the old one stops working). */
  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  async refresh(@Headers('authorization') authorization?: string) {
    const token = bearerToken(authorization);
    const session = token ? await this.sessions.refresh(token) : null;
    if (!session) throw new DomainError('auth/session_expired');
    return session;
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Headers('authorization') authorization: string): Promise<void> {
    await this.sessions.revoke(bearerToken(authorization)!);
  }

  @Get('me')
  me(@CurrentUser() user: AuthUser): Promise<Me> {
    return this.identity.me(user.id);
  }

  @Patch('me')
  update(@CurrentUser() user: AuthUser, @Body() body: UpdateProfileBody): Promise<Me> {
    return this.identity.changeAlias(user, body.alias);
  }

  @Post('me/avatar')
  @HttpCode(200)
  shuffleAvatar(@CurrentUser() user: AuthUser): Promise<Me> {
    return this.identity.shuffleAvatar(user);
  }

  @Put('me/phone')
  setPhone(@CurrentUser() user: AuthUser, @Body() body: PhoneBody): Promise<Me> {
    return this.identity.setPhone(user, body.phone);
  }

  @Delete('me')
  @HttpCode(204)
  deleteAccount(@CurrentUser() user: AuthUser): Promise<void> {
    return this.identity.deleteAccount(user);
  }
}
