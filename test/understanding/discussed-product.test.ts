import { describe, expect, it } from 'vitest';
import { discussedProduct, latestExchange, productNamedIn, productNotOffered, riskRatedProductNamed, type KnownProduct } from '../../src/understanding/discussed-product.js';

// A made-up catalogue: three products share the bank's brand, one English sheet names its Chinese twin as an alias.
const catalogue: KnownProduct[] = [
  { name: '青松稳健180天', aliases: ['稳健180'], riskLevel: 'R2' },
  { name: '青松安居贷', aliases: ['安居贷'] },
  { name: '青松白金信用卡', aliases: ['白金卡'] },
  { name: 'Qingsong Home Loan', aliases: ['青松安居贷', 'home loan'] },
  { name: 'Qingsong Steady 180-Day', aliases: ['青松稳健180天'], riskLevel: 'R2' },
  { name: 'Qingsong Platinum Card', aliases: ['platinum card'] },
];

describe('discussedProduct: English names as said on the phone', () => {
  it('matches a hyphen said as a space, a comma at a pause, and a long name shortened to its first two words', () => {
    expect(productNamedIn('I put money in the steady 180 day one', catalogue, 'en')?.name).toBe('Qingsong Steady 180-Day');
    expect(productNamedIn('the Qingsong, Platinum Card thing', catalogue, 'en')?.name).toBe('Qingsong Platinum Card');
    const long: KnownProduct[] = [{ name: 'Qingsong Evergreen Income Ninety-Day', riskLevel: 'R2' }, ...catalogue];
    expect(productNamedIn('so I put ten grand into the evergreen income thing', long, 'en')?.name).toBe('Qingsong Evergreen Income Ninety-Day');
    expect(productNamedIn('the evergreen trees outside', long, 'en')).toBeUndefined();
    // A word of a long name heard as two ("ever green in come"); a short name split stays unnamed.
    expect(productNamedIn('my aunt swears by the ever green in come one', long, 'en')?.name).toBe('Qingsong Evergreen Income Ninety-Day');
    expect(productNamedIn('a ho me loan', catalogue, 'en')).toBeUndefined();
  });

  it('keeps a risk-rated product named in the exchange for its disclosures when a channel is named after it', () => {
    const channels: KnownProduct[] = [...catalogue, { name: 'Qingsong Mobile Banking', aliases: ['mobile app'] }];
    const turns = [{ speaker: 'customer' as const, text: 'I put ten grand into the Steady 180-Day product and now the mobile app will not let me take it out.' }];
    expect(discussedProduct(turns, channels, 'en')?.name).toBe('Qingsong Mobile Banking');
    expect(riskRatedProductNamed(turns, channels, 'en')?.name).toBe('Qingsong Steady 180-Day');
    expect(riskRatedProductNamed([{ speaker: 'customer' as const, text: 'How do I log in to the mobile app?' }], channels, 'en')).toBeUndefined();
  });

  it("does not read a Chinese sheet's Latin alias in an English call: there the app is where the customer looked", () => {
    const twins: KnownProduct[] = [...catalogue, { name: '青松手机银行', aliases: ['APP', '手机银行'] }, { name: 'Qingsong Mobile Banking', aliases: ['mobile app', '青松手机银行'] }];
    expect(productNamedIn('I saw an offer in the app to spread my bill over a year', twins, 'en')).toBeUndefined();
    expect(productNamedIn('the mobile app keeps logging me out', twins, 'en')?.name).toBe('Qingsong Mobile Banking');
    expect(productNamedIn('手机银行APP怎么登录', twins, 'zh')?.name).toBe('青松手机银行');
  });
});

describe('discussedProduct: a channel named as the means of what was done', () => {
  const withApp: KnownProduct[] = [...catalogue, { name: '青松手机银行', aliases: ['手机银行', 'App'] }, { name: 'Qingsong Mobile Banking', aliases: ['mobile banking', 'app'] }];

  it('is not the product discussed when it is only how the customer paid or the agent asks how (zh, en)', () => {
    const paid = [{ speaker: 'customer' as const, text: '上午用的你们那个手机银行付的房租，结果付错人了，能退回来吗？' }];
    expect(discussedProduct(paid, withApp, 'zh')).toBeUndefined();
    const asked = [
      { speaker: 'customer' as const, text: '我白金卡的账单分期了，想问问提前还清的事。' },
      { speaker: 'agent' as const, text: '好的，请问您是通过手机银行办的分期吗？' },
      { speaker: 'customer' as const, text: '对，提前还要不要钱？' },
    ];
    expect(discussedProduct(asked, withApp, 'zh')?.name).toBe('青松白金信用卡');
    const english = [{ speaker: 'customer' as const, text: 'I sent my rent through the app this morning to the wrong person, can it be reversed?' }];
    expect(discussedProduct(english, withApp, 'en')).toBeUndefined();
  });

  it('is the product discussed when the customer talks about the channel itself', () => {
    expect(discussedProduct([{ speaker: 'customer' as const, text: '手机银行的字太小了，能调大吗？' }], withApp, 'zh')?.name).toBe('青松手机银行');
    expect(discussedProduct([{ speaker: 'customer' as const, text: 'The app keeps logging me out, why?' }], withApp, 'en')?.name).toBe('Qingsong Mobile Banking');
  });
});

