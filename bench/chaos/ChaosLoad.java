import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of bench/chaos.sh: a mixed load against smart-stick for a set time, JDK only, run with
 * {@code java ChaosLoad.java --url=http://127.0.0.1:PORT ...} (see {@link #main} for the options).
 *
 * <ul>
 * <li>sticky GET clients: a new client's first request has no cookie; later ones send the
 * {@code X-Backend-ID} cookie of the last {@code Set-Cookie}; every 100 requests the client starts over;</li>
 * <li>new-client GETs: never a cookie;</li>
 * <li>POSTs, each with a unique {@code X-Request-Id} (the backends record every id they receive);</li>
 * <li>WebSocket sessions: the backend greets with {@code backend <id>}, then each message must come back
 * unchanged; half the sessions send a cookie for a random backend.</li>
 * </ul>
 * Every request carries a unique {@code X-Request-Id}, which the backend echoes: an answer that is not the
 * request's own counts as failed. At the end it reads the kill events bench/chaos.sh wrote ({@code <epoch
 * ms> kill <backend id> <pid>}), classifies each broken WebSocket session as broken by a kill of its backend
 * or not, and writes the counters ({@code key=value}) and the failures (one per line, with the time since
 * the last kill).
 */
public class ChaosLoad {

	static final String COOKIE = "X-Backend-ID";

	/** Most failure records kept for the report; counters go on counting. */
	static final int MAX_RECORDS = 5000;

	/** A session counts as broken by a kill if its backend was killed at most this long before it broke. */
	static final long KILL_WINDOW_MS = 15_000;

	final Map<String, String> options;

	final URI base;

	final long started = System.currentTimeMillis();

	final long deadline;

	final Duration timeout;

	final long pauseMs;

	final String run = Long.toString(System.currentTimeMillis(), 36);

	final HttpClient client;

	final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

	final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

	final AtomicInteger recorded = new AtomicInteger();

	record Failure(long at, String kind, int backend, long openedAt, String detail) {
	}

	record Kill(long at, int backend) {
	}

	record Event(long at, String what, int backend) {
	}

