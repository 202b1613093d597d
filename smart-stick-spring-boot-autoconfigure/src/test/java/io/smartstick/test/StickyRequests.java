package io.smartstick.test;

import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Requests of a sticky client to the default pool, shared by the end-to-end tests that
 * pin a client and watch where it goes.
 *
 * @author smart-stick
 */
public final class StickyRequests {

	private StickyRequests() {
	}

	/**
	 * Send {@code GET /}, with the default pool's cookie when one is given, and expect a 200.
	 * @param client the client
	 * @param cookie the cookie value, or {@code null} for a new client
	 * @return the result
	 */
	public static EntityExchangeResult<String> get(WebTestClient client, String cookie) {
		WebTestClient.RequestHeadersSpec<?> request = client.get().uri("/");
		if (cookie != null) {
			request = request.cookie("X-Backend-ID", cookie);
		}
		return request.exchange().expectStatus().isOk().expectBody(String.class).returnResult();
	}

	/**
	 * Send new clients until one is assigned the given backend, and return its cookie.
	 * @param client the client
	 * @param backendId the backend's {@code x-backend-id}
	 * @param attempts how many new clients to try at most
	 * @return the cookie value that pins a client to the backend
	 */
	public static String cookieFor(WebTestClient client, String backendId, int attempts) {
		for (int i = 0; i < attempts; i++) {
			EntityExchangeResult<String> result = get(client, null);
			if (backendId.equals(result.getResponseHeaders().getFirst("x-backend-id"))) {
				return result.getResponseCookies().getFirst("X-Backend-ID").getValue();
			}
		}
		throw new IllegalStateException("backend " + backendId + " was never chosen");
	}

}
