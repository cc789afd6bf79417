// html_holder.js: open every leak's row of an mdump -o html page in
// headless Chromium (cdp.js), clicking each as a person would, and
// print the text each opened row shows, one line per row (line breaks
// as "|"), for tests/e2e/holder_decl.sh to look for what holds a leak.
//
// usage: node tests/e2e/html_holder.js CHROMIUM PAGE.html
'use strict';
const cdp = require('../../tools/cdp.js');

const [browser, file] = process.argv.slice(2);

async function run(p) {
	const n = await p.eval(`document.querySelectorAll(
	    '#leaks tr.leak').length`);
	for (let i = 0; i < n; i++)
		await p.clickOn(`document.querySelectorAll('#leaks tr.leak')[
		    ${i}]`, 4);
	const rows = await p.eval(`Array.from(document.querySelectorAll(
	    '#leaks tr.stack pre')).map((e) => e.textContent)`);
	for (const t of rows)
		console.log(t.replace(/\n/g, '|'));
	console.log('errors\t' + await p.eval(
	    `document.getElementById('errors').textContent`));
}

cdp.withPage(browser, file, run,
    (e) => console.log('failed\t' + e.message));
