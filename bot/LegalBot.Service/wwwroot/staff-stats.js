// 统计: a month's or a year's figures (consultations, cases, satisfaction) with ECharts charts, and the XLSX export.
(() => {
  const { el, json, show } = Desk;
  const routeNames = {
    consult: '法律咨询', 'legal-aid': '法律援助', mediation: '人民调解', notary: '公证', reconsideration: '行政复议', petition: '信访',
    emergency: '紧急求助', greeting: '问候', 'out-of-scope': '其他', publicity: '普法',
  };
  const channelNames = { webchat: '网页', wechat: '微信公众号', wecom: '企业微信', emulator: '调试' };
  const statusNames = { submitted: '待受理', claimed: '已认领', 'in-progress': '办理中', closed: '已办结', referred: '已转交' };
  const levelNames = { 'very-satisfied': '非常满意', satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意', 'very-dissatisfied': '非常不满意' };

  let kind, month, year, cards, matters, towns, charts = {};

  const beijingMonth = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7);
  const query = () => kind.value === 'year' ? 'year=' + year.value : 'month=' + month.value;
  const rate = v => v == null ? '暂无' : `${v}%`;
  const num = (v, unit) => v == null ? '暂无' : `${v} ${unit}`;

  function build(section) {
    kind = el('select', { id: 'stats-kind' }, el('option', { value: 'month' }, '按月'), el('option', { value: 'year' }, '按年'));
    month = el('input', { type: 'month', id: 'stats-month', value: beijingMonth() });
    year = el('input', { type: 'number', id: 'stats-year', min: 2000, max: 9999, value: beijingMonth().slice(0, 4), hidden: true });
    kind.addEventListener('change', () => { month.hidden = kind.value === 'year'; year.hidden = !month.hidden; load().catch(show); });
    const refresh = el('button', { type: 'button', id: 'stats-refresh' }, '查询');
    refresh.addEventListener('click', () => load().then(() => show(null)).catch(show));
    const xlsx = el('button', { type: 'button', id: 'stats-export' }, '导出 XLSX');
    xlsx.addEventListener('click', () => Desk.download('/stats.xlsx?' + query(), `统计-${kind.value === 'year' ? year.value : month.value}.xlsx`).catch(show));
    cards = el('div', { className: 'stats-cards', id: 'stats-cards' });
    const chart = id => el('div', { className: 'stats-chart', id });
    matters = el('tbody', { id: 'stats-matters' });
    towns = el('tbody', { id: 'stats-towns' });
    section.append(
      el('div', { className: 'toolbar' }, kind, month, year, refresh, xlsx),
      cards,
      el('h3', {}, '每日咨询人次'), chart('chart-days'),
      el('h3', {}, '咨询渠道'), chart('chart-channels'),
      el('h3', {}, '咨询事项类型'), chart('chart-routes'),
      el('h3', {}, '案件状态'), chart('chart-cases'),
      el('h3', {}, '满意度分布'), chart('chart-ratings'),
      el('h3', {}, '答复依据（前 10 项）'),
      el('div', { className: 'scroll' }, el('table', { className: 'stats-table' }, el('thead', {}, el('tr', {}, el('th', {}, '知识文件'), el('th', {}, '次数'))), matters)),
      el('h3', {}, '按乡镇'),
      el('div', { className: 'scroll' }, el('table', { className: 'stats-table' },
        el('thead', {}, el('tr', {}, el('th', {}, '乡镇'), el('th', {}, '咨询人次'), el('th', {}, '受理案件'))), towns)));
    for (const id of ['chart-days', 'chart-channels', 'chart-routes', 'chart-cases', 'chart-ratings']) charts[id] = echarts.init(section.querySelector('#' + id), null, { renderer: 'canvas' });
    window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));
  }

  function card(label, value) { return el('div', { className: 'stats-card' }, el('span', {}, label), el('strong', {}, String(value))); }

  async function load() {
    const s = await json('/stats?' + query());
    const c = s.consultationFigures, k = s.cases;
    cards.replaceChildren(
      card('咨询人次', s.consultations), card('未能解答率', rate(c.unansweredRate)), card('追问澄清率', rate(c.clarifiedRate)),
      card('“没帮助”占比', c.feedback ? rate(c.notHelpfulRate) : '暂无'),
      card('法律援助 受理/办结', `${k.legalAid.received} / ${k.legalAid.closed}`), card('人民调解 受理/办结', `${k.mediation.received} / ${k.mediation.closed}`),
      card('调成率', rate(k.mediationOutcomes.successRate)),
      card('满意率', rate(s.satisfaction.rate)), card('平均认领时长', num(k.hoursToClaim, '小时')), card('平均办理时长', num(k.daysToClose, '天')));
    const days = s.period.label.length === 4 ? c.byMonth : c.byDay;
    charts['chart-days'].setOption({
      grid: { left: 40, right: 16, top: 16, bottom: 40 }, tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: days.map(d => d.key.slice(5)) }, yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: '咨询人次', data: days.map(d => d.count), itemStyle: { color: '#0b5394' } }],
    }, true);
    const pie = (id, tallies, names) => charts[id].setOption({
      tooltip: { trigger: 'item' }, legend: { bottom: 0, type: 'scroll' },
      series: [{ type: 'pie', radius: ['35%', '65%'], center: ['50%', '42%'], data: tallies.map(t => ({ name: names[t.key] || t.key, value: t.count })) }],
    }, true);
    pie('chart-channels', c.byChannel, channelNames);
    pie('chart-routes', c.byRoute, routeNames);
    pie('chart-ratings', s.satisfaction.levels.filter(l => l.count > 0), levelNames);
    charts['chart-cases'].setOption({
      grid: { left: 60, right: 16, top: 16, bottom: 30 }, tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', minInterval: 1 }, yAxis: { type: 'category', data: k.byStatus.map(t => statusNames[t.key] || t.key) },
      series: [{ type: 'bar', name: '案件', data: k.byStatus.map(t => t.count), itemStyle: { color: '#3d8b40' } }],
    }, true);
    matters.replaceChildren(...c.byMatter.slice(0, 10).map(t => el('tr', {}, el('td', {}, t.key), el('td', {}, String(t.count)))));
    if (c.byMatter.length === 0) matters.append(el('tr', {}, el('td', { colSpan: 2, className: 'empty' }, '本期暂无')));
    // Consultations name a town only when the citizen gave one; cases take it from the intake's area ("" = 未知乡镇).
    const byTown = new Map();
    for (const t of c.byTown) byTown.set(t.key, [t.count, 0]);
    for (const t of k.byTown) byTown.set(t.key, [(byTown.get(t.key) || [0])[0], t.count]);
    towns.replaceChildren(...[...byTown].map(([town, [asked, filed]]) =>
      el('tr', {}, el('td', {}, town || '未知乡镇'), el('td', {}, String(asked)), el('td', {}, String(filed)))));
    if (byTown.size === 0) towns.append(el('tr', {}, el('td', { colSpan: 3, className: 'empty' }, '本期暂无')));
  }

  Desk.page('stats', '统计', async s => { if (!cards) build(s); await load(); Object.values(charts).forEach(c => c.resize()); });
})();
