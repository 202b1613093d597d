// smart-stick dashboard: renders the load balancer's pools from one Server-Sent Events stream
// (a snapshot on connect, then one update per interval). No library, no inline script or style.
'use strict';
(function () {
	const SVG = 'http://www.w3.org/2000/svg';
	const SEVERITY = { DOWN: 0, GOING_DOWN: 1, COMING_UP: 2, MAINTENANCE: 3, DRAINING: 4, UP: 5 };
	const ACTIONS = [['drain', 'Drain'], ['maintenance', 'Maintenance'], ['ready', 'Ready']];
	const view = { writes: null, points: 60, pools: [], rows: new Map(), order: '' };
	let source = null;

	function $(id) {
		return document.getElementById(id);
	}

	function el(tag, className, text) {
		const node = document.createElement(tag);
		if (className) {
			node.className = className;
		}
		if (text !== undefined && text !== null) {
			node.textContent = text;
		}
		return node;
	}

	function setText(node, text) {
		if (node.textContent !== text) {
			node.textContent = text;
		}
	}

	function fixed(value, digits) {
		return (value === null || value === undefined) ? '–' : value.toFixed(digits);
	}

	function millis(value) {
		if (value === null || value === undefined) {
			return '–';
		}
		return value < 10 ? value.toFixed(2) + ' ms' : value < 100 ? value.toFixed(1) + ' ms' : Math.round(value) + ' ms';
	}

	function percent(value) {
		return (value === null || value === undefined) ? '–' : (value * 100).toFixed(value < 0.1 ? 2 : 1) + '%';
	}

	function duration(ms) {
		const s = Math.max(0, Math.floor(ms / 1000));
		if (s < 60) {
			return s + 's';
		}
		if (s < 3600) {
			return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
		}
		if (s < 86400) {
			return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
		}
		return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
	}

	function clock(epochMillis) {
		return new Date(epochMillis).toLocaleTimeString();
	}

	function key(pool, id) {
		return pool + '/' + id;
	}

	// --- connection -------------------------------------------------------------------------

	function setConnection(state, text) {
		const node = $('connection');
		node.className = 'connection ' + state;
		setText(node, text);
	}

	function connect() {
		source = new EventSource('events');
		source.addEventListener('snapshot', (event) => snapshot(JSON.parse(event.data)));
		source.addEventListener('update', (event) => update(JSON.parse(event.data)));
		source.addEventListener('open', () => setConnection('live', 'Live'));
		source.addEventListener('error', () => {
			if (source.readyState === EventSource.CLOSED) {
				// the browser gave up (the server answered with an error): try again ourselves
				setConnection('lost', 'Disconnected, retrying…');
				setTimeout(connect, 3000);
			}
			else {
				setConnection('lost', 'Reconnecting…');
			}
		});
	}

	// --- sparklines --------------------------------------------------------------------------

	function sparkline(label) {
		const svg = document.createElementNS(SVG, 'svg');
		svg.setAttribute('class', 'spark');
		svg.setAttribute('viewBox', '0 0 60 16');
		svg.setAttribute('preserveAspectRatio', 'none');
		svg.setAttribute('role', 'img');
		svg.setAttribute('aria-label', label);
		const line = document.createElementNS(SVG, 'polyline');
		svg.appendChild(line);
		return { svg: svg, line: line };
	}

	function drawSparkline(spark, values) {
		const known = values.filter((v) => v !== null && v !== undefined);
		if (known.length === 0) {
			spark.line.setAttribute('points', '');
			return;
		}
		const max = Math.max.apply(null, known) || 1;
		const step = 60 / Math.max(view.points - 1, 1);
		const start = 60 - (values.length - 1) * step;
		const points = [];
		values.forEach((v, i) => {
			if (v !== null && v !== undefined) {
				points.push((start + i * step).toFixed(1) + ',' + (15 - (v / max) * 14).toFixed(1));
			}
		});
		spark.line.setAttribute('points', points.join(' '));
	}

	// --- building the page -------------------------------------------------------------------

	function header(labels) {
		const thead = el('thead');
		const tr = el('tr');
		labels.forEach(([label, className]) => {
			const th = el('th', className, label);
			th.scope = 'col';
			tr.appendChild(th);
		});
		thead.appendChild(tr);
		return thead;
	}

	function buildRow(pool, backend) {
		const tr = el('tr');
		tr.dataset.pool = pool.name;
		tr.dataset.id = String(backend.id);
		const row = { tr: tr, pool: pool.name, backend: backend, cells: {}, history: backend.history || [] };
		const cells = row.cells;
		const td = (name, className) => {
			const cell = el('td', className);
			cells[name] = cell;
			tr.appendChild(cell);
			return cell;
		};
		td('id', 'num').textContent = String(backend.id);
		const url = td('url', 'url');
		url.textContent = backend.url;
		url.title = backend.url + ' (health check ' + backend.healthPath + ')';
		const state = td('state');
		cells.badge = el('span', 'state');
		cells.badge.dataset.state = '';
		cells.detail = el('span', 'detail');
		state.appendChild(cells.badge);
		state.appendChild(cells.detail);
		td('weight', 'num');
		td('inFlight', 'num');
		td('websockets', 'num');
		const rps = td('rps', 'num');
		cells.rpsText = el('span');
		row.rpsSpark = sparkline('requests per second, last minute');
		rps.appendChild(cells.rpsText);
		rps.appendChild(row.rpsSpark.svg);
		td('p50', 'num');
		const p99 = td('p99', 'num');
		cells.p99Text = el('span');
		row.p99Spark = sparkline('p99 latency per second, last minute');
		p99.appendChild(cells.p99Text);
		p99.appendChild(row.p99Spark.svg);
		const errors = td('errors', 'num');
		cells.errorsText = el('span');
		row.errorSpark = sparkline('error rate per second, last minute');
		errors.appendChild(cells.errorsText);
		errors.appendChild(row.errorSpark.svg);
		const check = td('check');
		cells.checkText = el('span');
		cells.checkDetail = el('span', 'detail');
		check.appendChild(cells.checkText);
		check.appendChild(cells.checkDetail);
		if (view.writes && view.writes.allowed) {
			const actions = el('div', 'actions');
			cells.buttons = {};
			ACTIONS.forEach(([state, label]) => {
				const button = el('button', null, label);
				button.type = 'button';
				button.dataset.action = state;
				button.setAttribute('aria-label', label + ' backend ' + backend.id + ' of pool ' + pool.name);
				button.addEventListener('click', () => changeState(row, state));
				cells.buttons[state] = button;
				actions.appendChild(button);
			});
			td('actions').appendChild(actions);
		}
		return row;
	}

	function buildPool(pool) {
		const section = el('section', 'pool');
		section.dataset.pool = pool.name;
		const head = el('div', 'pool-head');
		const title = el('h2', null, 'Pool ' + pool.name);
		const meta = el('span', 'totals', 'strategy ' + pool.strategy);
		const totals = el('span', 'totals');
		head.appendChild(title);
		head.appendChild(meta);
		head.appendChild(totals);
		section.appendChild(head);
		const labels = [['ID', 'num'], ['URL'], ['State'], ['Weight', 'num'], ['In flight', 'num'],
			['WebSockets', 'num'], ['Req/s', 'num'], ['p50', 'num'], ['p99', 'num'], ['Errors', 'num'],
			['Last check']];
		if (view.writes && view.writes.allowed) {
			labels.push(['Actions']);
		}
		const table = el('table');
		table.setAttribute('aria-label', 'Backends of pool ' + pool.name);
		table.appendChild(header(labels));
		const body = el('tbody');
		table.appendChild(body);
		const wrap = el('div', 'table-wrap');
		wrap.appendChild(table);
		section.appendChild(wrap);
		return { name: pool.name, section: section, totals: totals, body: body, rows: [] };
	}

	function snapshot(doc) {
		view.writes = doc.writes;
		view.points = Math.max(2, Math.round(60000 / doc.interval));
		const writes = $('writes');
		writes.textContent = doc.writes.allowed ? '' : 'Read-only: ' + doc.writes.reason;
		const main = $('pools');
		main.replaceChildren();
		view.rows = new Map();
		view.pools = doc.pools.map((pool) => {
			const built = buildPool(pool);
			pool.backends.forEach((backend) => {
				const row = buildRow(pool, backend);
				built.rows.push(row);
				view.rows.set(key(pool.name, backend.id), row);
				built.body.appendChild(row.tr);
			});
			main.appendChild(built.section);
			return built;
		});
		view.order = '';
		render(doc);
	}

	function update(doc) {
		doc.pools.forEach((pool) => pool.backends.forEach((backend) => {
			const row = view.rows.get(key(pool.name, backend.id));
			if (row) {
				row.backend = Object.assign(row.backend, backend);
				if (backend.point) {
					row.history.push(backend.point);
					if (row.history.length > view.points) {
						row.history.splice(0, row.history.length - view.points);
					}
				}
			}
		}));
		render(doc);
	}

	// --- rendering ---------------------------------------------------------------------------

	function render(doc) {
		const byName = new Map(doc.pools.map((pool) => [pool.name, pool]));
		view.pools.forEach((pool) => {
			const data = byName.get(pool.name);
			if (data) {
				const t = data.totals;
				setText(pool.totals, t.up + ' of ' + t.backends + ' up · ' + t.inFlight + ' in flight · '
					+ t.websockets + ' WebSockets · ' + fixed(t.rps, 1) + ' req/s · ' + percent(t.errorRate) + ' errors');
			}
			pool.rows.forEach((row) => renderRow(row, doc.time));
		});
		sortAndFilter();
		renderChanges(doc.changes);
	}

	function renderRow(row, now) {
		const b = row.backend;
		const c = row.cells;
		const label = b.state.replace('_', ' ') + (b.progress ? ' ' + b.progress : '');
		setText(c.badge, label);
		if (c.badge.dataset.state !== b.state) {
			c.badge.dataset.state = b.state;
			c.badge.className = 'state state-' + b.state;
		}
		const admin = (b.admin !== 'ready' && b.state !== 'DRAINING' && b.state !== 'MAINTENANCE') ? ' · admin ' + b.admin : '';
		setText(c.detail, 'for ' + duration(now - b.since) + ' · ' + b.cause + admin);
		c.detail.title = 'since ' + new Date(b.since).toLocaleString() + ': ' + b.cause;
		setText(c.weight, String(b.weight));
		setText(c.inFlight, String(b.inFlight));
		setText(c.websockets, String(b.websockets));
		setText(c.rpsText, fixed(b.rps, 1));
		setText(c.p50, millis(b.p50));
		setText(c.p99Text, millis(b.p99));
		setText(c.errorsText, percent(b.errorRate));
		drawSparkline(row.rpsSpark, row.history.map((p) => p[0]));
		drawSparkline(row.p99Spark, row.history.map((p) => p[1]));
		drawSparkline(row.errorSpark, row.history.map((p) => p[2]));
		const check = b.check;
		if (check.passed === null) {
			setText(c.checkText, 'not checked yet');
			c.checkText.className = '';
		}
		else {
			setText(c.checkText, (check.passed ? '✓ ' : '✗ ') + millis(check.latency));
			c.checkText.className = check.passed ? '' : 'check-failed';
		}
		setText(c.checkDetail, (check.result || '') + (check.time ? ' · ' + duration(now - check.time) + ' ago' : ''));
		if (c.buttons) {
			ACTIONS.forEach(([state]) => {
				const current = b.admin === state;
				c.buttons[state].setAttribute('aria-pressed', String(current));
			});
		}
		row.text = (row.pool + ' ' + b.id + ' ' + b.url + ' ' + b.state + ' ' + b.admin + ' ' + b.cause).toLowerCase();
	}

	function compare(sort) {
		const value = {
			state: (r) => SEVERITY[r.backend.state],
			rps: (r) => -r.backend.rps,
			p99: (r) => -(r.backend.p99 || 0),
			errors: (r) => -(r.backend.errorRate || 0)
		}[sort];
		return value ? (a, b) => (value(a) - value(b)) || (a.index - b.index) : (a, b) => a.index - b.index;
	}

	function sortAndFilter() {
		const sort = $('sort').value;
		const query = $('filter').value.trim().toLowerCase();
		view.pools.forEach((pool) => {
			pool.rows.forEach((row, index) => {
				row.index = index;
				const hidden = query !== '' && !query.split(/\s+/).every((word) => row.text.includes(word));
				if (row.tr.classList.contains('hidden') !== hidden) {
					row.tr.classList.toggle('hidden', hidden);
				}
			});
			const sorted = pool.rows.slice().sort(compare(sort));
			const order = sorted.map((row) => row.backend.id).join(',');
			if (pool.order !== order) {
				pool.order = order;
				sorted.forEach((row) => pool.body.appendChild(row.tr));
			}
			const visible = pool.rows.some((row) => !row.tr.classList.contains('hidden'));
			pool.section.classList.toggle('hidden', !visible);
		});
	}

	function renderChanges(changes) {
		const list = $('changes');
		const signature = changes.length ? changes[0].time + '/' + changes.length + '/' + changes[0].pool + changes[0].id : '';
		if (list.dataset.signature === signature) {
			return;
		}
		list.dataset.signature = signature;
		list.replaceChildren();
		if (changes.length === 0) {
			list.appendChild(el('li', 'empty', 'No state change since start-up.'));
			return;
		}
		changes.forEach((change) => {
			const item = el('li');
			const time = el('time', null, clock(change.time));
			time.dateTime = new Date(change.time).toISOString();
			item.appendChild(time);
			item.appendChild(el('span', null, 'pool ' + change.pool + ', backend ' + change.id + ': '));
			item.appendChild(el('span', 'to-' + change.to, change.from + ' → ' + change.to));
			item.appendChild(el('span', null, ' (' + change.cause + ')'));
			list.appendChild(item);
		});
	}

	// --- admin actions -----------------------------------------------------------------------

	function say(text, error) {
		const message = $('message');
		message.className = 'message' + (error ? ' error' : '');
		message.textContent = text;
	}

	function changeState(row, state) {
		const url = view.writes.endpoint + '/' + encodeURIComponent(row.pool) + '/' + row.backend.id;
		const buttons = Object.values(row.cells.buttons);
		buttons.forEach((button) => { button.disabled = true; });
		fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ state: state }),
			credentials: 'same-origin'
		}).then((response) => response.json().catch(() => ({})).then((body) => {
			if (!response.ok) {
				throw new Error(body.error || ('HTTP ' + response.status + ' from ' + url));
			}
			row.backend.admin = body.adminState;
			say('Pool ' + row.pool + ', backend ' + row.backend.id + ': ' + body.adminState
				+ (body.changed ? '' : ' (unchanged)') + '.', false);
		})).catch((error) => {
			say('Could not set pool ' + row.pool + ', backend ' + row.backend.id + ' to ' + state + ': '
				+ error.message, true);
		}).finally(() => {
			buttons.forEach((button) => { button.disabled = false; });
		});
	}

	document.addEventListener('DOMContentLoaded', () => {
		$('controls').addEventListener('submit', (event) => event.preventDefault());
		$('filter').addEventListener('input', sortAndFilter);
		$('sort').addEventListener('change', sortAndFilter);
		connect();
	});
}());
