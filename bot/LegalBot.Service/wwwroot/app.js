// Connects the official Web Chat to this bot's own Direct Line 3.0-compatible endpoints (polling).
(async function () {
  const domain = window.location.origin + '/v3/directline';
  const saved = JSON.parse(sessionStorage.getItem('legalbot.conversation') || 'null');

  async function newConversation() {
    const res = await fetch('/api/webchat/token', { method: 'POST' });
    if (!res.ok) throw new Error('token request failed: ' + res.status);
    const conv = await res.json();
    sessionStorage.setItem('legalbot.conversation', JSON.stringify({ token: conv.token, conversationId: conv.conversationId }));
    return conv;
  }

  // The county's names, hotline, colours and logo (knowledge/site.md); the page's defaults when it cannot be read.
  const site = await fetch('/api/site').then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; });
  if (site.title) { document.title = site.title; document.getElementById('site-title').textContent = site.title; }
  if (site.tagline) document.getElementById('site-tagline').textContent = site.tagline;
  for (const [id, number] of [['site-hotline', site.hotline], ['site-emergency', site.emergency]]) {
    if (number) { const a = document.getElementById(id); a.textContent = number; a.href = 'tel:' + number; }
  }
  if (site.primaryColour) document.documentElement.style.setProperty('--site-primary', site.primaryColour);
  if (site.backgroundColour) document.documentElement.style.setProperty('--site-background', site.backgroundColour);
  if (site.logo) { const img = document.getElementById('logo'); img.src = site.logo; img.hidden = false; }
  document.getElementById('site-demo').hidden = !site.demo;
  const accent = site.primaryColour || '#b71c1c';

  let conv = saved;
  if (conv) {
    // Reconnect after a page reload; a stale token means a fresh conversation.
    const res = await fetch(domain + '/conversations/' + encodeURIComponent(conv.conversationId), { headers: { Authorization: 'Bearer ' + conv.token } });
    if (!res.ok) conv = null;
  }
  const isNew = !conv;
  conv = conv || await newConversation();

  const directLine = window.WebChat.createDirectLine({
    domain: domain,
    token: conv.token,
    conversationId: conv.conversationId,
    webSocket: false,
    pollingInterval: 500
  });

  // A new conversation: join it, as Direct Line clients do, so the bot greets with its topic buttons before anyone types.
  if (isNew) {
    directLine.postActivity({ type: 'conversationUpdate', from: { id: 'user', role: 'user' }, membersAdded: [{ id: 'user', role: 'user' }] })
      .subscribe({ error: function (e) { console.error(e); } });
  }

  window.WebChat.renderWebChat({
    directLine: directLine,
    locale: 'zh-CN',
    styleOptions: {
      botAvatarInitials: site.avatar || '法',
      userAvatarInitials: '我',
      hideUploadButton: true,
      suggestedActionLayout: 'flow',
      bubbleBorderRadius: 8,
      bubbleFromUserBorderRadius: 8,
      sendBoxButtonColor: accent,
      accent: accent
    }
  }, document.getElementById('webchat'));
  document.querySelector('#webchat input, #webchat textarea')?.focus();
})().catch(function (err) {
  document.getElementById('webchat').textContent = '聊天窗口加载失败，请刷新重试，或拨打 12348 公共法律服务热线。';
  console.error(err);
});