describe('discussedProduct', () => {
  it('takes the product the agent just confirmed as the topic of a follow-up that names none (zh)', () => {
    const turns = [
      { speaker: 'customer' as const, text: '我年初买了个理财，就是那个半年期的，想问问。' },
      { speaker: 'agent' as const, text: '好的，您说的是青松稳健180天对吗？' },
      { speaker: 'customer' as const, text: '对对，现在能取出来吗？要扣钱不？' },
    ];
    expect(discussedProduct(turns, catalogue, 'zh')?.name).toBe('青松稳健180天');
  });

  it('matches a name said without the brand, and answers with the entry in the conversation language (en)', () => {
    const turns = [
      { speaker: 'customer' as const, text: "We're buying a flat and I was told about the Home Loan you do." },
      { speaker: 'agent' as const, text: 'Happy to help with that.' },
      { speaker: 'customer' as const, text: 'Great, so how much would I pay each month?' },
    ];
    expect(discussedProduct(turns, catalogue, 'en')?.name).toBe('Qingsong Home Loan');
    expect(productNamedIn('我想问一下青松安居贷', catalogue, 'en')?.name).toBe('Qingsong Home Loan');
  });

  it('follows a change of topic: the product the customer names last wins', () => {
    const turns = [
      { speaker: 'customer' as const, text: '稳健180现在收益怎么样？' },
      { speaker: 'agent' as const, text: '稳健180近期运作平稳。' },
      { speaker: 'customer' as const, text: '算了，我还是问问安居贷吧，利息多少？' },
    ];
    expect(discussedProduct(turns, catalogue, 'zh')?.name).toBe('青松安居贷');
  });

  it('leaves the earlier product after a change of topic to another kind of product (zh, en)', () => {
    const loan = [
      { speaker: 'customer' as const, text: '安居贷最长能借几年？' },
      { speaker: 'agent' as const, text: '安居贷期限最长五年。' },
    ];
    expect(discussedProduct([...loan, { speaker: 'customer' as const, text: '行，贷款的事我再想想。换个事儿，信用卡在柜台取现要收手续费吗？' }], catalogue, 'zh')).toBeUndefined();
    const card = [
      { speaker: 'customer' as const, text: 'What does the Platinum Card charge each year?' },
      { speaker: 'agent' as const, text: 'The Platinum Card has a yearly fee.' },
    ];
    expect(discussedProduct([...card, { speaker: 'customer' as const, text: 'Fine. Something else: can I wire transfer money to my cousin overseas from the app?' }], catalogue, 'en')).toBeUndefined();
    // A matter raised in passing changes the topic too.
    expect(discussedProduct([...loan, { speaker: 'customer' as const, text: '嗯，贷款先这样。顺便问一下，往国外汇钱要收多少手续费？' }], catalogue, 'zh')).toBeUndefined();
    expect(discussedProduct([...card, { speaker: 'customer' as const, text: 'Okay. While I have you, what does it cost to send money abroad?' }], catalogue, 'en')).toBeUndefined();
    // A product of the base named since the change is the topic.
    expect(discussedProduct([...card, { speaker: 'customer' as const, text: 'Different question, on the home loan, can I overpay?' }], catalogue, 'en')?.name).toBe('Qingsong Home Loan');
  });

  it('keeps the earlier product after a change of topic when the new question names no other kind, or its own kind', () => {
    const loan = [
      { speaker: 'customer' as const, text: '安居贷最长能借几年？' },
      { speaker: 'agent' as const, text: '安居贷期限最长五年。' },
    ];
    expect(discussedProduct([...loan, { speaker: 'customer' as const, text: '好的。换个问题，这个贷款提前还清要另外交钱吗？' }], catalogue, 'zh')?.name).toBe('青松安居贷');
    expect(discussedProduct([...loan, { speaker: 'customer' as const, text: '好的。问个别的，提前还清要另外交钱吗？' }], catalogue, 'zh')?.name).toBe('青松安居贷');
    const card = [
      { speaker: 'customer' as const, text: 'What does the Platinum Card charge each year?' },
      { speaker: 'agent' as const, text: 'The Platinum Card has a yearly fee.' },
    ];
    expect(discussedProduct([...card, { speaker: 'customer' as const, text: 'Another question then, is the cash advance fee the same on it?' }], catalogue, 'en')?.name).toBe('Qingsong Platinum Card');
    // A risk-rated product is of the wealth kinds though its name never says so; a kind named as the yardstick is not asked about.
    const wealth = [
      { speaker: 'customer' as const, text: '稳健180现在收益怎么样？' },
      { speaker: 'agent' as const, text: '稳健180近期运作平稳。' },
    ];
    expect(discussedProduct([...wealth, { speaker: 'customer' as const, text: '嗯。换个问题，这个理财赎回要手续费吗？' }], catalogue, 'zh')?.name).toBe('青松稳健180天');
    expect(discussedProduct([...wealth, { speaker: 'customer' as const, text: '嗯。换个问题，它的收益相比定期存款怎么样？' }], catalogue, 'zh')?.name).toBe('青松稳健180天');
  });

  it('forgets a product named before the latest exchange', () => {
    const turns = [
      { speaker: 'customer' as const, text: 'I have the Platinum Card with you.' },
      { speaker: 'agent' as const, text: 'Thank you, how can I help?' },
      { speaker: 'customer' as const, text: 'Something else actually, my address changed.' },
      { speaker: 'agent' as const, text: 'I can help update it.' },
      { speaker: 'customer' as const, text: 'How long does that take?' },
    ];
    expect(discussedProduct(turns, catalogue, 'en')).toBeUndefined();
    expect(latestExchange(turns)).toHaveLength(3);
  });

  it('does not take a word inside another word for a name (Latin names at word boundaries)', () => {
    expect(productNamedIn('my homeloans are elsewhere', catalogue, 'en')).toBeUndefined();
    expect(discussedProduct([{ speaker: 'customer', text: '嗯嗯好的' }], catalogue, 'zh')).toBeUndefined();
    expect(discussedProduct([{ speaker: 'customer', text: 'anything' }], [], 'en')).toBeUndefined();
  });
});

