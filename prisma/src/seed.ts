import { createHash } from 'node:crypto';
import { DEFAULT_TIER_PRICE_BOUNDS, TOPIC_CODES, listenerSearchText, makeAlias, ratingAvgCenti, recommendScore } from '@qingting/shared';
import type { Gender, ListenerTier, Prisma, PrismaClient, Topic } from '../generated/client/client';

export interface SeedSummary {
  seeded: boolean;
  listeners: number;
  reviews: number;
}

/**
 * The openid the WeChat simulator gives the login code `dev:<name>` (its devOpenid rule), so the
 * demo accounts can log in through the ordinary login in development: `dev:operator`, `dev:talker`.
 * Real WeChat refuses such codes.
 */
export function simulatorOpenid(name: string): string {
  return `sim-openid-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

export const DEMO_TALKER_OPENID = simulatorOpenid('talker');
export const DEMO_OPERATOR_OPENID = simulatorOpenid('operator');

const LISTENER_COUNT = 48;
const EXPERIENCE_TAGS = ['离异走出', '产后情绪', '职场转型', '异地恋', '失恋疗愈', '考研焦虑', '婆媳相处', '社恐改善', '丧亲陪伴', '自我接纳', '青春期沟通', '失眠夜聊'];
const REVIEW_TAGS = ['耐心', '温暖', '专业', '有共鸣', '给了方向', '回复及时'];
const REVIEW_TEXTS = ['聊完心里轻松多了，谢谢你。', '很耐心地听我说完，没有评判。', '给了我很实用的建议。', '像朋友一样，会再来的。', null];

/** Mulberry32: a small seeded PRNG, so the demo data is the same on every machine. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Round to whole yuan within the tier's bounds, as listeners would price. */
function priceFor(tier: ListenerTier, random: () => number): number {
  const { min, max } = DEFAULT_TIER_PRICE_BOUNDS[tier];
  const cap = Math.min(max, 8000);
  return Math.round((min + random() * (cap - min)) / 100) * 100;
}

/**
 * Demo data for the embedded run: listeners across every topic with prices, tags, reviews and
 * online states, one talker and one operator holding every operator role. Does nothing when
 * the database already has users, so it is safe to run on every start.
 */
export async function seedDemoData(prisma: PrismaClient): Promise<SeedSummary> {
  if ((await prisma.user.count()) > 0) return { seeded: false, listeners: 0, reviews: 0 };
  const random = seededRandom(20261125);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

  return prisma.$transaction(async (tx) => {
    const talker = await tx.user.create({
      data: { openid: DEMO_TALKER_OPENID, alias: makeAlias(random), avatarSeed: 'demo-talker', roles: ['TALKER'] },
    });
    await tx.user.create({
      data: {
        openid: DEMO_OPERATOR_OPENID,
        alias: '运营小助手',
        avatarSeed: 'demo-operator',
        roles: ['TALKER', 'REVIEWER', 'MODERATOR', 'AGENT', 'FINANCE', 'ADMIN'],
      },
    });

    let reviews = 0;
    for (let i = 0; i < LISTENER_COUNT; i++) {
      // Every topic leads for several listeners; each listener adds one to three more.
      const lead = TOPIC_CODES[i % TOPIC_CODES.length] as Topic;
      const topics = new Set<Topic>([lead]);
      const extra = Math.floor(random() * 3);
      for (let k = 0; k < extra; k++) topics.add(pick(TOPIC_CODES) as Topic);
      const tier: ListenerTier = i % 6 === 0 ? 'SENIOR' : i % 3 === 0 ? 'REGULAR' : 'NEW';
      const reviewCount = tier === 'NEW' ? Math.floor(random() * 3) : 3 + Math.floor(random() * 5);
      const starsList = Array.from({ length: reviewCount }, () => (random() < 0.8 ? 5 : 4));
      const ratingSum = starsList.reduce((a, b) => a + b, 0);
      const ordersServed = reviewCount * 3 + Math.floor(random() * 20);
      const online = random() < 0.4;
      const gender: Gender = random() < 0.65 ? 'FEMALE' : random() < 0.9 ? 'MALE' : 'UNDISCLOSED';
      const alias = makeAlias(random);
      const intro = `我是一个愿意倾听的过来人，擅长陪你聊${[...topics].length}个方向的烦恼。在这里你可以放心说出心里话，我会认真听、不评判，陪你慢慢理清思路，找到让自己舒服一点的办法。`;
      const tags = [pick(EXPERIENCE_TAGS), pick(EXPERIENCE_TAGS)].filter((t, idx, all) => all.indexOf(t) === idx);
      const distinctTalkers = ordersServed;
      const repeatTalkers = Math.floor(distinctTalkers * (0.3 + random() * 0.5));
      const ordersReceived = ordersServed + Math.floor(random() * 5);
      const profile: Omit<Prisma.ListenerProfileUncheckedCreateInput, 'userId'> = {
        gender,
        intro,
        topics: [...topics],
        tags,
        searchText: listenerSearchText(alias, intro, tags),
        ageRange: pick(['18-25', '26-35', '36-45', '46以上']),
        workingHours: [{ day: 1 + (i % 7), start: '19:00', end: '23:00' }, { day: 1 + ((i + 3) % 7), start: '20:00', end: '23:30' }],
        distinctTalkers,
        repeatTalkers,
        ordersReceived,
        ordersAccepted: ordersServed,
        acceptSecondsSum: ordersServed * (30 + Math.floor(random() * 240)),
        ratingAvgCenti: ratingAvgCenti(ratingSum, reviewCount),
        tier,
        certified: i % 7 === 0,
        priceTextFen: priceFor(tier, random),
        priceVoiceFen: random() < 0.6 ? priceFor(tier, random) : null,
        online,
        ratingSum,
        ratingCount: reviewCount,
        ordersServed,
        minutesServed: ordersServed * 25,
        recommendScore: recommendScore({ ratingSum, ratingCount: reviewCount, ordersReceived, ordersAccepted: ordersServed, distinctTalkers, repeatTalkers, ordersServed, online }),
      };
      const user = await tx.user.create({
        data: {
          openid: `demo-listener-${i}`,
          alias,
          avatarSeed: `demo-listener-${i}`,
          roles: ['TALKER', 'LISTENER'],
          listener: { create: profile },
        },
      });
      if (tier !== 'NEW') {
        // An hour on the lead topic at about 15 % off four single units, in whole yuan.
        const unitFen = profile.priceTextFen as number;
        const { min } = DEFAULT_TIER_PRICE_BOUNDS[tier];
        const priceFen = Math.max(4 * min, Math.round((4 * unitFen * 0.85) / 100) * 100);
        await tx.topicPackage.create({ data: { listenerId: user.id, topic: lead, serviceType: 'TEXT', minutes: 60, priceFen } });
      }
      if (reviewCount) {
        await tx.review.createMany({
          data: starsList.map((stars) => ({
            listenerId: user.id,
            authorId: talker.id,
            stars,
            tags: [pick(REVIEW_TAGS)],
            text: pick(REVIEW_TEXTS),
          })),
        });
        reviews += reviewCount;
      }
    }
    return { seeded: true, listeners: LISTENER_COUNT, reviews };
  }, { timeout: 60_000 });
}
