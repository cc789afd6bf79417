// html_snap.js: the timeline of an mdump -o html page of a traced
// process with snapshots, used as a person would in headless Chromium
// (cdp.js): it counts the timeline's points and lines, clicks each
// point and reads the table, goes back to the process's own report, and
// switches the flame graph to bottom-up and reads its roots (the frames
// below the process) from their tooltips.  Prints one "NAME<TAB>TEXT"
// line each, for tests/e2e/html_snap.sh to compare.
//
// usage: node tests/e2e/html_snap.js CHROMIUM PAGE.html SNAPINDEX
// SNAPINDEX: the point (from 0) whose snapshot's roots are read too.
'use strict';
const cdp = require('../../tools/cdp.js');

const [browser, file, snapIndex] = process.argv.slice(2);
const say = (name, text) => console.log(name + '\t' +
    String(text).replace(/\n/g, '|'));

async function run(p) {
	// The table as "function kind bytes allocations", sorted.
	const rows = () => p.eval(`(() => {
	    const all = document.getElementById('all');
	    if (!all.hidden) all.click();
	    const th = Array.from(document.querySelectorAll('#leaks th'))
		.map((t) => t.textContent);
	    const col = (n) => th.indexOf(n);
	    return Array.from(document.querySelectorAll('#leaks tr.leak'))
		.map((tr) => { const c = tr.cells;
		    return [c[col('Function')].firstChild.textContent,
		    c[col('Kind')].textContent, c[col('Bytes')].textContent,
		    c[col('Allocations')].textContent].join(' '); })
		.sort().join('|'); })()`);
	// The graph's roots: the names on its second row, left to right.
	const roots = async () => {
		const box = await p.eval(`(() => { window.scrollTo(0, 0);
		    document.getElementById('flame').scrollIntoView();
		    const r = document.getElementById('flame')
		    .getBoundingClientRect(); return [r.left, r.top, r.width];
		    })()`);
		const names = [];
		for (let x = 1; x < box[2]; x += 6) {
			await p.mouse('mouseMoved', box[0] + x, box[1] + 18 + 9);
			const n = await p.text('#tip:not([hidden]) .fn');
			if (n !== '' && names[names.length - 1] !== n)
				names.push(n);
		}
		await p.mouse('mouseMoved', 0, 0);
		return names.join(' ');
	};

	say('points', await p.eval(
	    `document.querySelectorAll('#tlbox circle.pt').length`));
	say('point-x', await p.eval(`Array.from(document.querySelectorAll(
	    '#tlbox circle.pt')).map((c) => c.getAttribute('cx')).join(' ')`));
	say('lines', await p.eval(`Array.from(document.querySelectorAll(
	    '#tlbox path.series')).map((e) => e.getAttribute('data-series'))
	    .join(' ')`));
	say('legend', await p.text('#tl-legend li'));
	say('showing', await p.text('#tl-showing'));
	say('base-button', await p.text('#tl-base'));
	say('selected', await p.eval(`Array.from(document.querySelectorAll(
	    '#tlbox circle.pt.sel')).map((c) => c.getAttribute('data-snap'))
	    .join(' ')`));
	say('rows', await rows());
	const n = await p.eval(
	    `document.querySelectorAll('#tlbox circle.pt').length`);
	for (let i = 0; i < n; i++) {
		await p.clickOn(`document.querySelectorAll(
		    '#tlbox circle.pt')[${i}]`);
		const num = await p.eval(`document.querySelectorAll(
		    '#tlbox circle.pt')[${i}].getAttribute('data-snap')`);
		say('snap ' + num + ' selected', await p.eval(`Array.from(
		    document.querySelectorAll('#tlbox circle.pt.sel'))
		    .map((c) => c.getAttribute('data-snap')).join(' ')`));
		say('snap ' + num + ' rows', await rows());
		say('snap ' + num + ' summary',
		    await p.text('#summary dd.snap'));
	}
	await p.clickOn(`document.querySelectorAll('#tlbox circle.pt')[0]`);
	await p.clickOn(`document.getElementById('tl-base')`);
	say('back rows', await rows());
	say('back showing', await p.text('#tl-showing'));
	say('roots-down', await roots());
	await p.clickOn(`document.getElementById('dir-up')`);
	say('roots-up', await roots());
	say('up-pressed', await p.eval(`document.getElementById('dir-up')
	    .getAttribute('aria-pressed')`));
	await p.clickOn(`document.querySelectorAll('#tlbox circle.pt')[
	    ${Number(snapIndex)}]`);
	say('snap-roots-up', await roots());
	say('snap-rows-up', await rows());
	await p.clickOn(`document.getElementById('dir-down')`);
	say('snap-roots-down', await roots());
	say('errors', await p.text('#errors'));
}

cdp.withPage(browser, file, run, (e) => say('failed', e.message));
