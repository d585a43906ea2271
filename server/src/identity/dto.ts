import { IsNotEmpty, IsString, Length, Matches } from 'class-validator';

export class LoginBody {
  /** From wx.login (valid 5 minutes, single use). */
  @IsString()
  @Length(1, 128, { message: 'code 无效' })
  code!: string;
}

export class UpdateProfileBody {
  @IsString()
  @Matches(/^(?!\s*$).{2,16}$/u, { message: '昵称需为 2–16 个字' })
  alias!: string;
}

export class PhoneBody {
  @IsNotEmpty()
  @Matches(/^1[3-9]\d{9}$/, { message: '请输入 11 位中国大陆手机号' })
  phone!: string;
}
