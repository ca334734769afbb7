// 知识库: every file of the knowledge folder with its problems, and the import of .md/.docx/.pdf/.xlsx files —
// previewed as the Markdown that will be saved (editable), with its check problems, then saved into the folder.
(() => {
  const { el, cell, time, json, show } = Desk;
  const kindNames = { regulation: '法规', guide: '办事指南', handbook: '手册', office: '机构', matter: '事项', lesson: '普法课', quiz: '答题', campaign: '普法活动' };
  const texts = {
    choose: '请先选择文件。',
    summary: (files, broken, at) => `共 ${files} 个文件，${broken} 个有问题${at ? '；最近更新 ' + at : ''}`,
    notServed: '未编入索引',
    saved: path => `已保存 ${path}，已生效，可以提问试试。`,
    savedPending: path => `已保存 ${path}，索引稍后更新。`,
    cannotSave: '有问题未解决，不能保存；可以直接在文本框里修改后重新检查。',
    exists: '已有同名文件：保存将覆盖它',
    warning: '提示',
    edit: '编辑',
  };

  const headers = ['文件', '类型', '标题', '条数', '最后修改', '问题'];
  let section, rows, summary, onlyProblems, file, preview, notice, matterPanel;

  const problemList = problems => el('ul', { className: 'problems' }, ...problems.map(p =>
    el('li', { className: p.warning ? 'warning' : '' }, `${p.warning ? texts.warning + '：' : ''}第 ${p.line} 行：${p.message}`)));

  function build(s) {
    section = s;
    file = el('input', { type: 'file', id: 'import-file', accept: '.md,.docx,.pdf,.xlsx' });
    const previewButton = el('button', { type: 'button', id: 'import-preview-button' }, '预览导入');
    previewButton.addEventListener('click', () => upload().catch(show));
    const refresh = el('button', { type: 'button', id: 'knowledge-refresh' }, '刷新');
    refresh.addEventListener('click', () => list().catch(show));
    onlyProblems = el('input', { type: 'checkbox', id: 'only-problems' });
    onlyProblems.addEventListener('change', () => list().catch(show));
    summary = el('p', { id: 'knowledge-summary' });
    notice = el('p', { id: 'import-notice', role: 'status' });
    preview = el('div', { id: 'import-preview', hidden: true });
    matterPanel = el('div', { id: 'matter-edit', className: 'matter-editor', hidden: true });
    rows = el('tbody', { id: 'documents' });
    section.append(
      el('div', { className: 'toolbar' }, el('label', {}, '导入文件（.md/.docx/.pdf/.xlsx） ', file), previewButton),
      notice, preview, matterPanel,
      el('div', { className: 'toolbar' }, refresh, el('label', {}, onlyProblems, ' 只看有问题的')),
      summary,
      el('div', { className: 'scroll documents-scroll' }, el('table', { className: 'documents' },
        el('thead', {}, el('tr', {}, ...headers.map(h => el('th', {}, h)))), rows)));
  }

  async function list() {
    const status = await json('/knowledge');
    const broken = status.documents.filter(d => d.problems.some(p => !p.warning));
    summary.textContent = texts.summary(status.documents.length, broken.length, time(status.lastRefresh));
    // Files with problems first: they are what staff come here to fix.
    const rank = d => d.problems.some(p => !p.warning) ? 0 : d.problems.length ? 1 : 2;
    const shown = (onlyProblems.checked ? status.documents.filter(d => d.problems.length > 0) : status.documents)
      .map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map(x => x.d);
    rows.replaceChildren(...shown.map(d => {
      const cells = [pathCell(d), cell(kindNames[d.kind] || d.kind || ''), cell(d.title), cell(d.served ? d.chunks : texts.notServed),
        cell(time(d.lastChange)), el('td', {}, problemList(d.problems))];
      // On a phone each row is a card; the labels come from the headers.
      cells.forEach((c, i) => { c.dataset.label = headers[i]; });
      const tr = el('tr', { className: d.problems.some(p => !p.warning) ? 'broken' : '' }, ...cells);
      tr.dataset.path = d.path;
      return tr;
    }));
    if (shown.length === 0) rows.append(el('tr', {}, el('td', { colSpan: 6, className: 'empty' }, '没有文件')));
  }

  /** The file's path; a served matter also gets 编辑, which opens the matter editor above the table. */
  function pathCell(d) {
    const td = cell(d.path);
    if (d.kind !== 'matter' || !d.served || !d.id) return td;
    const edit = el('button', { type: 'button', className: 'edit-matter' }, texts.edit);
    edit.addEventListener('click', async () => {
      try {
        await Desk.matterEditor.edit(matterPanel, d.id);
        matterPanel.hidden = false;
        matterPanel.scrollIntoView();
        show(null);
      } catch (e) { show(e); }
    });
    td.append(' ', edit);
    return td;
  }

  async function upload() {
    notice.textContent = '';
    if (!file.files.length) throw new Error(texts.choose);
    const form = new FormData();
    form.append('file', file.files[0]);
    const result = await json('/knowledge/preview', { method: 'POST', body: form });
    preview.replaceChildren(el('h2', {}, `导入预览：${result.source}`), problemList(result.problems), ...result.files.map(editor));
    if (!result.canSave && result.files.length === 0) preview.append(el('p', { className: 'error' }, texts.cannotSave));
    preview.hidden = false;
  }

  /** One file to save: its path and Markdown (both editable), its problems, and a save button. */
  function editor(f) {
    const path = el('input', { type: 'text', value: f.path, className: 'import-path' });
    const markdown = el('textarea', { className: 'import-markdown', value: f.markdown, spellcheck: false });
    markdown.value = f.markdown;
    const overwrite = el('input', { type: 'checkbox', checked: false });
    const problems = el('div', {}, problemList(f.problems));
    const save = el('button', { type: 'button', className: 'import-save' }, '保存到知识库');
    const box = el('article', { className: 'import-file' },
      el('h3', {}, `${kindNames[f.kind] || f.kind}：${f.title}`),
      el('label', {}, '保存为 ', path),
      f.exists ? el('label', { className: 'warning' }, overwrite, ' ' + texts.exists) : null,
      problems, markdown, save);
    save.addEventListener('click', async () => {
      try {
        save.disabled = true;
        const r = await json('/knowledge/save', { method: 'POST', body: JSON.stringify({ path: path.value.trim(), markdown: markdown.value, overwrite: overwrite.checked }) });
        notice.textContent = r.indexed ? texts.saved(r.path) : texts.savedPending(r.path);
        box.remove();
        if (!preview.querySelector('.import-file')) preview.hidden = true;
        await list();
        show(null);
      } catch (e) {
        show(e);
      } finally {
        save.disabled = false;
      }
    });
    return box;
  }

  Desk.page('knowledge', '知识库', async s => { if (!section) build(s); await list(); });
})();
