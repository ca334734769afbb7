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

  let conv = saved;
  if (conv) {
    // Reconnect after a page reload; a stale token means a fresh conversation.
    const res = await fetch(domain + '/conversations/' + encodeURIComponent(conv.conversationId), { headers: { Authorization: 'Bearer ' + conv.token } });
    if (!res.ok) conv = null;
  }
  conv = conv || await newConversation();

  const directLine = window.WebChat.createDirectLine({
    domain: domain,
    token: conv.token,
    conversationId: conv.conversationId,
    webSocket: false,
    pollingInterval: 500
  });

  window.WebChat.renderWebChat({
    directLine: directLine,
    locale: 'zh-CN',
    styleOptions: {
      botAvatarInitials: '法',
      userAvatarInitials: '我',
      hideUploadButton: true,
      suggestedActionLayout: 'flow',
      bubbleBorderRadius: 8,
      bubbleFromUserBorderRadius: 8,
      sendBoxButtonColor: '#b71c1c',
      accent: '#b71c1c'
    }
  }, document.getElementById('webchat'));
  document.querySelector('#webchat input, #webchat textarea')?.focus();
})().catch(function (err) {
  document.getElementById('webchat').textContent = '聊天窗口加载失败，请刷新重试，或拨打 12348 公共法律服务热线。';
  console.error(err);
});
