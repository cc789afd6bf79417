// screenshot.js: a PNG of an mdump -o html page as headless Chromium
// draws it, optionally in the dark scheme and with the pointer resting
// on a frame of the flame graph so that its tooltip shows.  Made for
// the README's picture (doc/report.png) and for looking at changes.
//
// usage: node tools/screenshot.js CHROMIUM PAGE.html OUT.png
//            [dark] [snap=N] [open=N] [hover=ROW,X] [width=PIXELS]
// snap=N clicks the timeline's Nth point (snapshots, from 1) to show
// that snapshot; open=N opens the table's Nth row to its stack; ROW is the flame
// graph's row (0: the process), X the pixel from its left edge.  The
// picture is as tall as the page.
'use strict';
const fs = require('fs');
const path = require('path');
const cdp = require('./cdp.js');

const [browser, page, png, ...opts] = process.argv.slice(2);
const opt = (k) => {
	const o = opts.find((a) => a === k || a.startsWith(k + '='));
	return o === undefined ? null : o.slice(k.length + 1);
};

(async () => {
	const b = await cdp.launch(browser);
	try {
		const p = await b.page('file://' + path.resolve(page));
		const width = Number(opt('width') || 1200);
		if (opt('dark') !== null)
			await p.send('Emulation.setEmulatedMedia', { features:
			    [{ name: 'prefers-color-scheme', value: 'dark' }] });
		await p.send('Emulation.setDeviceMetricsOverride', { width,
		    height: 600, deviceScaleFactor: 1, mobile: false });
		await p.frame();
		const height = await p.eval('document.documentElement' +
		    '.scrollHeight');
		await p.send('Emulation.setDeviceMetricsOverride', { width,
		    height, deviceScaleFactor: 1, mobile: false });
		await p.frame();
		if (opt('snap') !== null) {
			const r = await p.eval(`(() => { const r = document
			    .querySelectorAll('#tlbox circle.pt')[
			    ${Number(opt('snap')) - 1}].getBoundingClientRect();
			    return [r.left + r.width / 2, r.top + r.height / 2];
			    })()`);
			await p.click(r[0], r[1]);
			await p.frame();
		}
		if (opt('open') !== null) {
			await p.eval(`document.querySelectorAll('#leaks tr.leak')[
			    ${Number(opt('open')) - 1}].click(), 1`);
			const height = await p.eval('document.documentElement' +
			    '.scrollHeight');
			await p.send('Emulation.setDeviceMetricsOverride',
			    { width, height, deviceScaleFactor: 1,
			    mobile: false });
			await p.frame();
		}
		if (opt('hover') !== null) {
			const [row, x] = opt('hover').split(',').map(Number);
			const r = await p.eval(`(() => { const r = document
			    .getElementById('flame').getBoundingClientRect();
			    return [r.left, r.top]; })()`);
			await p.mouse('mouseMoved', r[0] + x, r[1] + row * 18 + 9);
			await p.frame();
		}
		const shot = await p.send('Page.captureScreenshot',
		    { format: 'png' });
		fs.writeFileSync(png, Buffer.from(shot.data, 'base64'));
	} catch (e) {
		console.error('screenshot.js: ' + e.message);
		process.exitCode = 1;
	}
	await b.close();
})();
