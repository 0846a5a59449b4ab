import { createHash } from 'node:crypto';
import type { EvalReport } from '../eval-report.js';

/**
 * JSON that is safe inside a <script> element: no `<`, `>`, `&` or line separators survive as such, so suite or
 * model text such as `</script><script>...` stays data.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);
}

const styles = `
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#14365d;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}header .meta{opacity:.85;font-size:12px}
main{padding:16px 24px;max-width:1200px;margin:auto}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}.pass{background:#dff3e4;color:#17612c}.fail{background:#fbe0e0;color:#8a1c1c}
.error{background:#fde9cc;color:#7a4a00}.flaky{background:#e9e1fb;color:#4b2a8a}.skipped{background:#eceef2;color:#555}
.case{border:1px solid #dde1e7;border-radius:6px;margin:8px 0;background:#fff}.case>summary{cursor:pointer;padding:8px 12px;list-style:none;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.case.regression{border:2px solid #c62828}.case .body{padding:0 12px 12px}.turn{margin:2px 0;white-space:pre-wrap}.speaker{font-weight:600;margin-right:6px}
.answer{background:#f0f5fb;border-left:3px solid #14365d;padding:6px 10px;white-space:pre-wrap;margin:4px 0}.passage{background:#fafafa;border-left:3px solid #9aa5b5;padding:4px 10px;font-size:12px;white-space:pre-wrap;margin:4px 0 4px 16px}
.controls{display:flex;gap:12px;flex-wrap:wrap;align-items:center}select,input{font:inherit;padding:2px 6px}.muted{color:#667085;font-size:12px}.bar{height:8px;background:#fbe0e0;border-radius:4px;min-width:80px}.bar>span{display:block;height:8px;background:#3a9b57;border-radius:4px}
.tag{font-size:11px;background:#eef1f6;border-radius:3px;padding:0 4px;margin-right:4px}.critical{color:#8a1c1c;font-weight:600}
`;

/** The browser side: renders the embedded report with textContent only (never innerHTML), so all content is inert. */
const script = `
(function(){
var report=JSON.parse(document.getElementById('report-data').textContent);
var L={
zh:{title:'评测报告',suite:'评测集',status:'状态',cases:'用例',passed:'通过',failed:'未通过',errors:'错误',flaky:'不稳定',passRate:'通过率',rules:'各规则通过率',rule:'规则',checks:'检查数',all:'全部',filterStatus:'状态',filterRule:'规则',filterTag:'标签',search:'搜索',regressions:'回归（原通过现未通过）',fixes:'修复',newCases:'新增用例',removedCases:'移除用例',baseline:'对比基线',conversation:'对话',utterance:'话语',query:'检索问题',answer:'系统回答',passages:'引用段落',checkName:'检查项',verdict:'结论',reason:'原因',findings:'合规发现',retrieved:'检索结果',summary:'小结字段',regression:'回归',customer:'客户',agent:'坐席',none:'无',attempts:'各次结果',language:'界面语言',provider:'模型',shown:'显示',error:'错误',critical:'关键'},
en:{title:'Eval report',suite:'Suite',status:'Status',cases:'Cases',passed:'Passed',failed:'Failed',errors:'Errors',flaky:'Flaky',passRate:'Pass rate',rules:'Pass rate per rule',rule:'Rule',checks:'Checks',all:'All',filterStatus:'Status',filterRule:'Rule',filterTag:'Tag',search:'Search',regressions:'Regressions (passed before, not now)',fixes:'Fixes',newCases:'New cases',removedCases:'Removed cases',baseline:'Baseline',conversation:'Conversation',utterance:'Utterance',query:'Query',answer:'Answer',passages:'Cited passages',checkName:'Check',verdict:'Verdict',reason:'Reason',findings:'Compliance findings',retrieved:'Retrieved',summary:'Summary fields',regression:'Regression',customer:'Customer',agent:'Agent',none:'none',attempts:'Attempts',language:'Language',provider:'Model',shown:'shown',error:'Error',critical:'critical'}};
var lang=(navigator.language||'').indexOf('zh')===0?'zh':'en';
var state={status:'',rule:'',tag:'',text:''};
var regressed={};(report.comparison?report.comparison.regressions:[]).forEach(function(r){regressed[r.id]=r;});
function t(k){return L[lang][k]||k;}
function valueOf(s){if(typeof s.value==='string')return s.value;var o=s.querySelector('option[selected]');return o?o.getAttribute('value'):'';}
function choose(s,v){Array.prototype.forEach.call(s.options||s.querySelectorAll('option'),function(o){if(o.getAttribute('value')===v)o.setAttribute('selected','');else o.removeAttribute('selected');});}
function el(tag,attrs,children){var n=document.createElement(tag);if(attrs){for(var k in attrs){if(k==='text')n.textContent=attrs[k];else if(k==='cls')n.className=attrs[k];else n.setAttribute(k,attrs[k]);}}(children||[]).forEach(function(c){if(c!==null&&c!==undefined)n.appendChild(typeof c==='string'?document.createTextNode(c):c);});return n;}
function badge(s){return el('span',{cls:'badge '+s,text:t(s==='pass'?'passed':s==='fail'?'failed':s==='error'?'error':s==='flaky'?'flaky':s)});}
function pct(v){return v===null||v===undefined?'-':(v*100).toFixed(1)+'%';}
function table(head,rows){var tb=el('tbody');rows.forEach(function(r){tb.appendChild(el('tr',null,r.map(function(c){return el('td',null,[c]);})));});return el('table',null,[el('thead',null,[el('tr',null,head.map(function(h){return el('th',{text:h});}))]),tb]);}
function render(){
document.documentElement.lang=lang==='zh'?'zh-CN':'en';
var root=document.getElementById('app');root.textContent='';
var tot=report.totals||{cases:report.cases.length,passed:0,failed:0,errors:0,flaky:0,passRate:null};
root.appendChild(el('header',null,[el('h1',{text:t('title')+' - '+report.suite.name}),el('div',{cls:'meta',text:t('suite')+' '+report.suite.name+' @ '+report.suite.version+' | '+t('status')+': '+report.status+' | '+t('provider')+': '+(report.provider||'-')+' / '+(report.model||'-')+' | rules '+(report.rulesVersion||'-')+' | commit '+(report.gitCommit||'-').slice(0,12)+' | run '+report.runId})]));
var main=el('main');root.appendChild(main);
var langSel=el('select',{'aria-label':t('language')},[el('option',{value:'zh',text:'中文'}),el('option',{value:'en',text:'English'})]);choose(langSel,lang);langSel.onchange=function(){var v=valueOf(langSel);if(L[v])lang=v;render();};
main.appendChild(el('section',null,[el('div',{cls:'controls'},[el('strong',{text:t('cases')+': '+tot.cases}),badge('pass'),String(tot.passed),badge('fail'),String(tot.failed),badge('error'),String(tot.errors),badge('flaky'),String(tot.flaky),el('span',{text:t('passRate')+': '+pct(tot.passRate)}),el('span',{cls:'muted',text:t('language')}),langSel])]));
var rs=el('section',null,[el('h2',{text:t('rules')})]);
if(report.rules.length===0)rs.appendChild(el('div',{cls:'muted',text:t('none')}));
else rs.appendChild(table([t('rule'),t('checks'),t('passed'),t('passRate'),''],report.rules.map(function(r){var bar=el('div',{cls:'bar'},[el('span',{style:'width:'+Math.round(r.passRate*100)+'%'})]);return [r.ruleId,String(r.checks),String(r.passed),pct(r.passRate),bar];})));
main.appendChild(rs);
var c=report.comparison;
if(c){var cs=el('section',null,[el('h2',{text:t('baseline')+': '+(c.baseline.runId||c.baseline.source)})]);
cs.appendChild(el('div',{text:t('regressions')+': '+c.regressions.length+' | '+t('fixes')+': '+c.fixes.length+' | '+t('newCases')+': '+c.newCases.length+' | '+t('removedCases')+': '+c.removedCases.length}));
if(c.regressions.length)cs.appendChild(table([t('regression'),t('status'),t('reason')],c.regressions.map(function(r){return [r.id,r.before+' -> '+r.after,r.reasons.join('; ')];})));
var moved=c.ruleDeltas.filter(function(d){return d.delta!==0;});
if(moved.length)cs.appendChild(table([t('rule'),'before','after','delta'],moved.map(function(d){return [d.ruleId,pct(d.before),pct(d.after),d.delta===null?'-':(d.delta*100).toFixed(1)+' pt'];})));
main.appendChild(cs);}
var statuses=['','pass','fail','error','flaky'];var rules=[''].concat(report.rules.map(function(r){return r.ruleId;}));
var tags=[''];report.cases.forEach(function(k){k.tags.forEach(function(g){if(tags.indexOf(g)<0)tags.push(g);});});
function sel(key,values,label){var s=el('select',{'aria-label':label},values.map(function(v){return el('option',{value:v,text:v===''?t('all'):v});}));choose(s,state[key]);s.onchange=function(){state[key]=valueOf(s);renderCases();};return el('label',null,[label+' ',s]);}
var search=el('input',{type:'search',placeholder:t('search'),value:state.text});search.oninput=function(){state.text=search.value;renderCases();};
main.appendChild(el('section',null,[el('div',{cls:'controls'},[sel('status',statuses,t('filterStatus')),sel('rule',rules,t('filterRule')),sel('tag',tags,t('filterTag')),search])]));
var list=el('div');main.appendChild(list);
function renderCases(){list.textContent='';var shown=0;
report.cases.forEach(function(k){
if(state.status&&k.status!==state.status)return;
if(state.rule&&!k.checks.some(function(ch){return ch.ruleId===state.rule;}))return;
if(state.tag&&k.tags.indexOf(state.tag)<0)return;
if(state.text&&JSON.stringify(k).toLowerCase().indexOf(state.text.toLowerCase())<0)return;
shown++;list.appendChild(renderCase(k));});
list.insertBefore(el('div',{cls:'muted',text:t('shown')+': '+shown+' / '+report.cases.length}),list.firstChild);}
renderCases();}
function turns(ts){return el('div',null,(ts||[]).map(function(u){return el('div',{cls:'turn'},[el('span',{cls:'speaker',text:t(u.speaker)+':'}),u.text]);}));}
function renderCase(k){
var reg=regressed[k.id];
var d=el('details',{cls:'case'+(reg?' regression':'')});if(k.status!=='pass')d.open=true;
d.appendChild(el('summary',null,[badge(k.status),reg?el('span',{cls:'badge fail',text:t('regression')}):null,el('strong',{text:k.id}),el('span',{cls:'muted',text:k.kind+' · '+k.language+' · score '+k.score+' / '+k.threshold}),el('span',null,k.tags.map(function(g){return el('span',{cls:'tag',text:g});})),k.description?el('span',{text:k.description}):null]));
var b=el('div',{cls:'body'});d.appendChild(b);var i=k.input||{},o=k.output||{};
if(k.kind==='suggestion'||k.kind==='summary'){b.appendChild(el('h2',{text:t('conversation')}));b.appendChild(turns(i.turns));}
if(k.kind==='compliance'){if(i.context&&i.context.length){b.appendChild(el('h2',{text:t('conversation')}));b.appendChild(turns(i.context));}b.appendChild(el('h2',{text:t('utterance')}));b.appendChild(el('div',{cls:'answer',text:i.text||''}));}
if(k.kind==='retrieval'){b.appendChild(el('h2',{text:t('query')}));b.appendChild(el('div',{cls:'answer',text:i.query||''}));}
if(o.suggestions){b.appendChild(el('h2',{text:t('answer')}));o.suggestions.forEach(function(s,n){b.appendChild(el('div',{cls:'answer',text:(n+1)+'. '+s.text}));
if(s.citations&&s.citations.length){b.appendChild(el('div',{cls:'muted',text:t('passages')}));s.citations.forEach(function(p){b.appendChild(el('div',{cls:'passage',text:'['+(p.externalId||p.chunkId)+' v'+p.version+'] '+p.title+(p.heading?' > '+p.heading:'')+'\\n'+(p.passage||'')}));});}});}
if(o.findings&&o.findings.length){b.appendChild(el('h2',{text:t('findings')}));b.appendChild(table([t('rule'),'severity','evidence'],o.findings.map(function(f){return [f.ruleId,f.severity,f.evidence||''];})));}
if(o.results){b.appendChild(el('h2',{text:t('retrieved')}));b.appendChild(table(['#','externalId','title','score'],o.results.map(function(r,n){return [String(n+1),r.externalId,r.title+(r.heading?' > '+r.heading:''),String(r.score)];})));}
if(k.kind==='summary'&&k.output){b.appendChild(el('h2',{text:t('summary')}));b.appendChild(table(['field','value'],['reason','customerIntent','resolution','complaint','followUps','productsDiscussed','dispositionCode'].map(function(f){var v=o[f];return [f,typeof v==='string'?v:JSON.stringify(v)];})));}
if(k.error)b.appendChild(el('div',{cls:'badge error',text:t('error')+': '+k.error}));
if(k.attempts&&k.attempts.length>1)b.appendChild(el('div',{cls:'muted',text:t('attempts')+': '+k.attempts.map(function(a){return a.status;}).join(', ')}));
b.appendChild(el('h2',{text:t('checks')}));
b.appendChild(table([t('checkName'),t('verdict'),t('reason')],k.checks.map(function(ch){return [el('span',{cls:ch.critical?'critical':'',text:ch.name+(ch.critical?' ('+t('critical')+')':'')}),badge(ch.status),ch.reason];})));
return d;}
render();
})();
`;

/**
 * The CSP source that lets the report's one inline script run under the service's own Content-Security-Policy
 * (script-src 'self'): a browser enforces the header and the report's meta policy together, and the web console's
 * sandboxed srcdoc frame inherits the console's policy. A hash allows this script only, not inline scripts at large.
 */
export const reportScriptSource = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

/** One self-contained HTML file: inline CSS and script, no network (the CSP forbids it), zh/en labels. */
export function renderHtmlReport(report: EvalReport): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Eval ${report.suite.name} ${report.status}`)}</title>
<style>${styles}</style>
</head>
<body>
<noscript>${escapeHtml(`${report.suite.name}: ${report.status} — ${report.totals?.passed ?? 0}/${report.totals?.cases ?? report.cases.length} passed. JavaScript is needed for the full report; the JSON report has the same content.`)}</noscript>
<div id="app"></div>
<script type="application/json" id="report-data">${scriptSafeJson(report)}</script>
<script>${script}</script>
</body>
</html>
`;
}
