// 新建事项 / 编辑事项: the matter editor the 群众提问 page (a draft from a question) and the 知识库 page (an existing
// matter) open in place. The server composes the Markdown and checks it with the folder's rules; this file only edits.
(() => {
  const { el, json, show } = Desk;
  const T = {
    title: '标题',
    path: '保存为',
    route: '办理途径',
    routes: { consult: '法律咨询', 'legal-aid': '法律援助', mediation: '人民调解', notary: '公证', reconsideration: '行政复议', petition: '信访' },
    questions: '常见问法（一行一个，至少 10 条，越接近群众口语越好）',
    answer: '解答（用大白话写结论和办法；引用写成《法律名称》第X条）',
    references: '依据（法律简称 + 条号，可加条文原文；最多 5 条）',
    suggested: '系统建议，请核对条文后勾选：',
    noSuggestion: '没有找到可建议的条文，请手工填写。',
    law: '法律，如 劳动合同法',
    article: '第X条',
    quote: '引用原文（可选，须与条文一致）',
    addReference: '再加一条依据',
    check: '检查并预览',
    save: '保存事项',
    close: '收起',
    markdown: '将保存的文件（Markdown，可直接修改）',
    preview: '预览（将保存的文件）',
    ok: '检查通过，可以保存。',
    problemsAt: (line, message, warning) => `${warning ? '提示：' : ''}第 ${line} 行：${message}`,
    basedOn: t => `领域参照已有事项“${t}”`,
  };

  const problemList = problems => el('ul', { className: 'problems matter-problems' }, ...problems.map(p =>
    el('li', { className: p.warning ? 'warning' : '' }, T.problemsAt(p.line, p.message, p.warning))));

  function referenceRow(r = {}) {
    const row = el('div', { className: 'reference-row' },
      el('input', { type: 'text', className: 'ref-law', placeholder: T.law, value: r.law || '' }),
      el('input', { type: 'text', className: 'ref-article', placeholder: T.article, value: r.article || '' }),
      el('input', { type: 'text', className: 'ref-quote', placeholder: T.quote, value: r.quote || '' }));
    return row;
  }

  /** The editor for a draft (fields + suggestions) or, with markdownOnly, for an existing matter's Markdown. */
  function editor(container, draft, markdownOnly) {
    const status = el('p', { className: 'matter-status', role: 'status' });
    const problems = el('div', { className: 'matter-problems-box' }, problemList(draft.problems || []));
    const path = el('input', { type: 'text', className: 'matter-path', value: draft.path, readOnly: markdownOnly });
    const output = el('textarea', { className: 'matter-markdown', spellcheck: false, readOnly: !markdownOnly });
    output.value = draft.markdown;
    const save = el('button', { type: 'button', className: 'matter-save' }, T.save);
    const checkButton = el('button', { type: 'button', className: 'matter-check' }, T.check);
    const close = el('button', { type: 'button', className: 'matter-close' }, T.close);
    close.addEventListener('click', () => { container.hidden = true; });
    let fields = () => null;

    if (!markdownOnly) {
      const f = draft.fields;
      const title = el('input', { type: 'text', className: 'matter-title', value: f.title });
      const route = el('select', { className: 'matter-route' }, ...Object.entries(T.routes).map(([v, label]) => el('option', { value: v, selected: v === f.route }, label)));
      const questions = el('textarea', { className: 'matter-questions', rows: 6 });
      questions.value = f.questions.join('\n');
      const answer = el('textarea', { className: 'matter-answer', rows: 6, placeholder: T.answer });
      answer.value = f.answer || '';
      const suggestions = (draft.suggested || []).map(s => {
        const box = el('input', { type: 'checkbox', className: 'suggested-reference' });
        return { s, box, label: el('label', { className: 'suggestion' }, box, ` 《${s.law}》${s.article}${s.quote ? '：' + s.quote : ''}`) };
      });
      const free = el('div', { className: 'free-references' }, referenceRow());
      const more = el('button', { type: 'button', className: 'add-reference' }, T.addReference);
      more.addEventListener('click', () => free.append(referenceRow()));
      fields = () => ({
        id: f.id, title: title.value.trim(), route: route.value,
        questions: questions.value.split('\n').map(q => q.trim()).filter(q => q),
        answer: answer.value,
        references: [
          ...suggestions.filter(x => x.box.checked).map(x => x.s),
          ...[...free.querySelectorAll('.reference-row')].map(r => ({
            law: r.querySelector('.ref-law').value.trim(), article: r.querySelector('.ref-article').value.trim(), quote: r.querySelector('.ref-quote').value.trim() || null,
          })).filter(r => r.law || r.article),
        ],
      });
      container.append(
        draft.basedOn ? el('p', { className: 'matter-based-on' }, T.basedOn(draft.basedOn.title)) : null,
        el('label', { className: 'field' }, T.title, title),
        el('label', { className: 'field' }, T.route, route),
        el('label', { className: 'field' }, T.questions, questions),
        el('label', { className: 'field' }, T.answer, answer),
        el('fieldset', { className: 'matter-references' }, el('legend', {}, T.references),
          el('p', { className: 'hint' }, suggestions.length ? T.suggested : T.noSuggestion),
          ...suggestions.map(x => x.label), free, more));
    }
    container.append(
      el('label', { className: 'field' }, T.path, path),
      el('div', { className: 'toolbar' }, checkButton, save, close),
      problems, status,
      el('label', { className: 'field' }, markdownOnly ? T.markdown : T.preview, output));

    async function check() {
      const body = markdownOnly ? { path: path.value.trim(), markdown: output.value } : { path: path.value.trim(), fields: fields() };
      const r = await json('/matters/preview', { method: 'POST', body: JSON.stringify(body) });
      output.value = r.markdown;
      problems.replaceChildren(problemList(r.problems));
      status.textContent = r.canSave ? T.ok : '';
      status.className = 'matter-status' + (r.canSave ? ' ok' : '');
      return r;
    }
    checkButton.addEventListener('click', () => check().then(() => show(null)).catch(show));
    save.addEventListener('click', async () => {
      try {
        save.disabled = true;
        const r = await check();
        if (!r.canSave) return;
        try {
          const saved = await json('/matters', { method: 'POST', body: JSON.stringify({ path: path.value.trim(), markdown: r.markdown }) });
          status.textContent = saved.message;
          status.className = 'matter-status saved';
          show(null);
        } catch (e) {
          show(e);
        }
      } catch (e) {
        show(e);
      } finally {
        save.disabled = false;
      }
    });
  }

  Desk.matterEditor = {
    /** Drafts a matter from a citizen's question into container. */
    async fromQuestion(container, question) {
      const draft = await json('/matters/draft', { method: 'POST', body: JSON.stringify({ question }) });
      container.replaceChildren();
      editor(container, draft, false);
    },
    /** Opens an existing matter's Markdown for editing into container. */
    async edit(container, id) {
      const m = await json('/matters/' + encodeURIComponent(id));
      container.replaceChildren();
      editor(container, { path: m.path, markdown: m.markdown, problems: [] }, true);
    },
  };
})();
