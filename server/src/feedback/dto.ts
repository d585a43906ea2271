import type { DisputeDecision, DisputeStatus, ReportStatus } from '@qingting/prisma';
import { REVIEW_TAGS } from '@qingting/shared';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../common/page-query.dto';

/** What a report is about; the values are what the mini-program shows. */
export const REPORT_REASONS = ['骚扰/辱骂', '索要联系方式', '违法违规', '危机风险', '其他'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Free text is trimmed at the edge, so "   " counts as empty and lengths count what is kept. */
const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** The talker's rating of an ended session; the text is optional and moderated before it is saved. */
export class ReviewBody {
  @IsInt({ message: 'stars 必须是 1–5 的整数' })
  @Min(1, { message: 'stars 必须是 1–5 的整数' })
  @Max(5, { message: 'stars 必须是 1–5 的整数' })
  stars!: number;

  @IsArray({ message: 'tags 必须是标签列表' })
  @ArrayMaxSize(5, { message: '最多选择 5 个标签' })
  @ArrayUnique({ message: '标签不能重复' })
  @IsIn(REVIEW_TAGS, { each: true, message: '标签无效' })
  tags!: string[];

  @IsOptional()
  @trimmed()
  @IsString({ message: 'text 必须是文字' })
  @MaxLength(300, { message: '评价文字最多 300 字' })
  text?: string;
}

export class ReportBody {
  @IsIn(REPORT_REASONS, { message: `reason 必须是以下之一：${REPORT_REASONS.join('、')}` })
  reason!: ReportReason;

  @IsOptional()
  @trimmed()
  @IsString({ message: 'detail 必须是文字' })
  @MaxLength(500, { message: '补充说明最多 500 字' })
  detail?: string;
}

export class DisputeBody {
  @trimmed()
  @IsString({ message: '请填写争议原因' })
  @MinLength(2, { message: '请填写争议原因（至少 2 个字）' })
  @MaxLength(500, { message: '争议原因最多 500 字' })
  reason!: string;
}

export class OpsReportsQuery extends PageQuery {
  @IsOptional()
  @IsIn(['OPEN', 'ACTIONED', 'DISMISSED'], { message: 'status 必须是 OPEN、ACTIONED 或 DISMISSED' })
  status?: ReportStatus;
}

export class ResolveReportBody {
  @IsIn(['ACTIONED', 'DISMISSED'], { message: 'status 必须是 ACTIONED 或 DISMISSED' })
  status!: Exclude<ReportStatus, 'OPEN'>;

  @trimmed()
  @IsString({ message: '请填写处理结果' })
  @MinLength(2, { message: '请填写处理结果（至少 2 个字）' })
  @MaxLength(500, { message: '处理结果最多 500 字' })
  resolution!: string;
}

export class OpsDisputesQuery extends PageQuery {
  @IsOptional()
  @IsIn(['OPEN', 'DECIDED'], { message: 'status 必须是 OPEN 或 DECIDED' })
  status?: DisputeStatus;
}

/** `refundFen` only with PARTIAL (checked against what is refundable by the service). */
export class DecideDisputeBody {
  @IsIn(['NONE', 'PARTIAL', 'FULL'], { message: 'decision 必须是 NONE、PARTIAL 或 FULL' })
  decision!: DisputeDecision;

  @IsOptional()
  @IsInt({ message: 'refundFen 必须是整数（分）' })
  @Min(1, { message: 'refundFen 至少为 1 分' })
  refundFen?: number;

  @trimmed()
  @IsString({ message: '请填写裁定说明' })
  @MinLength(2, { message: '请填写裁定说明（至少 2 个字）' })
  @MaxLength(500, { message: '裁定说明最多 500 字' })
  note!: string;
}
