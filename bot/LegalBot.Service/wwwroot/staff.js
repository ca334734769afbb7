// Desk core: login (the key stays in this tab only), the API helper with Chinese errors, Beijing time, and the
// tab bar. Each desk page is its own script that calls Desk.page(id, title, load) and fills its section.
window.Desk = (() => {
  const $ = id => document.getElementById(id);
  const pages = [];
  let key = sessionStorage.getItem('legalbot-staff-key') || '';
  let current = null;
  const desk = { me: null };

  desk.api = async (path, options = {}) => {
    const headers = { 'X-Api-Key': key, ...(options.body && !(options.body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}), ...(options.headers || {}) };
    let response;
    try {
      response = await fetch('/api/staff' + path, { ...options, headers });
    } catch {
      throw new Error('无法连接服务器，请检查网络后重试。');
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error || `请求失败（HTTP ${response.status}），请稍后重试。`);
    }
    return response;
  };
  desk.json = async (path, options) => (await desk.api(path, options)).json();

  desk.text = value => document.createTextNode(value ?? '');
  desk.el = (tag, props = {}, ...children) => {
    const e = Object.assign(document.createElement(tag), props);
    e.append(...children.map(c => typeof c === 'string' || typeof c === 'number' ? desk.text(String(c)) : c).filter(c => c != null));
    return e;
  };
  desk.cell = value => desk.el('td', {}, value ?? '');
  // Staff read Beijing time wherever the browser or server runs.
  desk.time = iso => iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';
  desk.show = error => { $('error').textContent = error ? error.message : ''; };
  desk.download = async (path, name) => {
    const blob = await (await desk.api(path)).blob();
    const a = desk.el('a', { href: URL.createObjectURL(blob), download: name });
    a.click();
    URL.revokeObjectURL(a.href);
  };

  /** Registers a desk page: a tab button and a section; load(section) runs whenever the tab is shown.
   *  options.visible(me) hides the tab from keys it is not for (the API refuses them anyway). */
  desk.page = (id, title, load, options = {}) => {
    const section = desk.el('section', { id: 'page-' + id, hidden: true });
    const button = desk.el('button', { type: 'button', role: 'tab', id: 'tab-' + id }, title);
    button.addEventListener('click', () => open(id));
    $('desk').append(section);
    $('tabs').append(button);
    pages.push({ id, load, section, button, visible: options.visible || (() => true) });
    if (desk.me && !current) open(id);
  };

  async function open(id) {
    const page = pages.find(p => p.id === id);
    if (!page || page.button.hidden) return;
    current = page;
    for (const p of pages) { p.section.hidden = p !== page; p.button.setAttribute('aria-selected', String(p === page)); }
    try { await page.load(page.section); desk.show(null); } catch (e) { desk.show(e); }
  }
  desk.reload = () => current && open(current.id);

  async function login() {
    try {
      desk.me = await desk.json('/me');
      $('who').textContent = `${desk.me.worker}（${desk.me.officeName}）`;
      sessionStorage.setItem('legalbot-staff-key', key);
      $('desk').hidden = $('tabs').hidden = $('logout').hidden = false;
      $('login').hidden = true;
      for (const p of pages) p.button.hidden = !p.visible(desk.me);
      desk.show(null);
      await open((current || pages.find(p => !p.button.hidden)).id);
    } catch (e) { $('desk').hidden = $('tabs').hidden = true; desk.show(e); }
  }

  $('login').addEventListener('submit', e => { e.preventDefault(); key = $('key').value.trim(); login(); });
  $('logout').addEventListener('click', () => { sessionStorage.removeItem('legalbot-staff-key'); location.reload(); });
  // Pages register after this script; log in once they have.
  window.addEventListener('DOMContentLoaded', () => { if (key) login(); });
  return desk;
})();
