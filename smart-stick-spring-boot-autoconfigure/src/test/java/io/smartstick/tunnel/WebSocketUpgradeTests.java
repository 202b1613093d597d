package io.smartstick.tunnel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketUpgrade}: which requests both engines tunnel. The tunnel
 * itself is tested end to end against real WebSocket peers, on both engines.
 */
class WebSocketUpgradeTests {

	@Test
	void getWithUpgradeWebSocketInAnyCaseIsAWebSocketUpgrade() {
		assertThat(WebSocketUpgrade.isWebSocket("GET", "websocket")).isTrue();
		assertThat(WebSocketUpgrade.isWebSocket("GET", "WebSocket")).isTrue();
	}

	@Test
	void otherMethodsAndProtocolsAreNotWebSocketUpgrades() {
		assertThat(WebSocketUpgrade.isWebSocket("POST", "websocket")).isFalse();
		assertThat(WebSocketUpgrade.isWebSocket("get", "websocket")).as("methods are case-sensitive").isFalse();
		assertThat(WebSocketUpgrade.isWebSocket("GET", "h2c")).isFalse();
		assertThat(WebSocketUpgrade.isWebSocket("GET", "websocket, h2c")).isFalse();
		assertThat(WebSocketUpgrade.isWebSocket("GET", null)).isFalse();
	}

	@Test
	void requestOfAServerOtherThanReactorNettyCannotBeTunnelled() {
		assertThat(WebSocketUpgrade.tunnelableConnection(new Object())).isNull();
		assertThat(WebSocketUpgrade.tunnelableConnection(null)).isNull();
	}

}
