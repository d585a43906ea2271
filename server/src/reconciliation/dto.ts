import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../common/page-query.dto';
import { CATEGORIES, type Category } from './report';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = (field: string) => `${field} 应为 YYYY-MM-DD 格式的日期`;

/** `POST /api/ops/reconciliation`: the bill date to reconcile (China time). */
export class ReconcileBody {
  @Matches(DATE, { message: DATE_MESSAGE('date') })
  date!: string;
}

export class RunsQuery extends PageQuery {
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE('date') })
  date?: string;
}

export class ItemsQuery extends PageQuery {
  @IsOptional()
  @IsIn(CATEGORIES, { message: `category 应为 ${CATEGORIES.join('、')} 之一` })
  category?: Category;
}

export class DailyQuery {
  @Matches(DATE, { message: DATE_MESSAGE('from') })
  from!: string;

  @Matches(DATE, { message: DATE_MESSAGE('to') })
  to!: string;
}