describe('productNotOffered: a kind told by what the customer needs', () => {
  // A bank without a home loan: the catalogue above offers one.
  const withoutHomeLoans = catalogue.filter((product) => ![product.name, ...(product.aliases ?? [])].some((name) => /home loan|安居贷/iu.test(name)));
  const buying = "we're buying a little terraced house next spring and need to borrow most of it, what could you lend us?";

  it('stays quiet when the base offers the kind described', () => {
    expect(productNotOffered([{ speaker: 'customer', text: buying }], catalogue, 'en')).toBeUndefined();
  });

  it('takes buying a home with money borrowed from the bank for a mortgage, though the word is never said', () => {
    const english = productNotOffered([{ speaker: 'customer', text: buying }], withoutHomeLoans, 'en');
    expect(english?.id).toBe('product_not_offered');
    expect(english?.cue).toBe('a mortgage');
    const chinese = productNotOffered([{ speaker: 'customer', text: '我们看中了一套新房，首付准备好了，剩下的想在你们这儿贷，怎么办？' }], withoutHomeLoans, 'zh');
    expect(chinese?.cue).toBe('房贷');
  });

  it('does not take saving up for a home, or a home bought some day, for a mortgage', () => {
    expect(productNotOffered([{ speaker: 'customer', text: "I'm saving to buy a flat, which savings account pays the most?" }], withoutHomeLoans, 'en')).toBeUndefined();
    expect(productNotOffered([{ speaker: 'customer', text: '我这笔贷款逾期了，以后买房会不会受影响？' }], withoutHomeLoans, 'zh')).toBeUndefined();
  });
});

