// 案件: lists the office's cases, shows one in full, claims and updates it, exports CSV.
(() => {
  const { el, cell, time, api, json, show } = Desk;
  const statusNames = { submitted: '待受理', claimed: '已认领', 'in-progress': '办理中', closed: '已办结', referred: '已转交' };
  const next = { submitted: ['claimed', 'referred'], claimed: ['in-progress', 'closed', 'referred'], 'in-progress': ['closed', 'referred'] };
  const kindNames = { 'legal-aid': '法律援助', mediation: '人民调解' };
  const outcomeNames = { succeeded: '调解成功', failed: '调解不成功', terminated: '终止调解' };

  let section, status, rows, detail;

  function build(s) {
    section = s;
    status = el('select', { id: 'status' }, el('option', { value: '' }, '全部'),
      ...Object.entries(statusNames).map(([v, n]) => el('option', { value: v, selected: v === 'submitted' }, n)));
    status.addEventListener('change', () => list().catch(show));
    const refresh = el('button', { type: 'button', id: 'refresh' }, '刷新');
    refresh.addEventListener('click', () => list().catch(show));
    const exportCsv = el('button', { type: 'button', id: 'export' }, '导出 CSV');
    exportCsv.addEventListener('click', () => Desk.download('/cases.csv' + (status.value ? '?status=' + status.value : ''), 'cases.csv').catch(show));
    rows = el('tbody', { id: 'cases' });
    detail = el('section', { id: 'detail', hidden: true });
    section.append(
      el('div', { className: 'toolbar' }, el('label', {}, '状态 ', status), refresh, exportCsv),
      el('div', { className: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, ...['编号', '类型', '状态', '地区', '申请人', '提交时间'].map(h => el('th', {}, h)))), rows)),
      detail);
  }

  async function list() {
    const cases = await json('/cases' + (status.value ? '?status=' + status.value : ''));
    rows.replaceChildren(...cases.map(c => {
      const tr = el('tr', {}, cell(c.reference), cell(kindNames[c.kind]), cell(statusNames[c.status]), cell(c.area), cell(`${c.applicant} ${c.mobile}`), cell(time(c.createdAt)));
      tr.addEventListener('click', () => view(c.reference).catch(show));
      return tr;
    }));
    if (cases.length === 0) rows.append(el('tr', {}, el('td', { colSpan: 6, className: 'empty' }, '暂无案件')));
  }

  async function view(reference) {
    const c = await json('/cases/' + encodeURIComponent(reference));
    const s = c.summary;
    const dl = el('dl');
    const fields = [['编号', s.reference], ['类型', kindNames[s.kind]], ['状态', statusNames[s.status]], ['受理机构', s.officeName], ['地区', s.area],
      ['姓名', c.name], ['手机', c.mobile], ['情况说明', c.description], ...Object.entries(s.details), ['经办人', s.assignedTo], ['同意时间', time(c.consentAt)],
      ...(s.outcome ? [['调解结果', outcomeNames[s.outcome]]] : [])];
    for (const [k, v] of fields) dl.append(el('dt', {}, k), el('dd', {}, v ?? ''));
    // 好差评: the citizen's rating once given, with the comment and the office's follow-up.
    const r = c.rating;
    if (r && r.level) dl.append(el('dt', {}, '群众评价'), el('dd', { id: 'rating' }, r.levelName + (r.comment ? '：' + r.comment : '')
      + (r.followUpName ? `（${r.followUpName}）` : '')));
    else if (r) dl.append(el('dt', {}, '群众评价'), el('dd', { id: 'rating' }, '已邀请评价，尚未评价'));
    const history = el('ol', {}, ...c.history.map(h => el('li', {}, `${time(h.at)} ${h.actor}：${statusNames[h.to]}${h.note ? '（' + h.note + '）' : ''}`)));
    const note = el('textarea', { placeholder: '备注（可选）' });
    // A mediation case is closed with its outcome (调成率); the server refuses a close without one.
    const canClose = (next[s.status] || []).includes('closed');
    const outcome = s.kind === 'mediation' && canClose
      ? el('select', { id: 'outcome' }, el('option', { value: '' }, '请选择调解结果（办结时必选）'),
        ...Object.entries(outcomeNames).map(([v, n]) => el('option', { value: v }, n)))
      : null;
    const buttons = (next[s.status] || []).map(target => {
      const b = el('button', { type: 'button' }, '改为：' + statusNames[target]);
      b.addEventListener('click', async () => {
        try {
          await api(`/cases/${encodeURIComponent(reference)}/status`, { method: 'POST', body: JSON.stringify({ status: target, note: note.value, outcome: target === 'closed' && outcome ? outcome.value : undefined }) });
          await view(reference); await list(); show(null);
        } catch (e) { show(e); }
      });
      return b;
    });
    detail.replaceChildren(el('h2', {}, '案件详情'), dl, el('h3', {}, '办理记录'), history, note, ...(outcome ? [el('label', {}, '调解结果 ', outcome)] : []), ...buttons);
    detail.hidden = false;
  }

  Desk.page('cases', '案件', async s => { if (!section) build(s); await list(); });
})();
