import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * Start-up analysis, not part of the build: runs the sample application (or the class named
 * by -Dstartup.main) with Spring's BufferingApplicationStartup, then prints where the start-up
 * went (phases, slowest beans by total and by own time), whether the load balancer's child
 * context exists before the first request, and how long the first proxied requests take.
 * Compiled and run by bench/startup.sh --steps; see "Start-up" in bench/README.md.
 */
public class StartupSteps {

	public static void main(String[] args) throws Exception {
		long mainEntered = System.currentTimeMillis();
		Instant jvmStart = ProcessHandle.current().info().startInstant().orElse(Instant.ofEpochMilli(mainEntered));
		Class<?> mainClass = Class.forName(System.getProperty("startup.main", "io.smartstick.sample.SampleApplication"));
		SpringApplication application = new SpringApplication(mainClass);
		application.setMainApplicationClass(mainClass);
		BufferingApplicationStartup startup = new BufferingApplicationStartup(500_000);
		application.setApplicationStartup(startup);
		long runStart = System.nanoTime();
		ConfigurableApplicationContext context = application.run(args);
		long runMs = (System.nanoTime() - runStart) / 1_000_000;

		System.out.println();
		System.out.println("== start-up steps (ms) ==");
		System.out.printf("JVM start -> main():           %6d%n", mainEntered - jvmStart.toEpochMilli());
		System.out.printf("SpringApplication.run():       %6d%n", runMs);
		List<TimelineEvent> events = startup.getBufferedTimeline().getEvents();
		Map<Long, Long> childTime = new HashMap<>();
		for (TimelineEvent event : events) {
			Long parent = event.getStartupStep().getParentId();
			if (parent != null) {
				childTime.merge(parent, event.getDuration().toMillis(), Long::sum);
			}
		}
		System.out.println();
		System.out.println("-- top-level and context phases (total ms) --");
		for (TimelineEvent event : events) {
			String name = event.getStartupStep().getName();
			if (!name.equals("spring.beans.instantiate") && !name.equals("spring.context.annotated-bean-reader.create")
					&& event.getDuration().toMillis() >= 20) {
				System.out.printf("%6d  %s%s%n", event.getDuration().toMillis(), name, tags(event.getStartupStep()));
			}
		}
		List<TimelineEvent> beans = new ArrayList<>(events.stream()
			.filter((event) -> event.getStartupStep().getName().equals("spring.beans.instantiate"))
			.toList());
		System.out.println();
		System.out.println("-- beans: own time (ms, without the beans they create), top 30 of " + beans.size() + " --");
		beans.sort(Comparator.comparingLong((TimelineEvent event) -> ownMs(event, childTime)).reversed());
		beans.stream()
			.limit(30)
			.forEach((event) -> System.out.printf("%6d  %s%n", ownMs(event, childTime), tags(event.getStartupStep())));
		long own = beans.stream().mapToLong((event) -> ownMs(event, childTime)).sum();
		System.out.printf("sum of own time of all beans: %d ms%n", own);

		LoadBalancerClientFactory factory = context.getBeanProvider(LoadBalancerClientFactory.class).getIfAvailable();
		System.out.println();
		System.out.println("-- first requests --");
		if (factory != null) {
			System.out.println("load-balancer child contexts after start-up: " + factory.getContextNames());
		}
		if (context instanceof WebServerApplicationContext web) {
			int port = web.getWebServer().getPort();
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			for (int i = 1; i <= 3; i++) {
				long t = System.nanoTime();
				HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
					.timeout(Duration.ofSeconds(30))
					.build(), HttpResponse.BodyHandlers.ofString());
				System.out.printf("request %d: %d ms, status %d, x-backend-id %s%n", i, (System.nanoTime() - t) / 1_000_000,
						response.statusCode(), response.headers().firstValue("x-backend-id").orElse("-"));
				if (i == 1 && factory != null) {
					System.out.println("load-balancer child contexts after the first request: " + factory.getContextNames());
				}
			}
		}
		context.close();
	}

	private static long ownMs(TimelineEvent event, Map<Long, Long> childTime) {
		return Math.max(0, event.getDuration().toMillis() - childTime.getOrDefault(event.getStartupStep().getId(), 0L));
	}

	private static String tags(StartupStep step) {
		StringBuilder out = new StringBuilder();
		step.getTags().forEach((tag) -> out.append(' ').append(tag.getKey()).append('=').append(tag.getValue()));
		return out.toString();
	}

}
