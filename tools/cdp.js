// cdp.js: a minimal client of Chromium's DevTools protocol over
// --remote-debugging-pipe (file descriptors 3 and 4, JSON messages each
// ended by a NUL byte): no port, no module beyond Node's own.  Used by
// tests/e2e/html_ui.js, html_snap.js and html_holder.js,
// bench/html_cdp.js and tools/screenshot.js.
//
//   const b = await cdp.launch(browserPath);
//   const p = await b.page('file:///...');   // loaded
//   await p.eval('1 + 1');                   // the value
//   await p.send('Input.dispatchMouseEvent', {...});
//   await b.close();
//
// or, for a page file, in a browser of its own:
//
//   cdp.withPage(browserPath, 'page.html', async (p) => {...},
//       (e) => console.log('failed\t' + e.message));
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

async function launch(browser) {
	const prof = fs.mkdtempSync(path.join(os.tmpdir(), 'mdump-cdp-'));
	const chrome = spawn(browser, ['--headless', '--no-sandbox',
	    '--disable-gpu', '--disable-quic', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update',
	    '--disable-sync', '--user-data-dir=' + prof,
	    '--window-size=1280,900', '--remote-debugging-pipe',
	    'about:blank'],
	    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
	const out = chrome.stdio[3], inp = chrome.stdio[4];
	const waiting = new Map(), listeners = [];
	let nextId = 1, buf = '';

	inp.on('data', (d) => {
		buf += d.toString();
		let i;
		while ((i = buf.indexOf('\0')) >= 0) {
			const m = JSON.parse(buf.slice(0, i));
			buf = buf.slice(i + 1);
			if (m.id !== undefined && waiting.has(m.id)) {
				waiting.get(m.id)(m);
				waiting.delete(m.id);
			} else {
				listeners.slice().forEach((f) => f(m));
			}
		}
	});
	function send(method, params, sessionId) {
		const id = nextId++;
		out.write(JSON.stringify({ id, method, params: params || {},
		    sessionId }) + '\0');
		return new Promise((res, rej) => waiting.set(id, (m) =>
		    m.error ? rej(new Error(method + ': ' + m.error.message)) :
		    res(m.result)));
	}
	function event(name) {
		return new Promise((res) => listeners.push(function f(m) {
			if (m.method === name) {
				listeners.splice(listeners.indexOf(f), 1);
				res(m.params);
			}
		}));
	}
	// A tab with the page loaded; its methods act in that tab.
	async function page(url) {
		const { targetId } = await send('Target.createTarget',
		    { url: 'about:blank' });
		const { sessionId } = await send('Target.attachToTarget',
		    { targetId, flatten: true });
		const p = {
			send: (m, a) => send(m, a, sessionId),
			eval: (expr) => send('Runtime.evaluate', {
			    expression: expr, returnByValue: true,
			    awaitPromise: true }, sessionId).then((r) => {
				if (r.exceptionDetails)
					throw new Error(expr + ': ' +
					    r.exceptionDetails.text);
				return r.result.value;
			    }),
			// After the next frame was drawn.
			frame: () => p.eval('new Promise((r) => ' +
			    'requestAnimationFrame(() => setTimeout(r, 0)))'),
			mouse: async (type, x, y) => p.send(
			    'Input.dispatchMouseEvent', { type, x, y,
			    button: type === 'mouseMoved' ? 'none' : 'left',
			    clickCount: 1 }),
			click: async (x, y) => {
				await p.mouse('mousePressed', x, y);
				await p.mouse('mouseReleased', x, y);
			},
			// A click on the element that expr gives, scrolled to
			// the middle of the view: dx pixels from its left edge,
			// its middle without dx; then the next frame.
			clickOn: async (expr, dx) => {
				const r = await p.eval(`(() => {
				    const e = ${expr};
				    e.scrollIntoView({ block: 'center' });
				    const r = e.getBoundingClientRect();
				    return [r.left + ${dx === undefined ?
				    'r.width / 2' : Number(dx)},
				    r.top + r.height / 2]; })()`);
				await p.click(r[0], r[1]);
				await p.frame();
			},
			// The text of each element that the CSS selector sel
			// matches, joined by '|'.
			text: (sel) => p.eval(`Array.from(document
			    .querySelectorAll(${JSON.stringify(sel)}))
			    .map((e) => e.textContent).join('|')`),
			key: (key, code) => p.send('Input.dispatchKeyEvent',
			    { type: 'rawKeyDown', key, code: code || key,
			    windowsVirtualKeyCode: KEYCODES[key] || 0 })
			    .then(() => p.send('Input.dispatchKeyEvent',
			    { type: 'keyUp', key, code: code || key,
			    windowsVirtualKeyCode: KEYCODES[key] || 0 }))
		};
		await p.send('Page.enable');
		const loaded = event('Page.loadEventFired');
		await p.send('Page.navigate', { url });
		await loaded;
		return p;
	}
	// The browser's helper processes may still write to the profile
	// for a moment after it exits: removing it retries.
	function close() {
		return new Promise((res) => {
			chrome.on('exit', () => {
				fs.rmSync(prof, { recursive: true, force: true,
				    maxRetries: 20, retryDelay: 100 });
				res();
			});
			send('Browser.close').catch(() => chrome.kill());
		});
	}
	return { page, close };
}

// withPage: the page file in a browser of its own, handed to run; an
// error in loading it or in run goes to failed.  The browser is closed
// in either case.
async function withPage(browser, file, run, failed) {
	const b = await launch(browser);
	try {
		await run(await b.page('file://' + path.resolve(file)));
	} catch (e) {
		failed(e);
	}
	await b.close();
}

// The keys the tests press, with the codes Chromium needs for them.
const KEYCODES = { Enter: 13, Backspace: 8, Escape: 27, Home: 36,
    ArrowLeft: 37, ArrowUp: 38, ArrowRight: 39, ArrowDown: 40 };

module.exports = { launch, withPage };
