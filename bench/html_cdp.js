// html_cdp.js: time an mdump -o html page in headless Chromium through
// the DevTools protocol (tools/cdp.js).  Prints, in milliseconds:
//   load        navigation start to the load event (HTML and JSON
//               parsed, the page's script run: summary, tree, graph,
//               first rows of the table)
//   painted     navigation start to the second animation frame after
//               load, when the first frame of the page has been drawn
//               (headless Chromium records no paint timing)
//   script      the page's own start-up time (its status line)
//   zoom_*      a real mouse click on a frame (or Back) until the next
//               frame was drawn: median and worst of 20
//   search      a search run (Enter) until drawn
//   sort        a click on the Bytes header until the table was redrawn
// usage: node bench/html_cdp.js CHROMIUM PAGE.html
'use strict';
const cdp = require('../tools/cdp.js');

const [browser, page] = process.argv.slice(2);
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

async function run(p) {
	const r = {};
	r.load = await p.eval(`performance.getEntriesByType('navigation')[0]
	    .loadEventStart`);
	r.painted = await p.eval(`new Promise((r) => requestAnimationFrame(
	    () => requestAnimationFrame(() => r(performance.now()))))`);
	r.script = await p.eval(`Number(/drawn in (\\d+)/.exec(
	    document.getElementById('status').textContent)[1])`);

	// Down into the graph row by row; every fourth time Back.
	const box = await p.eval(`(() => { window.scrollTo(0, 0);
	    const r = document.getElementById('flame')
	    .getBoundingClientRect(); return [r.left, r.top, r.width]; })()`);
	const zooms = [];
	for (let k = 0; k < 20; k++) {
		const t = process.hrtime.bigint();
		if (k % 4 === 3)
			await p.eval(`document.getElementById('back').click(), 1`);
		else
			await p.click(box[0] + 5 + (k * 97) % (box[2] - 10),
			    box[1] + 18 * (1 + k % 3) + 9);
		await p.frame();
		zooms.push(ms(t));
	}
	zooms.sort((a, b) => a - b);
	r.zoom_median = zooms[zooms.length >> 1];
	r.zoom_worst = zooms[zooms.length - 1];

	let t = process.hrtime.bigint();
	await p.eval(`(() => { const i = document.getElementById('search');
	    i.value = 'd3'; i.dispatchEvent(new KeyboardEvent('keydown',
	    { key: 'Enter' })); return 1; })()`);
	await p.frame();
	r.search = ms(t);
	r.search_says = await p.eval(`document.getElementById('match')
	    .textContent`);

	t = process.hrtime.bigint();
	await p.eval(`Array.from(document.querySelectorAll('#leaks th button'))
	    .find((b) => b.textContent === 'Bytes').click(), 1`);
	await p.frame();
	r.sort = ms(t);
	r.errors = await p.eval(`document.getElementById('errors')
	    .textContent`);
	for (const k of Object.keys(r))
		console.log(k.padEnd(12) + (typeof r[k] === 'number' ?
		    r[k].toFixed(0) : JSON.stringify(r[k])));
}

cdp.withPage(browser, page, run, (e) => {
	console.error('html_cdp.js: ' + e.message);
	process.exitCode = 1;
});
