/**
 * The required training (PRODUCT.md §5): lessons and the quiz pool, as content in code so it is
 * versioned and reviewed with the rules it teaches. Lesson and question ids are stable: progress
 * and attempts refer to them.
 */
export interface Lesson {
  id: string;
  title: string;
  /** Paragraphs of plain text. */
  body: string[];
}

export interface QuizQuestion {
  id: string;
  text: string;
  options: string[];
  /** Index into options; never leaves the server. */
  answer: number;
}

export const CRISIS_HOTLINES = [
  { name: '全国心理援助热线', phone: '400-161-9995' },
  { name: '北京心理危机研究与干预中心', phone: '010-82951332' },
] as const;

export const LESSONS: readonly Lesson[] = [
  {
    id: 'empathy',
    title: '共情倾听',
    body: [
      '倾听的核心是让对方感到被理解，而不是被评判或被指导。先听完，再回应。',
      '用复述和情绪命名回应对方：“听起来你这段时间很委屈，也很累。”',
      '少用“你应该……”“这有什么大不了”。不急于给建议，除非对方明确想要。',
      '允许沉默。给对方整理思绪的时间，本身就是一种陪伴。',
    ],
  },
  {
    id: 'boundaries',
    title: '关系边界',
    body: [
      '你是倾听者，不是心理治疗师，也不是对方的伴侣或朋友。不做诊断，不开药，不承诺治愈。',
      '不在平台外联系倾诉者：不交换微信、电话，不线下见面，不私下收款。',
      '对方表达依赖或越界要求时，温和而明确地说明边界，并把对话带回对方自身。',
      '照顾好自己：遇到让你不适的内容可以结束会话并联系平台。',
    ],
  },
  {
    id: 'privacy',
    title: '隐私保护',
    body: [
      '倾诉者是匿名的。不打听对方的真实姓名、单位、住址，也不透露自己的。',
      '不截图、不转述、不以任何形式传播会话内容。平台不保留聊天记录，你也不应保留。',
      '唯一的例外是生命安全：发现危机时按危机流程上报。',
    ],
  },
  {
    id: 'crisis',
    title: '危机应对流程',
    body: [
      '当对方流露出自伤、自杀或伤害他人的想法时，认真对待，直接而温和地询问：“你是否有伤害自己的想法？”',
      '保持陪伴，不评判，不承诺保密；立即在会话中点击“危机上报”，平台值班人员会介入。',
      `提供专业求助渠道：${CRISIS_HOTLINES.map((h) => `${h.name} ${h.phone}`).join('；')}；紧急情况请拨打 110 或 120。`,
      '不要独自承担：危机处理由平台与专业机构负责，你的任务是稳定情绪、上报、提供热线。',
    ],
  },
  {
    id: 'rules',
    title: '平台规则',
    body: [
      '按时开始、按时结束；计时以平台为准，不私下延长或加价。',
      '价格在等级允许的范围内自行设定：新人期有价格上限，完成 20 单且评分 ≥ 4.5 升为资深，完成 100 单且评分 ≥ 4.7 升为金牌。',
      '禁止色情、暴力、引流、诱导消费和任何违法内容；被投诉属实会被暂停接单。',
      '收入在 72 小时争议期后可提现。',
    ],
  },
];

export const LESSON_IDS = LESSONS.map((l) => l.id);

export const QUIZ_PASS_PERCENT = 80;
export const QUIZ_ATTEMPTS_PER_DAY = 3;
/** Questions drawn per attempt from the pool, in a shuffled order. */
export const QUIZ_QUESTIONS_PER_ATTEMPT = 10;

export const QUIZ_POOL: readonly QuizQuestion[] = [
  { id: 'q-empathy-1', text: '倾诉者说“我觉得自己一无是处”，更恰当的回应是：', options: ['别这么想，你挺好的', '听起来你最近对自己很失望，能多说说发生了什么吗？', '每个人都这样，想开点', '你应该去找份更好的工作'], answer: 1 },
  { id: 'q-empathy-2', text: '对方长时间沉默时，你应该：', options: ['马上换个话题', '催促对方快点说', '给对方一些时间，温和地表示你在', '结束会话'], answer: 2 },
  { id: 'q-empathy-3', text: '以下哪种做法最符合共情倾听？', options: ['第一时间给出解决方案', '复述对方的感受并确认是否理解正确', '分享自己更惨的经历', '指出对方的错误'], answer: 1 },
  { id: 'q-boundary-1', text: '倾诉者请求加你的微信以便随时聊天，你应该：', options: ['加上，方便沟通', '婉拒，并说明只能在平台内交流', '给一个小号', '让对方先付款再加'], answer: 1 },
  { id: 'q-boundary-2', text: '倾诉者询问你某种药该吃多少，你应该：', options: ['根据经验告诉对方', '说明自己不能提供医疗建议，建议咨询医生', '在网上搜一下告诉对方', '推荐自己常吃的药'], answer: 1 },
  { id: 'q-privacy-1', text: '会话中听到一个很有意思的故事，你可以：', options: ['发朋友圈分享', '匿名后讲给朋友听', '不以任何形式传播', '截图保存'], answer: 2 },
  { id: 'q-privacy-2', text: '关于倾诉者的身份，正确的做法是：', options: ['问清真实姓名以示尊重', '不打听对方的真实身份信息', '要求对方提供手机号', '查看对方的朋友圈'], answer: 1 },
  { id: 'q-crisis-1', text: '对方透露有自杀的想法，第一步应该：', options: ['转移话题避免刺激', '认真对待，直接温和地询问并保持陪伴，同时危机上报', '承诺为对方保密', '立即结束会话'], answer: 1 },
  { id: 'q-crisis-2', text: '全国心理援助热线的号码是：', options: ['400-161-9995', '12345', '10086', '400-800-8888'], answer: 0 },
  { id: 'q-crisis-3', text: '北京心理危机研究与干预中心的电话是：', options: ['010-12345678', '010-82951332', '120', '010-88888888'], answer: 1 },
  { id: 'q-rules-1', text: '新人倾听者升为资深倾听者需要：', options: ['完成 5 单', '完成 20 单且评分 ≥ 4.5', '缴纳保证金', '在线满 100 小时'], answer: 1 },
  { id: 'q-rules-2', text: '会话时间到了而对方还想继续，你应该：', options: ['私下收费继续聊', '免费延长一小时', '按平台流程让对方续单或结束', '让对方加微信再聊'], answer: 2 },
];
