import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the vetting module (applications, uploads, training, review, tiers) and of storage and ops. */
export const VETTING_ERRORS = {
  // --- uploads (storage module) ---
  /** The decoded file is larger than its purpose allows (images 5 MB, voice 10 MB). */
  'upload/too_large': { status: 413, message: '文件过大：图片不超过 5 MB，语音不超过 10 MB' },
  /** The bytes are not one of the formats the purpose accepts (checked by content, not by name). */
  'upload/unsupported_type': { status: 415, message: '文件格式不支持：图片请用 JPG、PNG 或 WebP，语音请用 MP3、M4A、AAC 或 WAV' },
  /** Empty or not valid base64. */
  'upload/invalid_content': { status: 400, message: '文件内容无效，请重新选择' },
  /** The file does not exist or the caller may not read it (never tells which). */
  'upload/not_found': { status: 404, message: '文件不存在' },

  // --- applications ---
  'vetting/already_listener': { status: 409, message: '你已经是倾听者了' },
  /** One application at a time: a submitted one, or one waiting for changes, is still open. */
  'vetting/application_open': { status: 409, message: '你已有一份申请正在审核或等待修改' },
  'vetting/application_not_found': { status: 404, message: '申请不存在' },
  /** Only an application the reviewer sent back for changes can be edited and resubmitted. */
  'vetting/not_editable': { status: 409, message: '当前申请状态不能修改' },
  /** Alias, intro or experience failed content security. */
  'vetting/content_rejected': { status: 400, message: '申请内容包含不当信息，请修改后再提交' },
  /** A certificate or voice file id that is not the applicant's own upload of that purpose. */
  'vetting/invalid_file': { status: 400, message: '附件无效，请重新上传' },
  /** The identity provider could not confirm real name + ID number (or the person is under 18). */
  'vetting/identity_check_failed': { status: 400, message: '实名认证未通过：请核对姓名和身份证号（需年满 18 周岁）' },

  // --- review ---
  /** The application is not (any more) in the state the decision needs: someone decided first. */
  'vetting/already_decided': { status: 409, message: '该申请已被处理，请刷新后查看' },
  /** A certificate claim needs a second reviewer different from the first. */
  'vetting/second_reviewer_required': { status: 409, message: '资质认证需由另一位审核员复核' },
  /** Approval requires the applicant to have passed the training quiz. */
  'vetting/training_incomplete': { status: 409, message: '申请人尚未完成培训和考试' },

  // --- training and quiz ---
  'vetting/lesson_not_found': { status: 404, message: '课程不存在' },
  /** The quiz opens once every lesson is complete. */
  'vetting/lessons_incomplete': { status: 409, message: '请先学完全部课程再参加考试' },
  /** Three attempts per Beijing day. */
  'vetting/quiz_attempts_exhausted': { status: 429, message: '今天的 3 次考试机会已用完，请明天再试' },
  'vetting/quiz_attempt_not_found': { status: 404, message: '考试记录不存在' },
  /** The attempt was already submitted (a second submit, or two in parallel). */
  'vetting/quiz_already_submitted': { status: 409, message: '本次考试已提交' },
  /** Answers that do not cover exactly the attempt's questions with valid options. */
  'vetting/quiz_answers_invalid': { status: 400, message: '答案不完整或无效，请作答全部题目' },

  // --- listeners (tiers, suspension) ---
  'vetting/listener_not_found': { status: 404, message: '倾听者不存在' },
  'vetting/listener_state_unchanged': { status: 409, message: '倾听者已处于该状态' },
} as const satisfies Record<string, ErrorSpec>;
