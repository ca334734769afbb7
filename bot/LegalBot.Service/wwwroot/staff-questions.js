// 群众提问: questions the bot could not answer, asked back about, or that got 没帮助 — grouped, newest first —
// and the one-click fix: find the matter, guide section or article that answers it and add the question to it.
(() => {
  const { el, time, json, show } = Desk;
  const T = {
    title: '群众提问',
    refresh: '刷新',
    empty: '暂无需要处理的提问',
    times: n => `${n} 次`,
    kinds: { unanswered: '未答', clarified: '反问', 'not-helpful': '没帮助' },
    docKinds: { matter: '事项', guide: '办事指南', handbook: '手册', regulation: '法规' },
    attach: '关联到知识库',
    newMatter: '新建事项',
    search: '查找',
    searchPlaceholder: '输入关键词查找事项、指南章节或法条',
    addHere: '添加到这里',
    noTargets: '没有找到合适的内容，可以换个关键词',
    variants: n => `已有 ${n} 个问法`,
    others: n => `还有 ${n} 种问法：`,
  };

  let section, list;

  function build(s) {
    section = s;
    const refresh = el('button', { type: 'button', id: 'questions-refresh' }, T.refresh);
    refresh.addEventListener('click', () => load().catch(show));
    list = el('ol', { id: 'questions', className: 'questions' });
    section.append(el('div', { className: 'toolbar' }, refresh), list);
  }

  async function load() {
    const groups = await json('/questions');
    list.replaceChildren(...groups.map(group));
    if (groups.length === 0) list.append(el('li', { className: 'empty' }, T.empty));
  }

  function group(g) {
    const panel = el('div', { className: 'attach', hidden: true });
    const open = el('button', { type: 'button', className: 'open-attach' }, T.attach);
    open.addEventListener('click', () => {
      panel.hidden = !panel.hidden;
      if (!panel.hidden && panel.childElementCount === 0) attachPanel(panel, g.question).catch(show);
    });
    // 新建事项: when nothing in the knowledge base fits, draft a matter from the question (staff edit it before it goes live).
    const matter = el('div', { className: 'matter-editor', hidden: true });
    const create = el('button', { type: 'button', className: 'open-matter' }, T.newMatter);
    create.addEventListener('click', () => {
      matter.hidden = !matter.hidden;
      if (!matter.hidden && matter.childElementCount === 0) Desk.matterEditor.fromQuestion(matter, g.question).then(() => show(null)).catch(e => { matter.hidden = true; show(e); });
    });
    const others = g.members.map(m => m.question).filter((q, i, all) => q !== g.question && all.indexOf(q) === i);
    return el('li', { className: 'question' },
      el('p', { className: 'asked' }, g.question),
      el('p', { className: 'meta' },
        el('span', { className: 'count' }, T.times(g.count)),
        ...g.kinds.map(k => el('span', { className: 'kind kind-' + k }, T.kinds[k] || k)),
        el('span', { className: 'when' }, time(g.latest))),
      others.length ? el('p', { className: 'others' }, T.others(others.length) + others.slice(0, 3).join('；')) : null,
      el('div', { className: 'question-actions' }, open, create), panel, matter);
  }

  async function attachPanel(panel, question) {
    const input = el('input', { type: 'search', value: question, placeholder: T.searchPlaceholder, className: 'target-search' });
    const go = el('button', { type: 'submit' }, T.search);
    const form = el('form', { className: 'search' }, input, go);
    const results = el('ul', { className: 'targets' });
    const status = el('p', { className: 'attach-status', role: 'status' });
    form.addEventListener('submit', e => { e.preventDefault(); search(input.value, results, question, status).catch(show); });
    panel.append(form, results, status);
    await search(question, results, question, status);
  }

  async function search(q, results, question, status) {
    const targets = await json('/questions/targets?q=' + encodeURIComponent(q));
    results.replaceChildren(...targets.map(t => {
      const add = el('button', { type: 'button', className: 'add-here' }, T.addHere);
      add.addEventListener('click', async () => {
        try {
          const r = await json('/questions/attach', { method: 'POST', body: JSON.stringify({ question, documentId: t.documentId }) });
          status.textContent = r.message;
          status.className = 'attach-status ' + r.status;
          show(null);
        } catch (e) { show(e); }
      });
      return el('li', { className: 'target' },
        el('span', { className: 'target-kind' }, T.docKinds[t.kind] || t.kind),
        el('span', { className: 'target-title' }, t.location ? `${t.title} › ${t.location}` : t.title),
        el('span', { className: 'target-variants' }, T.variants(t.variants)),
        add);
    }));
    if (targets.length === 0) results.append(el('li', { className: 'empty' }, T.noTargets));
  }

  Desk.page('questions', T.title, async s => { if (!section) build(s); await load(); });
})();
