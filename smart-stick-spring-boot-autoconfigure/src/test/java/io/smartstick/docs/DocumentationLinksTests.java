package io.smartstick.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every link of the user documentation (README.md, CONTRIBUTING.md, CHANGELOG.md,
 * docs/*.md and the starter's README.md) resolves: a relative link names a file or directory of the repository, and
 * its {@code #anchor} a heading of the Markdown file it points to, slugged as GitHub
 * does. Links stay inside the repository, except to a locally running load balancer.
 */
class DocumentationLinksTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/** Inline links and images: {@code [text](target)}, {@code ![alt](target "title")}. */
	private static final Pattern INLINE_LINK = Pattern
		.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\)");

	/** Reference definitions: {@code [name]: target}. */
	private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");

	/** Autolinks: {@code <https://...>}. */
	private static final Pattern AUTOLINK = Pattern.compile("<((?:https?|mailto):[^>\\s]+)>");

	/** Bare web addresses, which Git hosts render as links too. */
	private static final Pattern BARE_URL = Pattern.compile("(?<![(<\\w])https?://[^\\s)>`]+");

	private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

	private static final Pattern LOCAL_HOST = Pattern.compile("https?://(localhost|127\\.0\\.0\\.1)([:/].*)?");

	private final Map<Path, Set<String>> anchors = new HashMap<>();

	@Test
	void relativeLinksAndAnchorsResolve() {
		List<String> broken = new ArrayList<>();
		for (Path file : documentation()) {
			for (Link link : links(file)) {
				String problem = problem(file, link.target());
				if (problem != null) {
					broken.add(ROOT.relativize(file) + ":" + link.line() + ": " + link.target() + " (" + problem + ")");
				}
			}
		}
		assertThat(broken).as("broken links in the documentation").isEmpty();
	}

	@Test
	void linksStayInsideTheRepository() {
		List<String> outside = new ArrayList<>();
		for (Path file : documentation()) {
			for (Link link : links(file)) {
				if (isExternal(link.target()) && !LOCAL_HOST.matcher(link.target()).matches()) {
					outside.add(ROOT.relativize(file) + ":" + link.line() + ": " + link.target());
				}
			}
		}
		assertThat(outside).as("links pointing outside the repository (write what the reader needs here instead)")
			.isEmpty();
	}

	@Test
	void slugsFollowGitHub() {
		assertThat(slug("Using an original config.json")).isEqualTo("using-an-original-configjson");
		assertThat(slug("Operations: Actuator, health and metrics"))
			.isEqualTo("operations-actuator-health-and-metrics");
		assertThat(slug("Health contributor `smartstick`")).isEqualTo("health-contributor-smartstick");
		assertThat(slug("Chaos: faults under load")).isEqualTo("chaos-faults-under-load");
		assertThat(slug("What's next")).isEqualTo("whats-next");
		assertThat(slug("[Pools](pools.md) and discovery")).isEqualTo("pools-and-discovery");
		assertThat(slug("snake_case and  two spaces")).isEqualTo("snake_case-and--two-spaces");
	}

	private static List<Path> documentation() {
		List<Path> files = new ArrayList<>();
		for (String name : List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md",
				"smart-stick-spring-boot-starter/README.md")) {
			files.add(ROOT.resolve(name));
		}
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(files::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(files).allSatisfy((file) -> assertThat(file).isRegularFile());
		return files;
	}

	private String problem(Path file, String target) {
		if (isExternal(target) || target.startsWith("mailto:")) {
			return null;
		}
		int hash = target.indexOf('#');
		String path = (hash >= 0) ? target.substring(0, hash) : target;
		String anchor = (hash >= 0) ? target.substring(hash + 1) : null;
		if (path.startsWith("/")) {
			return "absolute path: make it relative to " + ROOT.relativize(file.getParent().toAbsolutePath());
		}
		Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
		if (!resolved.startsWith(ROOT)) {
			return "leaves the repository";
		}
		if (!Files.exists(resolved)) {
			return "no such file";
		}
		if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
			return "no heading with that anchor in " + ROOT.relativize(resolved);
		}
		return null;
	}

	private Set<String> anchors(Path file) {
		return this.anchors.computeIfAbsent(file, (path) -> {
			Set<String> slugs = new LinkedHashSet<>();
			Map<String, Integer> seen = new HashMap<>();
			for (Line line : lines(path)) {
				if (line.text().startsWith("#")) {
					String base = slug(line.text().replaceFirst("^#+\\s*", "").replaceFirst("\\s+#+\\s*$", ""));
					int count = seen.merge(base, 1, Integer::sum);
					slugs.add((count == 1) ? base : base + "-" + (count - 1));
				}
				Matcher html = HTML_ANCHOR.matcher(line.text());
				while (html.find()) {
					slugs.add(html.group(1));
				}
			}
			return slugs;
		});
	}

	/** GitHub's heading anchor: link text kept, lower case, punctuation dropped, spaces to hyphens. */
	static String slug(String heading) {
		String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
		return text.toLowerCase().replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
	}

	private static boolean isExternal(String target) {
		return target.matches("(?i)[a-z][a-z0-9+.-]*:.*");
	}

	private static List<Link> links(Path file) {
		List<Link> links = new ArrayList<>();
		for (Line line : lines(file)) {
			String text = line.text().replaceAll("`[^`]*`", "``");
			for (Pattern pattern : List.of(INLINE_LINK, AUTOLINK, BARE_URL)) {
				Matcher matcher = pattern.matcher(text);
				while (matcher.find()) {
					String target = (matcher.groupCount() > 0) ? matcher.group(1) : matcher.group();
					if (!target.isEmpty()) {
						links.add(new Link(target, line.number()));
					}
				}
			}
			Matcher reference = REFERENCE_LINK.matcher(text);
			if (reference.matches()) {
				links.add(new Link(reference.group(1), line.number()));
			}
		}
		return links;
	}

	/** The lines of a Markdown file outside fenced code blocks and HTML comments. */
	private static List<Line> lines(Path file) {
		List<String> all;
		try {
			all = Files.readAllLines(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Line> lines = new ArrayList<>();
		boolean fenced = false;
		boolean comment = false;
		for (int i = 0; i < all.size(); i++) {
			String line = all.get(i);
			if (!comment && line.trim().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			if (fenced) {
				continue;
			}
			StringBuilder visible = new StringBuilder();
			int at = 0;
			while (at < line.length()) {
				if (comment) {
					int end = line.indexOf("-->", at);
					if (end < 0) {
						at = line.length();
					}
					else {
						comment = false;
						at = end + 3;
					}
				}
				else {
					int start = line.indexOf("<!--", at);
					if (start < 0) {
						visible.append(line, at, line.length());
						at = line.length();
					}
					else {
						visible.append(line, at, start);
						comment = true;
						at = start + 4;
					}
				}
			}
			lines.add(new Line(visible.toString(), i + 1));
		}
		return lines;
	}

	private record Line(String text, int number) {
	}

	private record Link(String target, int line) {
	}

}
