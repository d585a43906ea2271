import { TOPIC_CODES, type Topic } from '@qingting/shared';
import { Transform } from 'class-transformer';
import { PageQuery } from '../common/page-query.dto';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value);

export const GENDERS = ['FEMALE', 'MALE', 'UNDISCLOSED'] as const;
export const AGE_RANGES = ['18-24', '25-29', '30-34', '35-39', '40-49', '50+'] as const;
export const APPLICATION_STATUSES = ['SUBMITTED', 'CHANGES_REQUESTED', 'AWAITING_SECOND_REVIEW', 'APPROVED', 'REJECTED'] as const;

/** Everything PRODUCT.md §5 asks of an applicant; used for the first submission and for a resubmission. */
export class ApplicationBody {
  @Transform(trim)
  @IsString()
  @Matches(/^(?!\s*$).{2,16}$/u, { message: '昵称需为 2–16 个字' })
  alias!: string;

  @IsIn(GENDERS, { message: `gender 应为 ${GENDERS.join('、')} 之一` })
  gender!: (typeof GENDERS)[number];

  @IsIn(AGE_RANGES, { message: `ageRange 应为 ${AGE_RANGES.join('、')} 之一` })
  ageRange!: (typeof AGE_RANGES)[number];

  @Transform(trim)
  @IsString()
  @Length(50, 1000, { message: '个人介绍需为 50–1000 字' })
  intro!: string;

  @IsArray()
  @ArrayMinSize(1, { message: '请选择 1–5 个擅长话题' })
  @ArrayMaxSize(5, { message: '请选择 1–5 个擅长话题' })
  @ArrayUnique({ message: '话题不能重复' })
  @IsIn(TOPIC_CODES as Topic[], { each: true, message: `话题只能是 ${TOPIC_CODES.join('、')}` })
  topics!: Topic[];

  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(8, { message: '经历标签最多 8 个' })
  @ArrayUnique({ message: '标签不能重复' })
  @IsString({ each: true })
  @Length(1, 12, { each: true, message: '每个标签 1–12 个字' })
  tags: string[] = [];

  @Transform(trim)
  @IsString()
  @Length(1, 1000, { message: '经历描述需为 1–1000 字' })
  experience!: string;

  @IsArray()
  @ArrayMaxSize(5, { message: '资质证书最多 5 张' })
  @ArrayUnique({ message: '证书不能重复' })
  @IsUUID('all', { each: true, message: '证书文件无效' })
  certificateFileIds: string[] = [];

  @IsOptional()
  @IsUUID('all', { message: '语音介绍文件无效' })
  voiceIntroFileId?: string;

  @Transform(trim)
  @IsString()
  @Matches(/^[\u4e00-\u9fa5·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,49}$/u, { message: '请填写身份证上的真实姓名' })
  realName!: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(/^\d{17}[\dX]$/, { message: '请填写 18 位身份证号' })
  idNumber!: string;

  @Transform(trim)
  @IsString()
  @Length(30, 1000, { message: '情景题回答需为 30–1000 字' })
  scenarioAnswer!: string;
}

export class ReasonBody {
  @Transform(trim)
  @IsString()
  @Length(2, 500, { message: '请填写 2–500 字的原因' })
  reason!: string;
}

export class QueueQuery extends PageQuery {
  @IsOptional()
  @IsIn(APPLICATION_STATUSES, { message: `status 应为 ${APPLICATION_STATUSES.join('、')} 之一` })
  status?: (typeof APPLICATION_STATUSES)[number];
}

export const SENSITIVE_FIELDS = ['realName', 'idNumber'] as const;

export class RevealBody {
  @IsIn(SENSITIVE_FIELDS, { message: 'field 应为 realName 或 idNumber' })
  field!: (typeof SENSITIVE_FIELDS)[number];
}

export class QuizSubmitBody {
  /** The chosen option index for each question, in the order the attempt showed them. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsInt({ each: true, message: '答案必须是选项序号' })
  @Min(0, { each: true })
  @Max(9, { each: true })
  answers!: number[];
}

export class LessonParam {
  @IsString()
  @Matches(/^[a-z-]{1,40}$/, { message: '课程编号无效' })
  id!: string;
}
