package io.smartstick.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static io.smartstick.config.OriginalConfigJsonTests.assertThatFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link OriginalEmailConfig}.
 *
 * @author smart-stick
 */
class OriginalEmailConfigTests {

	@Test
	void gmailUsesImplicitTls() {
		assertThat(map("""
				{ "email": { "service": "gmail", "auth": { "user": "me@gmail.com", "pass": "pw" } } }"""))
			.containsExactly(entry("spring.mail.host", "smtp.gmail.com"), entry("spring.mail.port", "465"),
					entry("spring.mail.protocol", "smtps"), entry("spring.mail.username", "me@gmail.com"),
					entry("spring.mail.password", "pw"), entry("smartstick.alerts.from", "me@gmail.com"));
	}

	@Test
	void serviceNamesMatchIgnoringCase() {
		assertThat(map("{ \"email\": { \"service\": \"Outlook\" } }")).containsExactly(
				entry("spring.mail.host", "smtp.office365.com"), entry("spring.mail.port", "587"),
				entry("spring.mail.properties[mail.smtp.starttls.enable]", "true"),
				entry("spring.mail.properties[mail.smtp.starttls.required]", "true"));
		assertThat(map("{ \"email\": { \"service\": \"HOTMAIL\" } }")).containsEntry("spring.mail.host",
				"smtp.office365.com");
		assertThat(map("{ \"email\": { \"service\": \"office365\" } }")).containsEntry("spring.mail.port", "587");
	}

	@Test
	void everyWellKnownServiceHasHostPortAndTls() {
		assertThat(map("{ \"email\": { \"service\": \"yahoo\" } }")).containsEntry("spring.mail.host",
				"smtp.mail.yahoo.com")
			.containsEntry("spring.mail.port", "465")
			.containsEntry("spring.mail.protocol", "smtps");
		assertThat(map("{ \"email\": { \"service\": \"zoho\" } }")).containsEntry("spring.mail.host", "smtp.zoho.com")
			.containsEntry("spring.mail.port", "465")
			.containsEntry("spring.mail.protocol", "smtps");
		assertThat(map("{ \"email\": { \"service\": \"icloud\" } }")).containsEntry("spring.mail.host",
				"smtp.mail.me.com")
			.containsEntry("spring.mail.port", "587")
			.containsEntry("spring.mail.properties[mail.smtp.starttls.required]", "true")
			.doesNotContainKey("spring.mail.protocol");
	}

	@Test
	void explicitSettingsWinOverService() {
		assertThat(map("{ \"email\": { \"service\": \"gmail\", \"port\": 587, \"secure\": false } }")).containsExactly(
				entry("spring.mail.host", "smtp.gmail.com"), entry("spring.mail.port", "587"),
				entry("spring.mail.properties[mail.smtp.starttls.enable]", "true"),
				entry("spring.mail.properties[mail.smtp.starttls.required]", "true"));
	}

	@Test
	void hostAndPortWithoutServiceUseSecureForImplicitTls() {
		assertThat(map("{ \"email\": { \"host\": \"mail.example.com\", \"port\": 465, \"secure\": true } }"))
			.containsExactly(entry("spring.mail.host", "mail.example.com"), entry("spring.mail.port", "465"),
					entry("spring.mail.protocol", "smtps"));
		assertThat(map("{ \"email\": { \"host\": \"localhost\", \"port\": 2525, \"secure\": false } }"))
			.containsExactly(entry("spring.mail.host", "localhost"), entry("spring.mail.port", "2525"));
	}

	@Test
	void fromWinsOverAuthUserAsAlertSender() {
		assertThat(map("""
				{ "email": { "host": "h", "from": "lb@example.com", "auth": { "user": "me" } } }"""))
			.containsEntry("smartstick.alerts.from", "lb@example.com")
			.containsEntry("spring.mail.username", "me");
	}

	@Test
	void unknownServiceListsKnownServicesAndSuggestsHostAndPort() {
		assertThatFails("""
				{ "email": { "service": "sendgrid", "auth": { "user": "me", "pass": "hunter2" } } }""",
				"$.email.service", "Unknown email service 'sendgrid'",
				"Use one of the known services (gmail, outlook, hotmail, office365, yahoo, zoho, icloud), or remove "
						+ "'service' and set 'host' and 'port' (and \"secure\": true for implicit TLS) instead.");
	}

	@Test
	void secureMustBeTrueOrFalse() {
		assertThatFails("{ \"email\": { \"host\": \"h\", \"secure\": 1 } }", "$.email.secure",
				"Expected true or false for 'secure', but found a number",
				"Set 'secure' to true for implicit TLS (SMTPS, usually port 465) or false for STARTTLS.");
	}

	/**
	 * The properties of a config.json holding the given email settings and the port the
	 * original requires, less the port's own property.
	 */
	private static Map<String, Object> map(String json) {
		Map<String, Object> properties = OriginalConfigJsonTests.map(json.replaceFirst("\\{", "{ \"port\": 3001,"));
		assertThat(properties.remove("server.port")).isEqualTo("3001");
		return properties;
	}

	@Test
	void passwordOfWrongTypeIsNotEchoed() {
		assertThatFails("{ \"email\": { \"auth\": { \"user\": \"me\", \"pass\": [ \"hunter2\" ] } } }",
				"$.email.auth.pass", "Expected a string, number or boolean for 'pass', but found an array", null);
	}

}
