// Drives the official botframework-directlinejs client against LegalBot: node --experimental-websocket client.js
//   DOMAIN TOKEN TRANSPORT(websocket|polling) QUESTION...
// Prints one JSON line per bot message it receives ({"replyTo":…, "text":…}) and "DONE" once every question has a reply.
global.XMLHttpRequest = require('xhr2');
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const [domain, token, transport, ...questions] = process.argv.slice(2);
if (transport === 'websocket' && typeof WebSocket === 'undefined') {
  console.error('no global WebSocket: run node with --experimental-websocket (Node 20) or Node 22+');
  process.exit(2);
}
const directLine = new DirectLine({ domain, token, webSocket: transport === 'websocket', pollingInterval: 500 });
const received = new Map(); // replyToId → first reply text
const waiters = new Map();
const timer = setTimeout(() => { console.error('timed out waiting for replies'); process.exit(1); }, 30000);

directLine.connectionStatus$.subscribe(status => {
  if (status === ConnectionStatus.FailedToConnect || status === ConnectionStatus.ExpiredToken) {
    console.error('connection status ' + status);
    process.exit(1);
  }
});
directLine.activity$.subscribe(activity => {
  if (activity.from.role === 'user' || activity.type !== 'message') return;
  console.log(JSON.stringify({ replyTo: activity.replyToId, text: activity.text, transport: directLine.webSocket ? 'websocket' : 'polling' }));
  if (!received.has(activity.replyToId)) received.set(activity.replyToId, activity.text);
  const waiter = waiters.get(activity.replyToId);
  if (waiter) waiter();
});

// A reply may arrive before postActivity hands back the id (the server stores it first): both orders are handled.
const replyTo = id => received.has(id) ? Promise.resolve() : new Promise(resolve => waiters.set(id, resolve));

(async () => {
  for (const text of questions) {
    const id = await new Promise((resolve, reject) =>
      directLine.postActivity({ type: 'message', from: { id: 'ignored', name: '市民' }, text, locale: 'zh-CN' })
        .subscribe(resolve, reject));
    await replyTo(id);
  }
  clearTimeout(timer);
  console.log('DONE');
  directLine.end();
  process.exit(0);
})().catch(error => { console.error(String(error)); process.exit(1); });
