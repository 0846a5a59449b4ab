import { describe, expect, it } from 'vitest';
import { maximumHtmlDepth, parseHtml } from '../../src/knowledge/parse-html.js';

const page = `<!doctype html>
<html><head><title>信用卡年费说明 - 示例银行</title>
<script>window.tracking = "不应出现";</script><style>.nav { color: red }</style></head>
<body>
<header><a href="/">首页</a> <a href="/login">登录网银</a></header>
<nav><ul><li><a href="/cards">信用卡</a></li><li><a href="/loans">贷款</a></li></ul></nav>
<main>
  <article>
    <h1>信用卡年费说明</h1>
    <p>金卡首年免年费，次年起
       刷卡满6次免次年年费。</p>
    <h2>费用表</h2>
    <table>
      <thead><tr><th>卡种</th><th>年费</th></tr></thead>
      <tbody><tr><td>金卡</td><td>200元</td></tr><tr><td>白金卡</td><td>2000元</td></tr></tbody>
    </table>
    <h3>Waivers</h3>
    <ul><li>Spend <b>six</b> times a year<ul><li>online purchases count</li></ul></li><li>Or redeem points</li></ul>
    <pre>CODE  keeps
spacing</pre>
  </article>
</main>
<aside>相关推荐：理财产品</aside>
<footer>版权所有 © 示例银行 <script>alert(1)</script></footer>
</body></html>`;

describe('parseHtml', () => {
  const parsed = parseHtml(page);

  it('takes the title from <title>', () => {
    expect(parsed.metadata.title).toBe('信用卡年费说明 - 示例银行');
  });

  it('keeps only the main text: no nav, header, aside, footer, script or style', () => {
    for (const noise of ['首页', '登录网银', '贷款', '相关推荐', '版权所有', 'tracking', 'color: red', 'alert']) {
      expect(parsed.text).not.toContain(noise);
    }
  });

  it('keeps heading levels, paragraphs, list items, table rows and code', () => {
    expect(parsed.blocks).toEqual([
      { type: 'heading', text: '信用卡年费说明', level: 1 },
      { type: 'paragraph', text: '金卡首年免年费，次年起刷卡满6次免次年年费。' },
      { type: 'heading', text: '费用表', level: 2 },
      { type: 'table-row', text: '金卡 | 200元', tableHeader: '卡种 | 年费' },
      { type: 'table-row', text: '白金卡 | 2000元', tableHeader: '卡种 | 年费' },
      { type: 'heading', text: 'Waivers', level: 3 },
      { type: 'list-item', text: 'Spend six times a year' },
      { type: 'list-item', text: 'online purchases count' },
      { type: 'list-item', text: 'Or redeem points' },
      { type: 'code', text: 'CODE  keeps\nspacing' },
    ]);
  });

  it('falls back to the h1 for the title and reads a page without semantic tags', () => {
    const { metadata, blocks } = parseHtml('<html><body><div><h1>Late fees</h1>Loose text <em>inside</em> a div.<p>A paragraph.</p></div></body></html>');
    expect(metadata.title).toBe('Late fees');
    expect(blocks.map((block) => block.text)).toEqual(['Late fees', 'Loose text inside a div.', 'A paragraph.']);
  });

  it('uses the first row of <th> cells as the header when there is no <thead>', () => {
    const { blocks } = parseHtml('<table><tr><th>Card</th><th>Fee</th></tr><tr><td>Gold</td><td>200</td></tr></table>');
    expect(blocks).toEqual([{ type: 'table-row', text: 'Gold | 200', tableHeader: 'Card | Fee' }]);
  });

  it('lets Readability drop menus, sidebars and comments that are plain divs', () => {
    const paragraph = '信用卡分期手续费按期收取，每期费率0.6%，提前还款不退已收手续费。'.repeat(4);
    const { blocks } = parseHtml(`<html><body><div class="menu-bar"><a href="/">首页</a> | <a href="/x">个人业务</a></div>
      <div id="content"><h1>分期付款</h1><p>${paragraph}</p><p>${paragraph}</p><p>办理渠道：手机银行、客服热线。</p></div>
      <div class="sidebar"><h3>热门推荐</h3><p>理财产品限时优惠，点击了解。</p></div>
      <div class="comments"><p>用户评论：很好用！</p></div></body></html>`);
    expect(blocks.map((block) => block.text)).toEqual(['分期付款', paragraph, paragraph, '办理渠道：手机银行、客服热线。']);
  });

  it('throws empty_document for a page with no main text', () => {
    expect(() => parseHtml('<html><head><title>x</title></head><body><nav>menu</nav><script>1</script></body></html>')).toThrow(
      expect.objectContaining({ code: 'empty_document' }),
    );
  });

  it('refuses nesting deeper than maximumHtmlDepth before extraction (it slows down faster than linearly), accepts real depths', () => {
    const nested = (depth: number) => '<div>'.repeat(depth) + '年费每年200元。' + '</div>'.repeat(depth);
    expect(() => parseHtml(nested(5_000))).toThrow(expect.objectContaining({ code: 'too_deep' }));
    expect(() => parseHtml(nested(maximumHtmlDepth + 1))).toThrow(expect.objectContaining({ code: 'too_deep' }));
    expect(parseHtml(nested(40)).text).toContain('年费每年200元');
  });

  it('does not take unclosed paragraphs and list items of a long page for nesting', () => {
    const page = `<html><body><main>${'<p>年费每年200元。<ul><li>金卡<li>普卡</ul>'.repeat(3_000)}</main></body></html>`;
    expect(parseHtml(page).blocks.length).toBeGreaterThan(1_000);
  });
});
