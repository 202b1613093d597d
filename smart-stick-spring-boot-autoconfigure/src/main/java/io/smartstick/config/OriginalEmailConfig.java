package io.smartstick.config;

import tools.jackson.databind.JsonNode;

/**
 * Maps the nodemailer {@code email} object of an original-format {@code config.json} to
 * {@code spring.mail.*} properties and the alert sender. Like nodemailer, explicit
 * {@code host}, {@code port} and {@code secure} win over the settings of a well-known
 * {@code service}.
 *
 * @author smart-stick
 */
final class OriginalEmailConfig {

	private static final String STARTTLS = "spring.mail.properties[mail.smtp.starttls.";

	private final OriginalConfigJson json;

	OriginalEmailConfig(OriginalConfigJson json) {
		this.json = json;
	}

	void map(JsonNode email, String path) {
		if (!this.json.object(email, path, ConfigFileSection.EMAIL)) {
			return;
		}
		String servicePath = path + ".service";
		WellKnownMailService service = service(email.get("service"), servicePath);
		putOrDefault(email, path, "host", "spring.mail.host", (service != null) ? service.host() : null,
				servicePath);
		putOrDefault(email, path, "port", "spring.mail.port",
				(service != null) ? String.valueOf(service.port()) : null, servicePath);
		String securePath = path + ".secure";
		Boolean secure = secure(email.get("secure"), securePath);
		String tlsPath = (secure != null) ? securePath : servicePath;
		if ((secure != null) ? secure : (service != null && service.secure())) {
			this.json.put("spring.mail.protocol", "smtps", tlsPath);
		}
		else if (service != null) {
			this.json.put(STARTTLS + "enable]", "true", tlsPath);
			this.json.put(STARTTLS + "required]", "true", tlsPath);
		}
		String userPath = path + ".auth.user";
		String user = mapAuth(email.get("auth"), path + ".auth");
		String from = this.json.scalar(email.get("from"), path + ".from", "from");
		if (from != null) {
			this.json.put("smartstick.alerts.from", from, path + ".from");
		}
		else if (user != null) {
			this.json.put("smartstick.alerts.from", user, userPath);
		}
	}

	private WellKnownMailService service(JsonNode node, String path) {
		String name = this.json.scalar(node, path, "service");
		if (name == null) {
			return null;
		}
		WellKnownMailService service = WellKnownMailService.find(name);
		if (service == null) {
			throw this.json.error(path, String.format("Unknown email service '%s'", name), String.format(
					"Use one of the known services (%s), or remove 'service' and set 'host' and 'port' "
							+ "(and \"secure\": true for implicit TLS) instead.",
					WellKnownMailService.names()));
		}
		return service;
	}

	private void putOrDefault(JsonNode email, String path, String key, String property, String defaultValue,
			String defaultPath) {
		String value = this.json.scalar(email.get(key), path + "." + key, key);
		if (value != null) {
			this.json.put(property, value, path + "." + key);
		}
		else if (defaultValue != null) {
			this.json.put(property, defaultValue, defaultPath);
		}
	}

	private Boolean secure(JsonNode node, String path) {
		String value = this.json.scalar(node, path, "secure");
		if (value == null) {
			return null;
		}
		if (!node.isNumber() && ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))) {
			return Boolean.valueOf(value);
		}
		throw this.json.error(path, "Expected true or false for 'secure', but found " + OriginalConfigJson.typeOf(node),
				"Set 'secure' to true for implicit TLS (SMTPS, usually port 465) or false for STARTTLS.");
	}

	private String mapAuth(JsonNode auth, String path) {
		if (!this.json.object(auth, path, ConfigFileSection.EMAIL_AUTH)) {
			return null;
		}
		String user = this.json.scalar(auth.get("user"), path + ".user", "user");
		if (user != null) {
			this.json.put("spring.mail.username", user, path + ".user");
		}
		String pass = this.json.scalar(auth.get("pass"), path + ".pass", "pass");
		if (pass != null) {
			this.json.put("spring.mail.password", pass, path + ".pass");
		}
		return user;
	}

}
