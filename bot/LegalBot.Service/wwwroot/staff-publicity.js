// 普法: the month's publicity figures by town and campaign, and by town the most-asked matters with the lessons
// that cover them (精准普法: a matter without a lesson is where to write one).
(() => {
  const { el, json, show } = Desk;
  let section, month, body;

  const table = (headers, rows) => el('div', { className: 'scroll' },
    el('table', {}, el('thead', {}, el('tr', {}, ...headers.map(h => el('th', {}, h)))),
      el('tbody', {}, ...(rows.length ? rows : [el('tr', {}, el('td', { colSpan: headers.length, className: 'empty' }, '本期暂无数据'))]))));
  const figureRow = (name, f) => el('tr', {}, el('td', {}, name), el('td', {}, f.lessonsRead), el('td', {}, f.quizzesTaken),
    el('td', {}, f.participants), el('td', {}, f.quizzesTaken ? f.averageScore.toFixed(1) : '—'));
  const figureHeaders = ['', '学习课程（次）', '答题（次）', '参与人数', '平均分'];

  function build(s) {
    section = s;
    const now = new Date(Date.now() + 8 * 3600 * 1000); // Beijing month
    month = el('input', { type: 'month', id: 'publicity-month', value: now.toISOString().slice(0, 7) });
    month.addEventListener('change', () => load().catch(show));
    body = el('div', { id: 'publicity-report' });
    section.append(el('div', { className: 'toolbar' }, el('label', {}, '月份 ', month)), body);
  }

  async function load() {
    const data = await json('/publicity?month=' + encodeURIComponent(month.value));
    const r = data.report;
    const f = r.figures;
    const summary = el('p', { className: 'summary' },
      `${data.period}：学习课程 ${f.lessonsRead} 次，答题 ${f.quizzesTaken} 次，参与 ${f.participants} 人，平均分 ${f.quizzesTaken ? f.averageScore.toFixed(1) : '—'}`);
    const byTown = table(figureHeaders, f.byTown.map(t => figureRow(t.key || '未填乡镇', t)));
    const byCampaign = table(figureHeaders, r.campaigns.map(c => figureRow(c.title || '日常普法（非活动）', c.figures)));
    const demand = r.towns.map(t => el('section', { className: 'town-demand' },
      el('h3', {}, `${t.town || '未知乡镇'}（咨询 ${t.asked} 次）`),
      table(['常问事项', '次数', '普法课'], t.matters.map(m => el('tr', { className: m.covered ? '' : 'uncovered' },
        el('td', {}, m.title), el('td', {}, m.asked),
        el('td', {}, m.covered ? m.lessons.map(l => l.title).join('、') : '暂无课程，建议补充'))))));
    body.replaceChildren(summary, el('h2', {}, '按乡镇'), byTown, el('h2', {}, '按活动'), byCampaign,
      el('h2', {}, '精准普法：各乡镇常问事项与课程覆盖'), ...(demand.length ? demand : [el('p', { className: 'empty' }, '本月暂无事项咨询记录')]));
  }

  Desk.page('publicity', '普法', async s => { if (!section) build(s); await load(); });
})();
