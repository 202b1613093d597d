package io.smartstick.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Mail providers that a nodemailer {@code email.service} can name, with their SMTP
 * settings.
 *
 * @author smart-stick
 */
enum WellKnownMailService {

	/**
	 * Gmail, implicit TLS.
	 */
	GMAIL("smtp.gmail.com", 465, true, "gmail"),

	/**
	 * Outlook, Hotmail and Office 365, STARTTLS.
	 */
	OFFICE365("smtp.office365.com", 587, false, "outlook", "hotmail", "office365"),

	/**
	 * Yahoo, implicit TLS.
	 */
	YAHOO("smtp.mail.yahoo.com", 465, true, "yahoo"),

	/**
	 * Zoho, implicit TLS.
	 */
	ZOHO("smtp.zoho.com", 465, true, "zoho"),

	/**
	 * iCloud, STARTTLS.
	 */
	ICLOUD("smtp.mail.me.com", 587, false, "icloud");

	private final String host;

	private final int port;

	private final boolean secure;

	private final List<String> names;

	WellKnownMailService(String host, int port, boolean secure, String... names) {
		this.host = host;
		this.port = port;
		this.secure = secure;
		this.names = List.of(names);
	}

	String host() {
		return this.host;
	}

	int port() {
		return this.port;
	}

	/**
	 * Whether the provider uses implicit TLS (SMTPS) rather than STARTTLS.
	 * @return {@code true} for implicit TLS
	 */
	boolean secure() {
		return this.secure;
	}

	/**
	 * Find the provider of the given service name, ignoring case.
	 * @param name the service name
	 * @return the provider or {@code null}
	 */
	static WellKnownMailService find(String name) {
		String normalized = name.trim().toLowerCase(Locale.ROOT);
		return Arrays.stream(values()).filter((service) -> service.names.contains(normalized)).findFirst().orElse(null);
	}

	/**
	 * Return the known service names, comma separated.
	 * @return the names
	 */
	static String names() {
		return Arrays.stream(values()).flatMap((service) -> service.names.stream()).collect(Collectors.joining(", "));
	}

}
