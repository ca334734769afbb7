// 审计日志: every staff action (case view, export, status change, knowledge changes), for the "*" key only.
(() => {
  const { el, cell, time, json, show } = Desk;
  const actionNames = {
    'case.view': '查看案件', 'case.export': '导出案件', 'case.status': '变更状态', 'knowledge.upload': '上传知识文件',
    'knowledge.attach': '关联群众提问', 'knowledge.matter': '新建/编辑事项', 'rating.follow-up': '差评回访', 'stats.export': '导出统计',
  };
  const statusNames = { submitted: '待受理', claimed: '已认领', 'in-progress': '办理中', closed: '已办结', referred: '已转交' };

  let from, to, worker, rows;

  // "claimed→closed" becomes "已认领→已办结"; other details show as recorded.
  const detail = (action, text) => action === 'case.status' && text
    ? text.split('→').map(s => statusNames[s] || s).join('→')
    : action === 'case.export' && text ? `${text} 件` : text;

  function build(section) {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    from = el('input', { type: 'date', id: 'audit-from', value: today });
    to = el('input', { type: 'date', id: 'audit-to', value: today });
    worker = el('input', { type: 'search', id: 'audit-worker', placeholder: '工作人员（可选）' });
    const search = el('button', { type: 'button', id: 'audit-search' }, '查询');
    search.addEventListener('click', () => list().then(() => show(null)).catch(show));
    rows = el('tbody', { id: 'audit-rows' });
    section.append(
      el('div', { className: 'toolbar audit-toolbar' }, el('label', {}, '从 ', from), el('label', {}, '到 ', to), worker, search),
      el('div', { className: 'scroll' }, el('table', { className: 'audit' },
        el('thead', {}, el('tr', {}, ...['时间', '工作人员', '机构', '操作', '对象', '说明'].map(h => el('th', {}, h)))), rows)));
  }

  async function list() {
    const q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    if (worker.value.trim()) q.set('worker', worker.value.trim());
    const entries = await json('/audit?' + q);
    rows.replaceChildren(...entries.map(e => el('tr', {}, cell(time(e.at)), cell(e.worker), cell(e.officeName),
      cell(actionNames[e.action] || e.action), cell(e.target), cell(detail(e.action, e.detail)))));
    if (entries.length === 0) rows.append(el('tr', {}, el('td', { colSpan: 6, className: 'empty' }, '所选期间没有记录')));
  }

  Desk.page('audit', '审计日志', async s => { if (!rows) build(s); await list(); }, { visible: me => me.allOffices });
})();
