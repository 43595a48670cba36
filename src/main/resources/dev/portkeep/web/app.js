// The portkeep web page: reads the status and throughput from the running `portkeep up` and
// keeps it live from its event stream. Every API request carries the page's secret in a header;
// the secret arrives once in the URL fragment (never sent to the server) and stays in this tab's
// sessionStorage. Everything shown is set as text, never as HTML.
'use strict';

(() => {
  const KEY = 'portkeep-secret';
  const SAMPLES = 600;
  const history = new Map(); // tunnel name -> [[epochSecond, up, down], ...]
  const cards = new Map(); // tunnel name -> {root, state, since, body, canvas}
  let secret = null;

  function takeSecret() {
    const m = /(?:^#|&)secret=([0-9a-f]{64})(?:&|$)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(KEY, m[1]);
      window.history.replaceState(null, '', location.pathname);
    }
    return sessionStorage.getItem(KEY);
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function banner(text) {
    const b = document.getElementById('banner');
    b.textContent = text;
    b.hidden = !text;
  }

  function connection(live) {
    const c = document.getElementById('connection');
    c.className = 'connection ' + (live ? 'live' : 'lost');
    c.textContent = live ? 'live' : 'connection lost, trying again';
  }

  function api(path, options) {
    const o = Object.assign({ cache: 'no-store' }, options || {});
    o.headers = Object.assign({ 'X-Portkeep-Secret': secret }, o.headers || {});
    return fetch(path, o);
  }

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
  }

  function ago(iso, now) {
    const s = Math.max(0, Math.round((Date.parse(now) - Date.parse(iso)) / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  async function act(action, tunnel, button) {
    if (button) button.disabled = true;
    try {
      const r = await api('/api/action', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(tunnel ? { action, tunnel } : { action }),
      });
      const answer = await r.json();
      if (!answer.ok) {
        banner(answer.error.message + ' — ' + answer.error.hint);
      } else {
        // a reload leaves a running tunnel as it is when its ssh_config block no longer reads
        banner((answer.kept || [])
          .map((k) => k.tunnel + ' runs as it was, though a start now would fail: '
            + k.message + ' — ' + k.hint)
          .join('\n'));
      }
    } catch (e) {
      banner('the action did not reach portkeep up: ' + e);
    } finally {
      if (button) button.disabled = false;
    }
  }

  function card(name) {
    let c = cards.get(name);
    if (c) return c;
    const root = el('section', 'card');
    root.dataset.tunnel = name;
    const head = el('div', 'card-head');
    head.append(el('h2', 'name', name));
    const state = el('span', 'state');
    const since = el('span', 'since');
    head.append(state, since);
    const actions = el('div', 'actions');
    for (const action of ['start', 'stop', 'restart']) {
      const b = el('button', 'action', action[0].toUpperCase() + action.slice(1));
      b.type = 'button';
      b.dataset.action = action;
      b.addEventListener('click', () => act(action, name, b));
      actions.append(b);
    }
    head.append(actions);
    const body = el('div', 'body');
    const canvas = el('canvas', 'chart');
    canvas.width = 600;
    canvas.height = 70;
    const legend = el('div', 'legend');
    legend.append(el('span', 'up', '— up'), ' ', el('span', 'down', '— down'), ' last 10 minutes');
    root.append(head, body, canvas, legend);
    document.getElementById('tunnels').append(root);
    c = { root, state, since, body, canvas };
    cards.set(name, c);
    return c;
  }

  function fact(dl, term, value, cls) {
    dl.append(el('dt', null, term));
    const dd = el('dd', cls, value);
    dl.append(dd);
    return dd;
  }

  function problem(p) {
    const box = el('div', 'problem');
    box.dataset.kind = p.kind;
    box.append(el('div', 'message', p.message));
    if (p.bind) {
      const b = p.bind;
      box.append(el('div', 'bind-explanation', b.explanation));
      if (b.holders && b.holders.length) {
        const table = el('table', 'holders');
        const head = el('tr');
        for (const h of ['process', 'pid', 'address', 'state', 'user']) head.append(el('th', null, h));
        table.append(head);
        for (const h of b.holders) {
          const row = el('tr', 'holder');
          row.append(el('td', 'holder-process', h.process || '?'), el('td', 'holder-pid', h.pid ?? '?'),
            el('td', 'holder-local', h.local), el('td', 'holder-state', h.state),
            el('td', 'holder-user', h.user || h.uid || '?'));
          table.append(row);
        }
        box.append(table);
      }
      if (b.rule) box.append(el('div', 'rule', 'rule: ' + b.rule));
      const hints = el('ul', 'hints');
      for (const h of b.hints || []) hints.append(el('li', 'hint', h));
      box.append(hints);
    }
    if (p.hint) box.append(el('div', 'hint', 'hint: ' + p.hint));
    return box;
  }

  const OS_NAMES = { windows: 'Windows', macos: 'macOS', linux: 'Linux' };
  const copied = new Map(); // command -> when it was copied, so 'Copied' outlives a redraw

  // The OS this browser runs on, as the status names them: its command is listed first.
  function thisOs() {
    const ua = navigator.userAgent;
    return /Windows/.test(ua) ? 'windows' : /Mac OS X|Macintosh/.test(ua) ? 'macos' : /Linux|X11/.test(ua) ? 'linux' : '';
  }

  // An SMB forward: the dialect its last probe found and the commands the status sends per OS,
  // each copied exactly as shown (the copy button carries it in data-command).
  function smb(f) {
    const box = el('div', 'smb');
    if (f.probe && f.probe.ok) box.append(el('div', 'dialect', 'SMB: the probe found ' + f.probe.detail));
    box.append(el('div', 'share', f.smb.share !== null
      ? 'share: ' + f.smb.share
      : 'no share named (set share in the tunnel\'s smb table to have it in the commands)'));
    const mine = thisOs();
    const commands = f.smb.commands.slice().sort((a, b) => (b.os === mine) - (a.os === mine));
    for (const c of commands) {
      const line = el('div', 'command' + (c.os === mine ? ' this-os' : ''));
      line.dataset.os = c.os;
      const code = el('code', null, c.command);
      const copy = el('button', 'copy', Date.now() - (copied.get(c.command) || 0) < 3000 ? 'Copied' : 'Copy');
      copy.type = 'button';
      copy.dataset.command = c.command;
      copy.addEventListener('click', () => navigator.clipboard.writeText(copy.dataset.command)
        .then(() => { copied.set(c.command, Date.now()); copy.textContent = 'Copied'; },
          () => { copy.textContent = 'Select and copy'; }));
      line.append(el('span', 'os', OS_NAMES[c.os] || c.os), code, copy);
      box.append(line);
      if (c.note) box.append(el('div', 'note', c.note));
    }
    return box;
  }

  function render(doc) {
    const seen = new Set();
    for (const t of doc.tunnels) {
      seen.add(t.name);
      const c = card(t.name);
      c.root.className = 'card state-' + t.state;
      c.state.className = 'state state-' + t.state;
      c.state.textContent = t.state;
      c.since.textContent = 'since ' + new Date(t.since).toLocaleTimeString() + ' (' + ago(t.since, doc.now) + ')'
        + (t.attempt ? ', attempt ' + t.attempt : '');
      const body = el('div', 'body');
      const dl = el('dl', 'facts');
      fact(dl, 'server', t.server + (t.server_version ? ' (' + t.server_version + ')' : ''), 'server');
      let open = 0;
      let up = 0;
      let down = 0;
      for (const f of t.forwards) { open += f.open || 0; up += f.bytes_up || 0; down += f.bytes_down || 0; }
      fact(dl, 'connections open', open, 'open');
      const h = history.get(t.name) || [];
      const now = h.length ? h[h.length - 1] : [0, 0, 0];
      fact(dl, 'throughput now', '↑ ' + bytes(now[1]) + '/s  ↓ ' + bytes(now[2]) + '/s', 'rate');
      fact(dl, 'bytes in total', '↑ ' + bytes(up) + '  ↓ ' + bytes(down), 'bytes-total').dataset.bytes = String(up + down);
      fact(dl, 'reconnects', t.reconnects, 'reconnects');
      if (t.last_loss) fact(dl, 'last loss', t.last_loss.text, 'last-loss');
      body.append(dl);
      const list = el('ul', 'forwards');
      for (const f of t.forwards) {
        const li = el('li', 'forward');
        li.dataset.state = f.state;
        li.append(el('span', 'spec', f.spec), el('span', 'fstate', f.state));
        li.append(el('div', 'listen', f.listen.length ? 'listens on ' + f.listen.join(', ') : 'not listening'));
        if (f.total !== null) {
          li.append(el('div', 'counts', f.open + ' open, ' + f.total + ' in total, ↑ ' + bytes(f.bytes_up) + ' ↓ ' + bytes(f.bytes_down)));
        }
        if (f.smb) li.append(smb(f));
        if (f.last_error) li.append(problem(f.last_error));
        list.append(li);
      }
      body.append(list);
      if (t.last_error) body.append(problem(t.last_error));
      c.root.replaceChild(body, c.body);
      c.body = body;
      draw(c.canvas, h);
    }
    for (const [name, c] of cards) {
      if (!seen.has(name)) { c.root.remove(); cards.delete(name); history.delete(name); }
    }
  }

  function draw(canvas, samples) {
    const g = canvas.getContext('2d');
    const w = canvas.width;
    const hgt = canvas.height;
    g.clearRect(0, 0, w, hgt);
    if (!samples.length) return;
    const last = samples[samples.length - 1][0];
    let max = 1;
    for (const s of samples) max = Math.max(max, s[1], s[2]);
    const styles = getComputedStyle(document.documentElement);
    for (const [i, colour] of [[1, '--chart-up'], [2, '--chart-down']]) {
      g.strokeStyle = styles.getPropertyValue(colour).trim() || '#333';
      g.lineWidth = 1.5;
      g.beginPath();
      samples.forEach((s, k) => {
        const x = w - ((last - s[0]) / SAMPLES) * w;
        const y = hgt - 2 - (s[i] / max) * (hgt - 4);
        if (k === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }
  }

  function remember(throughput, whole) {
    for (const [name, s] of Object.entries(throughput)) {
      if (whole) { history.set(name, s.slice(-SAMPLES)); continue; }
      const h = history.get(name) || [];
      if (!h.length || h[h.length - 1][0] !== s[0]) h.push(s);
      while (h.length > SAMPLES) h.shift();
      history.set(name, h);
    }
  }

  async function stream() {
    for (;;) {
      try {
        const r = await api('/api/events');
        if (!r.ok) throw new Error('status ' + r.status);
        connection(true);
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (data) {
              const doc = JSON.parse(data);
              remember(doc.throughput, false);
              render(doc);
            }
          }
        }
      } catch (e) {
        // falls through to the retry below
      }
      connection(false);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  async function main() {
    secret = takeSecret();
    document.getElementById('reload').addEventListener('click', (e) => act('reload', null, e.target));
    if (!secret) {
      connection(false);
      banner('This page needs its secret: open it with `portkeep ui`.');
      return;
    }
    const r = await api('/api/status');
    if (!r.ok) {
      const answer = await r.json();
      connection(false);
      banner(answer.error.message + ' — ' + answer.error.hint);
      return;
    }
    const doc = await r.json();
    remember(doc.throughput, true);
    render(doc);
    stream();
  }

  main();
})();