	ChaosLoad(Map<String, String> options) {
		this.options = options;
		this.base = URI.create(option("url", null));
		this.deadline = this.started + 1000L * Long.parseLong(option("duration", "30"));
		this.timeout = Duration.ofSeconds(Long.parseLong(option("timeout", "10")));
		this.pauseMs = Long.parseLong(option("pause-ms", "20"));
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	/**
	 * Options, each {@code --name=value}: {@code url} (required), {@code duration} (s, 30), {@code
	 * get-sticky} (clients, 2), {@code get-new} (1), {@code post} (1), {@code ws} (2), {@code pause-ms}
	 * (between two requests of one client, 20), {@code ws-messages} (per session, 30), {@code
	 * ws-interval-ms} (100), {@code timeout} (s per request, 10), {@code events} (kill events file), {@code
	 * out} (counters file), {@code failures} (failures file), {@code log} (smart-stick's log, read at the end for
	 * the backends it marked down), {@code ready} (file written once the clients start).
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new TreeMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			if (!arg.startsWith("--") || eq < 0) {
				System.err.println("ChaosLoad: expected --name=value, got '" + arg + "'");
				System.exit(2);
			}
			options.put(arg.substring(2, eq), arg.substring(eq + 1));
		}
		System.exit(new ChaosLoad(options).run());
	}

	String option(String name, String fallback) {
		String value = this.options.getOrDefault(name, fallback);
		if (value == null) {
			throw new IllegalArgumentException("missing --" + name + "=...");
		}
		return value;
	}

	int count(String name) {
		return Integer.parseInt(option(name, switch (name) {
			case "get-sticky", "ws" -> "2";
			default -> "1";
		}));
	}

	void add(String counter) {
		this.counters.computeIfAbsent(counter, (c) -> new LongAdder()).increment();
	}

	void fail(String kind, int backend, long openedAt, String detail) {
		if (this.recorded.incrementAndGet() <= MAX_RECORDS) {
			this.failures.add(new Failure(System.currentTimeMillis(), kind, backend, openedAt, detail));
		}
	}

	int run() throws Exception {
		String ready = this.options.get("ready");
		if (ready != null) {
			Files.writeString(Path.of(ready), "started\n");
		}
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < count("get-sticky"); i++) {
			threads.add(start("get-sticky-" + i, this::getSticky));
		}
		for (int i = 0; i < count("get-new"); i++) {
			threads.add(start("get-new-" + i, this::getNew));
		}
		for (int i = 0; i < count("post"); i++) {
			threads.add(start("post-" + i, this::post));
		}
		for (int i = 0; i < count("ws"); i++) {
			threads.add(start("ws-" + i, this::webSocket));
		}
		// each client finishes its last request or session, every wait in it is bounded
		long joinBy = this.deadline + 4 * this.timeout.toMillis() + 30_000;
		for (Thread thread : threads) {
			thread.join(Math.max(1, joinBy - System.currentTimeMillis()));
			if (thread.isAlive()) {
				add("client_still_running");
				System.err.println("ChaosLoad: " + thread.getName() + " did not finish in time");
			}
		}
		report();
		return 0;
	}

	Thread start(String name, Client body) {
		Thread thread = new Thread(() -> {
			int n = 0;
			while (System.currentTimeMillis() < this.deadline && n++ < 10_000_000) {
				try {
					body.once(name, n);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				catch (RuntimeException ex) {
					add("client_bug");
					fail("client-bug", -1, System.currentTimeMillis(), ex.toString());
				}
				pause(this.pauseMs);
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	interface Client {

		void once(String name, int n) throws InterruptedException;

	}

	static void pause(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// --- GET --------------------------------------------------------------------------------------

	final Map<String, String> stickyCookies = new ConcurrentHashMap<>();

	void getSticky(String name, int n) throws InterruptedException {
		if (n % 100 == 1) {
			this.stickyCookies.remove(name);
		}
		String cookie = this.stickyCookies.get(name);
		HttpResponse<String> response = get((cookie != null) ? "get_sticky" : "get_first", name, n, cookie);
		if (response != null) {
			setCookie(response).ifPresent((value) -> this.stickyCookies.put(name, value));
			if (cookie != null && setCookie(response).isEmpty()
					&& !cookie.equals(response.headers().firstValue("x-backend-id").orElse(""))) {
				add("get_sticky_moved_without_cookie");
				fail("GET sticky moved (not a goal)", -1, System.currentTimeMillis(), "cookie " + cookie
						+ " answered by " + response.headers().firstValue("x-backend-id").orElse("?")
						+ " without a new cookie");
			}
		}
	}

	void getNew(String name, int n) throws InterruptedException {
		get("get_new", name, n, null);
	}

	/** Sends one GET, counts it, and returns its response if it was a good answer. */
	HttpResponse<String> get(String kind, String name, int n, String cookie) throws InterruptedException {
		String id = this.run + "-" + name + "-" + n;
		HttpRequest.Builder request = HttpRequest.newBuilder(this.base.resolve("/item/" + n + "?client=" + name))
			.timeout(this.timeout)
			.header("X-Request-Id", id)
			.GET();
		if (cookie != null) {
			request.header("Cookie", COOKIE + "=" + cookie);
		}
		add("get_sent");
		add(kind + "_sent");
		long started = System.currentTimeMillis();
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			String backend = response.headers().firstValue("x-backend-id").orElse("?");
			if (status / 100 != 2) {
				add("get_failed");
				add("get_failed_" + status);
				fail("GET " + status, parse(backend), started,
						"id " + id + (cookie != null ? " cookie " + cookie : "") + ": " + oneLine(response.body()));
				return null;
			}
			String expected = "backend " + backend + " " + id;
			if (!response.body().trim().equals(expected)) {
				add("get_failed");
				add("get_failed_wrong_answer");
				fail("GET wrong answer", parse(backend), started,
						"id " + id + ": expected '" + expected + "', got '" + oneLine(response.body()) + "'");
				return null;
			}
			add("get_ok");
			return response;
		}
		catch (IOException ex) {
			add("get_failed");
			add("get_failed_transport");
			fail("GET transport", -1, started, "id " + id + (cookie != null ? " cookie " + cookie : "") + ": " + causes(ex));
			return null;
		}
	}

