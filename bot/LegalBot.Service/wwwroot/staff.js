// Case-worker desk: lists the office's cases, shows one in full, claims and updates it. The key stays in this tab only.
(() => {
  const $ = id => document.getElementById(id);
  const statusNames = { submitted: '待受理', claimed: '已认领', 'in-progress': '办理中', closed: '已办结', referred: '已转交' };
  const next = { submitted: ['claimed', 'referred'], claimed: ['in-progress', 'closed', 'referred'], 'in-progress': ['closed', 'referred'] };
  const kindNames = { 'legal-aid': '法律援助', mediation: '人民调解' };
  let key = sessionStorage.getItem('legalbot-staff-key') || '';

  async function api(path, options = {}) {
    const response = await fetch('/api/staff' + path, { ...options, headers: { 'X-Api-Key': key, 'Content-Type': 'application/json', ...(options.headers || {}) } });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error || ('HTTP ' + response.status));
    }
    return response;
  }

  const text = value => document.createTextNode(value ?? '');
  const cell = value => { const td = document.createElement('td'); td.append(text(value)); return td; };
  const time = iso => new Date(iso).toLocaleString('zh-CN', { hour12: false });
  const show = error => { $('error').textContent = error ? error.message : ''; };

  async function login() {
    try {
      const me = await (await api('/me')).json();
      $('who').textContent = `${me.worker}（${me.allOffices ? '全部机构' : me.office}）`;
      $('desk').hidden = false;
      sessionStorage.setItem('legalbot-staff-key', key);
      show(null);
      await list();
    } catch (e) { $('desk').hidden = true; show(e); }
  }

  async function list() {
    const status = $('status').value;
    const cases = await (await api('/cases' + (status ? '?status=' + status : ''))).json();
    const body = $('cases');
    body.replaceChildren(...cases.map(c => {
      const tr = document.createElement('tr');
      tr.append(cell(c.reference), cell(kindNames[c.kind]), cell(statusNames[c.status]), cell(c.area), cell(`${c.applicant} ${c.mobile}`), cell(time(c.createdAt)));
      tr.addEventListener('click', () => view(c.reference).catch(show));
      return tr;
    }));
  }

  async function view(reference) {
    const c = await (await api('/cases/' + encodeURIComponent(reference))).json();
    const s = c.summary;
    const detail = $('detail');
    const dl = document.createElement('dl');
    const rows = [['编号', s.reference], ['类型', kindNames[s.kind]], ['状态', statusNames[s.status]], ['受理机构', s.officeName], ['地区', s.area],
      ['姓名', c.name], ['手机', c.mobile], ['情况说明', c.description], ...Object.entries(s.details), ['经办人', s.assignedTo], ['同意时间', time(c.consentAt)]];
    for (const [k, v] of rows) { const dt = document.createElement('dt'); dt.append(text(k)); const dd = document.createElement('dd'); dd.append(text(v)); dl.append(dt, dd); }
    const history = document.createElement('ol');
    for (const h of c.history) { const li = document.createElement('li'); li.append(text(`${time(h.at)} ${h.actor}：${statusNames[h.to]}${h.note ? '（' + h.note + '）' : ''}`)); history.append(li); }
    const note = document.createElement('textarea');
    note.placeholder = '备注（可选）';
    const buttons = (next[s.status] || []).map(target => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = '改为：' + statusNames[target];
      b.addEventListener('click', async () => {
        try {
          await api(`/cases/${encodeURIComponent(reference)}/status`, { method: 'POST', body: JSON.stringify({ status: target, note: note.value }) });
          await view(reference); await list(); show(null);
        } catch (e) { show(e); }
      });
      return b;
    });
    const title = document.createElement('h2');
    title.append(text('案件详情'));
    const historyTitle = document.createElement('h3');
    historyTitle.append(text('办理记录'));
    detail.replaceChildren(title, dl, historyTitle, history, note, ...buttons);
    detail.hidden = false;
  }

  $('login').addEventListener('submit', e => { e.preventDefault(); key = $('key').value.trim(); login(); });
  $('refresh').addEventListener('click', () => list().catch(show));
  $('status').addEventListener('change', () => list().catch(show));
  $('export').addEventListener('click', async () => {
    try {
      const status = $('status').value;
      const blob = await (await api('/cases.csv' + (status ? '?status=' + status : ''))).blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'cases.csv';
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) { show(e); }
  });
  if (key) login();
})();
