// 差评回访: the office's 不满意 / 非常不满意 ratings with the citizen's comment; staff record the follow-up.
(() => {
  const { el, time, json, show } = Desk;
  const followUpNames = { pending: '待回访', visited: '已回访', rectified: '已整改' };

  let list;

  function card(r) {
    const status = el('select', { className: 'follow-up-status' },
      ...Object.entries(followUpNames).map(([v, n]) => el('option', { value: v, selected: v === r.followUp }, n)));
    const note = el('textarea', { className: 'follow-up-note', placeholder: '回访记录（如：已电话回访，说明原因并致歉）' });
    note.value = r.followUpNote || '';
    const save = el('button', { type: 'button', className: 'follow-up-save' }, '保存回访');
    const saved = el('span', { className: 'follow-up-saved' }, r.followUpAt ? `${r.followUpBy} ${time(r.followUpAt)} 记录` : '');
    save.addEventListener('click', async () => {
      try {
        const u = await json(`/ratings/${encodeURIComponent(r.reference)}/follow-up`, { method: 'POST', body: JSON.stringify({ status: status.value, note: note.value }) });
        saved.textContent = `已保存：${u.followUpName}（${time(u.followUpAt)}）`;
        show(null);
      } catch (e) { show(e); }
    });
    return el('li', { className: 'rating' },
      el('p', { className: 'rating-head' }, el('strong', {}, r.reference), el('span', { className: 'rating-level' }, r.levelName),
        el('span', {}, `${r.officeName} · ${time(r.ratedAt)}`)),
      el('p', { className: 'rating-comment' }, r.comment ? '群众意见：' + r.comment : '（未留意见）'),
      el('label', {}, '回访状态 ', status), note, el('div', { className: 'toolbar' }, save, saved));
  }

  async function load() {
    const ratings = await json('/ratings');
    list.replaceChildren(...ratings.map(card));
    if (ratings.length === 0) list.append(el('li', { className: 'empty' }, '暂无不满意评价'));
  }

  Desk.page('ratings', '差评回访', async section => {
    if (!list) {
      list = el('ul', { id: 'ratings', className: 'ratings' });
      const refresh = el('button', { type: 'button' }, '刷新');
      refresh.addEventListener('click', () => load().catch(show));
      section.append(el('div', { className: 'toolbar' }, el('span', {}, '“不满意”和“非常不满意”的评价，请及时回访并记录。'), refresh), list);
    }
    await load();
  });
})();
