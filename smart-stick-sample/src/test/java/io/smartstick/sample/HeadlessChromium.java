package io.smartstick.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real headless Chromium driven through Selenium WebDriver: Debian's {@code chromium}
 * and {@code chromium-driver}, which {@code .ci/run} installs when they are missing. The
 * browser and driver are found on the machine, never downloaded; without them the test
 * fails and says how to install them.
 */
final class HeadlessChromium {

	private static final String[] BROWSERS = { "/usr/bin/chromium", "/usr/bin/chromium-browser",
			"/usr/bin/google-chrome" };

	private static final String[] DRIVERS = { "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver" };

	private HeadlessChromium() {
	}

	/**
	 * Start a browser.
	 * @return the driver, to {@link WebDriver#quit() quit} when done
	 */
	static WebDriver start() {
		String browser = find("SMARTSTICK_CHROMIUM", BROWSERS);
		String driver = find("SMARTSTICK_CHROMEDRIVER", DRIVERS);
		if (browser == null || driver == null) {
			fail("The dashboard's browser tests need Chromium and its WebDriver, which were not found ("
					+ describe("SMARTSTICK_CHROMIUM", "browser", browser, BROWSERS) + "; "
					+ describe("SMARTSTICK_CHROMEDRIVER", "driver", driver, DRIVERS)
					+ "). Install them with: sudo apt-get install -y chromium chromium-driver (.ci/run does so), or "
					+ "set SMARTSTICK_CHROMIUM and SMARTSTICK_CHROMEDRIVER to their paths.");
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(browser);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--no-first-run", "--disable-extensions", "--window-size=1440,1000");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
			.usingAnyFreePort()
			.build();
		ChromeDriver chrome = new ChromeDriver(service, options);
		chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		chrome.manage().window().setSize(new Dimension(1440, 1000));
		return chrome;
	}

	/**
	 * Save a screenshot of the page as PNG.
	 * @param browser the browser
	 * @param file where to save it
	 */
	static void screenshot(WebDriver browser, Path file) {
		try {
			Files.createDirectories(file.getParent());
			File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
			Files.copy(png.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String describe(String variable, String what, String found, String[] candidates) {
		if (found != null) {
			return what + " " + found;
		}
		String configured = System.getenv(variable);
		return (configured != null && !configured.isBlank()) ? variable + "=" + configured + " is not executable"
				: "no " + what + " at " + String.join(", ", candidates);
	}

	private static String find(String variable, String[] candidates) {
		String configured = System.getenv(variable);
		if (configured != null && !configured.isBlank()) {
			return new File(configured).canExecute() ? configured : null;
		}
		for (String candidate : candidates) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		return null;
	}

}
