package io.smartstick.routing;

import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.config.HttpClientCustomizer;

/**
 * Customizes Gateway's HTTP client with a hook called when a request is about to be
 * written to a backend connection ({@link ConnectionUse#requestPrepared}): for the
 * exchanges of smart-stick's routes it applies the pool's response timeout and lets
 * {@link ProxyErrorFilter} learn, for each failed attempt, whether a backend connection
 * was given the request and whether that connection had carried a request before.
 * Other routes' requests only have their connection marked on first use (a channel
 * attribute).
 *
 * @author smart-stick
 */
public class BackendRequestHook implements HttpClientCustomizer {

	@Override
	public HttpClient customize(HttpClient httpClient) {
		return httpClient.doOnRequest(ConnectionUse::requestPrepared);
	}

}