describe('productNotOffered (product-categories.yaml)', () => {
  it('says a kind of product the base holds none of is not offered, when the agent took it up (zh)', () => {
    const turns = [
      { speaker: 'customer' as const, text: '我想了解一下，你们的车贷是怎么个流程？' },
      { speaker: 'agent' as const, text: '您好，您想了解车贷的办理流程对吗？' },
      { speaker: 'customer' as const, text: '对，要是提前还清要不要违约金？' },
    ];
    const situation = productNotOffered(turns, catalogue, 'zh');
    expect(situation?.declines).toBe(true);
    expect(situation?.wording).toContain('车贷');
    expect(situation?.wording).toContain('专员');
  });

  it('says so when a question names it (en), and not when it is only told in passing', () => {
    const asked = productNotOffered([{ speaker: 'customer', text: 'Do you do a car loan, and what would it cost?' }], catalogue, 'en');
    expect(asked?.wording).toContain('car loan');
    const passing = productNotOffered(
      [{ speaker: 'customer', text: 'I am buying a car loan-free next year. Anyway, how do I change my address?' }, { speaker: 'agent', text: 'Happy to help.' }, { speaker: 'customer', text: 'Thanks, how long does it take?' }],
      catalogue,
      'en',
    );
    expect(passing).toBeUndefined();
  });

  it('knows a kind asked about in the plural', () => {
    expect(productNotOffered([{ speaker: 'customer', text: 'Do you offer car loans at all?' }], catalogue, 'en')?.cue).toBe('car loan');
    expect(productNotOffered([{ speaker: 'customer', text: 'Do you offer carloans?' }], catalogue, 'en')).toBeUndefined();
  });

  it('tells general insurance lines from the life policies a bank distributes', () => {
    const withAnnuity: KnownProduct[] = [...catalogue, { name: 'Qingsong Participating Annuity', aliases: ['青松年金险'] }];
    expect(productNotOffered([{ speaker: 'customer', text: 'Does Qingsong sell motor insurance for my van?' }], withAnnuity, 'en')?.cue).toBe('motor insurance');
    expect(productNotOffered([{ speaker: 'customer', text: '你们那个车险能在这儿买吗？' }], withAnnuity, 'zh')?.cue).toBe('车险');
    expect(productNotOffered([{ speaker: 'customer', text: '年金险每年领多少？' }], withAnnuity, 'zh')).toBeUndefined();
  });

  it('follows the latest turn to a kind it asks about, whatever product was discussed before or is named in its story', () => {
    const turned = productNotOffered(
      [
        { speaker: 'customer', text: '白金卡的年费是多少？' },
        { speaker: 'agent', text: '白金卡主卡年费一千二百元。' },
        { speaker: 'customer', text: '好的知道了。对了，我车贷也在你们行贷的，想一次还清，要不要交违约金？' },
      ],
      catalogue,
      'zh',
    );
    expect(turned?.cue).toBe('车贷');
    const storyChannel = productNotOffered([{ speaker: 'customer', text: 'Can I pay off my car loan early, is there a fee? I had a look at the platinum card page and saw nothing.' }], catalogue, 'en');
    expect(storyChannel?.cue).toBe('car loan');
  });

  it('takes a kind told right before a question that only points at it, while nothing of the base is discussed', () => {
    const told = { speaker: 'customer' as const, text: 'A friend told me banks arrange car loans for used cars now. How much would that cost me a month?' };
    expect(productNotOffered([told], catalogue, 'en')?.cue).toBe('car loan');
    const discussing = [{ speaker: 'customer' as const, text: 'I have the Qingsong Home Loan.' }, { speaker: 'agent' as const, text: 'Happy to help with the home loan.' }, told];
    expect(productNotOffered(discussing, catalogue, 'en')).toBeUndefined();
  });

  it('does not take a yardstick, an afterthought or a story for what is asked', () => {
    expect(productNotOffered([{ speaker: 'customer', text: 'So the instalment works out cheaper than my car loan, right?' }], catalogue, 'en')).toBeUndefined();
    expect(productNotOffered([{ speaker: 'customer', text: '这个分期比我的车贷还便宜吧？' }], catalogue, 'zh')).toBeUndefined();
    expect(productNotOffered([{ speaker: 'customer', text: '逾期会不会影响征信啊，我过两年还要办车贷的。' }], catalogue, 'zh')).toBeUndefined();
    expect(productNotOffered([{ speaker: 'customer', text: 'My cousin took out a car loan years ago and regretted it. How do I raise my card limit?' }], catalogue, 'en')).toBeUndefined();
  });

  it('stays quiet for a kind the base offers, or when a product of the base is being discussed', () => {
    expect(productNotOffered([{ speaker: 'customer', text: 'How much is a home loan with you?' }], catalogue, 'en')).toBeUndefined();
    expect(productNotOffered([{ speaker: 'customer', text: '安居贷和车贷比哪个利息低？' }], catalogue, 'zh')).toBeUndefined();
  });
});
