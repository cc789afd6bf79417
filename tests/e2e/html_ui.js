// html_ui.js: use an mdump -o html page as a person would, in headless
// Chromium (cdp.js): hover, click and keys on the flame graph, sorting
// and opening rows of the table, typing a search.  Prints what the page
// then shows, one "NAME<TAB>TEXT" line each (line breaks as "|"), for
// tests/e2e/html.sh to check against the program's source.
//
// usage: node tests/e2e/html_ui.js CHROMIUM PAGE.html
'use strict';
const cdp = require('../../tools/cdp.js');

const [browser, file] = process.argv.slice(2);
const say = (name, text) => console.log(name + '\t' +
    String(text).replace(/\n/g, '|'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(p) {
	const zoom = () => p.text('#zoomline');
	// The canvas's place; frame rows are 18 pixels high.
	const box = await p.eval(`(() => { window.scrollTo(0, 0);
	    const r = document.getElementById('flame')
	    .getBoundingClientRect(); return [r.left, r.top]; })()`);
	const at = (row) => [box[0] + 10, box[1] + row * 18 + 9];

	say('start', await zoom());
	// The widest leaf is leftmost, on the last row with a frame at the
	// left edge (how deep depends on the frames below main).
	const tip = () => p.text('#tip:not([hidden]) .fn');
	let leaf = 0;
	for (let r = 1; r < 16; r++) {
		await p.mouse('mouseMoved', ...at(r));
		if (await tip() === '')
			break;
		leaf = r;
	}
	await p.mouse('mouseMoved', ...at(leaf));
	say('hover', await p.text('#tip:not([hidden]) div'));
	await p.click(...at(leaf));
	await p.frame();
	say('click', await zoom());
	await sleep(300);	/* the table follows the graph */
	say('click-table', await p.text('#listnote') + ' ' + await p.eval(
	    `document.querySelectorAll('#leaks tr.leak').length`));
	await p.eval(`document.getElementById('back').click(), 1`);
	await p.frame();
	say('back', await zoom());

	// Keys: down from the root to the widest leaf, zoom, back, the next
	// sibling, zoom, reset.
	await p.eval(`document.getElementById('flame').focus(), 1`);
	for (let r = 0; r < leaf; r++)
		await p.key('ArrowDown');
	await p.key('Enter');
	await p.frame();
	say('key-zoom', await zoom());
	say('key-tip', await p.text('#tip:not([hidden]) .fn'));
	await p.key('Backspace');
	await p.key('ArrowRight');
	await p.key('Enter');
	await p.frame();
	say('key-next', await zoom());
	await p.key('Home');
	await p.frame();
	say('key-home', await zoom());

	// The table: Bytes sorted largest first, then smallest first.
	const firstBytes = () => p.eval(`document.querySelector(
	    '#leaks tbody tr.leak td.num').textContent`);
	const bytesHead = `Array.from(document.querySelectorAll(
	    '#leaks th button')).find((b) => b.textContent === 'Bytes')`;
	await p.clickOn(bytesHead, 4);
	say('sort-down', await firstBytes());
	await p.clickOn(bytesHead, 4);
	say('sort-up', await firstBytes());
	// A row opens to its stack.
	await p.clickOn(`Array.from(document.querySelectorAll('#leaks td.fn'))
	    .find((td) => td.firstChild.textContent === 'helper')`, 4);
	say('stack', await p.text('#leaks tr.stack pre'));

	// Typing a search.
	await p.eval(`window.scrollTo(0, 0),
	    document.getElementById('search').focus(), 1`);
	await p.send('Input.insertText', { text: 'LEAK_S' });
	await sleep(400);
	say('search', await p.text('#match'));
	say('search-rows', await p.eval(`document.querySelectorAll(
	    '#leaks tr.leak').length`));
	say('errors', await p.text('#errors'));
}

cdp.withPage(browser, file, run, (e) => say('failed', e.message));