	static Optional<String> setCookie(HttpResponse<?> response) {
		for (String header : response.headers().allValues("set-cookie")) {
			if (header.startsWith(COOKIE + "=")) {
				int end = header.indexOf(';');
				return Optional.of(header.substring(COOKIE.length() + 1, (end < 0) ? header.length() : end));
			}
		}
		return Optional.empty();
	}

	// --- POST -------------------------------------------------------------------------------------

	void post(String name, int n) throws InterruptedException {
		String id = this.run + "-" + name + "-" + n;
		String body = "{\"id\":\"" + id + "\",\"payload\":\"" + "x".repeat(ThreadLocalRandom.current().nextInt(10, 2000)) + "\"}";
		HttpRequest request = HttpRequest.newBuilder(this.base.resolve("/orders"))
			.timeout(this.timeout)
			.header("X-Request-Id", id)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		add("post_sent");
		long started = System.currentTimeMillis();
		try {
			HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			int backend = parse(response.headers().firstValue("x-backend-id").orElse("?"));
			if (status == 502 || status == 503) {
				add("post_" + status);
				fail("POST " + status + " (allowed)", backend, started, "id " + id + ": " + oneLine(response.body()));
			}
			else if (status / 100 != 2) {
				add("post_failed_other");
				add("post_failed_" + status);
				fail("POST " + status, backend, started, "id " + id + ": " + oneLine(response.body()));
			}
			else if (!response.body().contains("\"id\":\"" + id + "\"")) {
				add("post_failed_other");
				add("post_failed_wrong_answer");
				fail("POST wrong answer", backend, started, "id " + id + ": got '" + oneLine(response.body()) + "'");
			}
			else {
				add("post_ok");
			}
		}
		catch (IOException ex) {
			add("post_failed_other");
			add("post_failed_transport");
			fail("POST transport", -1, started, "id " + id + ": " + causes(ex));
		}
	}

	// --- WebSocket --------------------------------------------------------------------------------

	static final class Session implements WebSocket.Listener {

		final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

		final CompletableFuture<String> closed = new CompletableFuture<>();

		final StringBuilder partial = new StringBuilder();

