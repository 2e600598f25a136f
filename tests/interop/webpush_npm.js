'use strict';
// Interop: the web-push npm library (an application server library this project did not
// write) sends to examples/webpush-service; a user agent (webpush_ua.py over python-h2)
// holding GET on the subscription gets the message by server push; this script decrypts
// it with the http_ece npm package as the user agent would (RFC 8291, aes128gcm) and
// compares it with what was sent. Run by webpush_npm.sh, which installs web-push and sets
// NODE_PATH. Usage: node webpush_npm.js BASE_URL PYTHON UA_SCRIPT
//
// The fake user agent's keys: a P-256 key pair (crypto.createECDH('prime256v1')) and a
// 16-byte auth secret; the application server's VAPID keys from
// webpush.generateVAPIDKeys(). web-push speaks HTTP/1.1 over https only: the service runs
// TLS with its self-signed certificate (NODE_TLS_REJECT_UNAUTHORIZED=0 from the driver).

const childProcess = require('child_process');
const crypto = require('crypto');
const readline = require('readline');
const ece = require('http_ece');
const webpush = require('web-push');

const [base, python, uaScript] = process.argv.slice(2);
let passed = 0;

function check(cond, what, detail) {
  if (!cond) {
    const extra = detail === undefined ? '' : ' -- got ' + JSON.stringify(detail);
    throw new Error(what + extra);
  }
  passed += 1;
  console.log('PASS: ' + what);
}

// Lines from the user agent, as events awaited by name (in order, each taken once).
function eventQueue(stream) {
  const seen = [];
  const waiters = [];
  readline.createInterface({ input: stream }).on('line', (line) => {
    let ev;
    try {
      ev = JSON.parse(line);
    } catch (e) {
      ev = { event: 'error', why: 'not JSON: ' + line };
    }
    seen.push(ev);
    waiters.splice(0).forEach((w) => w());
  });
  return function next(name, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the user agent said no "' + name + '" within ' + ms + ' ms')),
        ms);
      const look = () => {
        const i = seen.findIndex((ev) => ev.event === name || ev.event === 'error');
        if (i < 0) return waiters.push(look);
        const [ev] = seen.splice(i, 1);
        clearTimeout(timer);
        if (ev.event === 'error') reject(new Error('user agent: ' + ev.why));
        else resolve(ev);
        return undefined;
      };
      look();
    });
  };
}

async function main() {
  const payloads = [
    'Hello from web-push ' + crypto.randomBytes(8).toString('hex'),
    // Several kB, non-ASCII included: still one aes128gcm record (rs 4096 minus padding).
    'Grüße, ' + 'ünïcödé and ascii '.repeat(150) + crypto.randomBytes(4).toString('hex'),
  ];
  const ua = childProcess.spawn(python, [uaScript, base, String(payloads.length)],
                                { stdio: ['ignore', 'pipe', 'inherit'] });
  const uaExit = new Promise((resolve) => ua.on('exit', (code) => resolve(code)));
  const next = eventQueue(ua.stdout);
  try {
    const sub = await next('subscribed', 15000);
    check(sub.endpoint.startsWith(base + '/p/'),
          'the user agent subscribed and holds GET; endpoint ' + base + '/p/...', sub);

    // The user agent's keys (RFC 8291 3.1), as a browser would hand them to the app.
    const uaKeys = crypto.createECDH('prime256v1');
    uaKeys.generateKeys();
    const authSecret = crypto.randomBytes(16);
    const subscription = {
      endpoint: sub.endpoint,
      keys: {
        p256dh: uaKeys.getPublicKey().toString('base64url'),
        auth: authSecret.toString('base64url'),
      },
    };
    const vapid = webpush.generateVAPIDKeys();
    const options = {
      TTL: 60,
      contentEncoding: 'aes128gcm',
      urgency: 'normal',
      vapidDetails: {
        subject: 'mailto:interop@example.invalid',
        publicKey: vapid.publicKey,
        privateKey: vapid.privateKey,
      },
    };

    for (const [n, text] of payloads.entries()) {
      const label = 'message ' + (n + 1) + ' (' + Buffer.byteLength(text) + ' bytes)';
      // The push can reach the user agent before web-push has read its 201: wait for both.
      const [res, msg] = await Promise.all([
        webpush.sendNotification(subscription, text, options),
        next('message', 15000),
      ]);
      check(res.statusCode === 201, label + ': webpush.sendNotification -> 201', res.statusCode);
      const location = res.headers.location || '';
      check(location.startsWith(base + '/m/') && res.headers.ttl === '60',
            label + ': Location ' + base + '/m/..., TTL: 60', res.headers);
      check(msg.path === location.slice(base.length) && msg.status === 200,
            label + ': pushed to the user agent as PUSH_PROMISE ' + msg.path + ', status 200',
            msg);
      check(msg.headers['content-encoding'] === 'aes128gcm',
            label + ': pushed with Content-Encoding: aes128gcm', msg.headers);
      const plain = ece.decrypt(Buffer.from(msg.body, 'base64'), {
        version: 'aes128gcm',
        privateKey: uaKeys,
        authSecret: authSecret.toString('base64url'),
      });
      check(plain.toString('utf8') === text,
            label + ': http_ece decrypts it with the user agent keys to the text sent',
            plain.toString('utf8').slice(0, 60));
      const ack = await next('acked', 15000);
      check(ack.status === 204 && ack.path === msg.path,
            label + ': the user agent acknowledged it (DELETE -> 204)', ack);
    }
    const code = await Promise.race(
      [uaExit, new Promise((r) => setTimeout(() => r('timeout'), 5000).unref())]);
    check(code === 0, 'the user agent exited with status 0', code);
  } finally {
    if (ua.exitCode === null) ua.kill();
  }
  console.log(passed + ' checks passed');
}

main().then(() => process.exit(0)).catch((e) => {
  console.log('FAIL: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
