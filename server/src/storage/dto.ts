import { IsIn, IsString, MaxLength } from 'class-validator';
import { UPLOAD_PURPOSES, UploadPurpose } from './file-types';

export class UploadBody {
  @IsIn(UPLOAD_PURPOSES, { message: `purpose 应为 ${UPLOAD_PURPOSES.join('、')} 之一` })
  purpose!: UploadPurpose;

  /** The file's bytes, base64 (a `data:…;base64,` prefix is accepted). Size is checked after decoding. */
  @IsString()
  // 10 MB decoded is ~13.4 M base64 characters; leave room for a data-URL prefix and line breaks.
  @MaxLength(14_500_000, { message: '文件过大' })
  contentBase64!: string;
}