		/** The next message, or null if none came within the time or the session closed without one. */
		String next(long waitMs) throws InterruptedException {
			long end = System.currentTimeMillis() + waitMs;
			for (long left = waitMs; left > 0; left = end - System.currentTimeMillis()) {
				String message = this.messages.poll(Math.min(left, 100), TimeUnit.MILLISECONDS);
				if (message != null || (this.closed.isDone() && this.messages.isEmpty())) {
					return message;
				}
			}
			return null;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.messages.add(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete("close " + statusCode + (reason.isEmpty() ? "" : " " + reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.complete("error " + causes(error));
		}

	}

	void webSocket(String name, int n) throws InterruptedException {
		String id = this.run + "-" + name + "-" + n;
		int messages = Integer.parseInt(option("ws-messages", "30"));
		long interval = Long.parseLong(option("ws-interval-ms", "100"));
		long wait = this.timeout.toMillis();
		String scheme = "https".equals(this.base.getScheme()) ? "wss" : "ws";
		URI uri = URI.create(scheme + "://" + this.base.getRawAuthority() + "/socket?client=" + name);
		WebSocket.Builder builder = this.client.newWebSocketBuilder()
			.connectTimeout(this.timeout)
			.header("X-Request-Id", id);
		String cookie = null;
		if (n % 2 == 0) {
			cookie = Integer.toString(ThreadLocalRandom.current().nextInt(3));
			builder.header("Cookie", COOKIE + "=" + cookie);
		}
		Session session = new Session();
		add("ws_sent");
		long opened = System.currentTimeMillis();
		WebSocket socket;
		try {
			socket = builder.buildAsync(uri, session).get(wait, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			add("ws_open_failed");
			fail("WS open failed", -1, opened, "id " + id + (cookie != null ? " cookie " + cookie : "") + ": " + causes(ex));
			return;
		}
		add("ws_opened");
		int backend = -1;
		try {
			String greeting = session.next(wait);
			if (greeting == null || !greeting.startsWith("backend ")) {
				broken(session, backend, opened, "id " + id + ": no greeting, got " + greeting);
				return;
			}
			backend = parse(greeting.substring("backend ".length()));
			for (int i = 0; i < messages && !session.closed.isDone(); i++) {
				String message = id + " message " + i + " " + "y".repeat(ThreadLocalRandom.current().nextInt(0, 500));
				socket.sendText(message, true).get(wait, TimeUnit.MILLISECONDS);
				String echo = session.next(wait);
				if (!message.equals(echo)) {
					broken(session, backend, opened, "id " + id + ": message " + i + " came back as "
							+ ((echo != null) ? "'" + oneLine(echo) + "'"
									: session.closed.isDone() ? "nothing, the session closed" : "nothing within " + wait + " ms"));
					return;
				}
				add("ws_messages_echoed");
				pause(interval);
			}
			if (session.closed.isDone()) {
				broken(session, backend, opened, "id " + id + ": closed by the other side");
				return;
			}
			socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(wait, TimeUnit.MILLISECONDS);
			String end = session.closed.get(wait, TimeUnit.MILLISECONDS);
			if (end.startsWith("close 1000")) {
				add("ws_completed");
			}
			else {
				broken(session, backend, opened, "id " + id + ": closing got " + end);
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			broken(session, backend, opened, "id " + id + ": " + causes(ex));
		}
		finally {
			socket.abort();
		}
	}

	void broken(Session session, int backend, long opened, String detail) {
		String end = session.closed.getNow("still open");
		add("ws_broken");
		fail("WS broken", backend, opened, detail + " (" + end + ")");
	}

	// --- report -----------------------------------------------------------------------------------

	/** The events bench/chaos.sh wrote: {@code <epoch ms> kill|start <backend id> <pid>}, in time order. */
	List<Event> events() throws IOException {
		List<Event> events = new ArrayList<>();
		String file = this.options.get("events");
		if (file == null || !Files.exists(Path.of(file))) {
			return events;
		}
		for (String line : Files.readAllLines(Path.of(file))) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length >= 3) {
				events.add(new Event(Long.parseLong(fields[0]), fields[1], Integer.parseInt(fields[2])));
			}
		}
		return events;
	}

	/** Whether the backend's process was up (started and answering, not killed since) at the given time. */
	static boolean running(List<Event> events, int backend, long at) {
		boolean running = true; // started before the load, before the first event
		for (Event event : events) {
			if (event.at() > at) {
				break;
			}
			if (event.backend() == backend) {
				running = event.what().equals("start");
			}
		}
		return running;
	}

	static final Pattern DOWN = Pattern.compile("^(\\S+)\\s.*Backend (\\d+) \\(.*\\) is (down|back up): (.*)$");

	/**
	 * Counts the state changes in smart-stick's log, and those that took a backend down while its process was
	 * running (not killed): a healthy backend taken out of rotation.
	 */
	void readLog(List<Event> events, List<String> lines) throws IOException {
		String file = this.options.get("log");
		if (file == null || !Files.exists(Path.of(file))) {
			return;
		}
		this.counters.computeIfAbsent("log_down", (c) -> new LongAdder());
		this.counters.computeIfAbsent("log_down_while_running", (c) -> new LongAdder());
		for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
			Matcher matcher = DOWN.matcher(line);
			if (!matcher.matches()) {
				continue;
			}
			if (matcher.group(3).equals("back up")) {
				add("log_back_up");
				continue;
			}
			add("log_down");
			if (matcher.group(4).contains("(passive)")) {
				add("log_down_passive");
			}
			long at;
			try {
				at = OffsetDateTime.parse(matcher.group(1)).toInstant().toEpochMilli();
			}
			catch (DateTimeParseException ex) {
				continue;
			}
			int backend = Integer.parseInt(matcher.group(2));
			if (running(events, backend, at)) {
				add("log_down_while_running");
				lines.add(matcher.group(1) + " DOWN WHILE RUNNING [backend " + backend + "] "
						+ ((at < this.started) ? "(at start-up, before the load) " : "") + matcher.group(4));
			}
		}
	}

	/** The last kill of the given backend (any backend if -1) at or before the given time. */
	static Kill lastKill(List<Kill> kills, int backend, long at) {
		Kill last = null;
		for (Kill kill : kills) {
			if (kill.at() <= at && (backend < 0 || kill.backend() == backend) && (last == null || kill.at() > last.at())) {
				last = kill;
			}
		}
		return last;
	}

	void report() throws IOException {
		List<Event> events = events();
		List<Kill> kills = new ArrayList<>();
		for (Event event : events) {
			if (event.what().equals("kill")) {
				kills.add(new Kill(event.at(), event.backend()));
			}
		}
		List<String> lines = new ArrayList<>();
		readLog(events, lines);
		for (Failure failure : this.failures) {
			Kill last = lastKill(kills, -1, failure.at());
			String sinceKill = (last != null) ? (failure.at() - last.at()) + " ms after stopping backend " + last.backend()
					: "no kill before";
			if (failure.kind().equals("WS broken")) {
				// broken by a kill: its backend (or, if it never said which, any backend) was killed after
				// the session started and shortly before it broke
				Kill own = lastKill(kills, failure.backend(), failure.at());
				boolean byKill = own != null && own.at() >= failure.openedAt() - 1000
						&& failure.at() - own.at() <= KILL_WINDOW_MS;
				add(byKill ? "ws_broken_by_kill" : "ws_broken_other");
				lines.add(line(failure, (byKill ? "WS broken by stop" : "WS broken, no stop"), sinceKill));
			}
			else {
				lines.add(line(failure, failure.kind(), sinceKill));
			}
		}
		if (this.recorded.get() > MAX_RECORDS) {
			add("records_dropped");
		}
		lines.sort(null);
		Map<String, Long> sorted = new TreeMap<>();
		this.counters.forEach((key, value) -> sorted.put(key, value.sum()));
		sorted.put("kills", (long) kills.size());
		try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(option("out", "chaos-load.txt"))))) {
			sorted.forEach((key, value) -> out.println(key + "=" + value));
		}
		Files.write(Path.of(option("failures", "chaos-failures.txt")), lines, StandardCharsets.UTF_8);
	}

	static String line(Failure failure, String kind, String sinceKill) {
		return Instant.ofEpochMilli(failure.at()) + " " + kind
				+ ((failure.backend() >= 0) ? " [backend " + failure.backend() + "]" : "") + " (" + sinceKill + "; "
				+ (failure.at() - failure.openedAt()) + " ms after it started) " + failure.detail();
	}

	static int parse(String id) {
		try {
			return Integer.parseInt(id.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	static String oneLine(String text) {
		String line = text.replaceAll("\\s+", " ").trim();
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

	/** An exception's type and message, then its causes', outermost first. */
	static String causes(Throwable error) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = error; t != null && text.length() < 600; t = t.getCause()) {
			if (t instanceof ExecutionException && t.getCause() != null) {
				continue;
			}
			text.append((text.length() > 0) ? " <- " : "").append(t.getClass().getName());
			if (t.getMessage() != null) {
				text.append(": ").append(oneLine(t.getMessage()));
			}
		}
		return text.toString();
	}

}
