package io.smartstick.routing;

import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.config.HttpClientCustomizer;

/**
 * Customizes Gateway's HTTP client so that {@link ProxyErrorFilter} learns, for each
 * failed attempt, whether a backend connection was given the request and whether that
 * connection had carried a request before: a hook called when a request is about to be
 * written, marking the connection on first use (a channel attribute).
 *
 * @author smart-stick
 */
public class ConnectionReuseTracking implements HttpClientCustomizer {

	@Override
	public HttpClient customize(HttpClient httpClient) {
		return httpClient.doOnRequest(ConnectionUse::requestPrepared);
	}

}
